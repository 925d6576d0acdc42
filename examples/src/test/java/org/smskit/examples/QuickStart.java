package org.smskit.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.crypto.EnvironmentKeyProvider;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

public class QuickStart {
  public static void main(String[] args) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl("jdbc:postgresql://localhost:5432/erp");
    try (HikariDataSource dataSource = new HikariDataSource(pool);
        SmsService sms = SmsService.builder(dataSource, EnvironmentKeyProvider.fromEnvironment())
            .defaultRegion("US")
            .webhookBaseUrl(URI.create("https://erp.example.com/sms/webhooks"))
            .build()) {
      sms.migrate();
      UUID account = sms.registerSenderAccount("Main", "twilio", System.getenv("TWILIO_ACCOUNT_SID"),
          System.getenv("TWILIO_AUTH_TOKEN")).id();
      sms.addPhoneNumber(account, "(415) 555-0100", "Support line", true);
      SendReceipt receipt = sms.send(SendRequest.to("(415) 555-0123").fromAccount(account)
          .body("Your order shipped").build());
      if (receipt.waitsForDispatcher()) { // refused for now (receipt.errorCode()): only a Dispatcher retries it
        System.out.println("queued, next attempt at " + receipt.nextAttemptAt() + "; start a Dispatcher");
      }
    }
  }

  /** Your HTTP endpoint (POST {webhookBaseUrl}/{tenant}/{account}) hands smskit what it received. */
  static WebhookOutcome onWebhook(SmsService sms, UUID account, URI publicUrl, Map<String, String> headers,
      Map<String, List<String>> form) {
    return sms.handleWebhook(account, WebhookRequest.form(publicUrl, headers, form));
  }
}
