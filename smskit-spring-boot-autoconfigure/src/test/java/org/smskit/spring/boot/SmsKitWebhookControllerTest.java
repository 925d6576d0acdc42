package org.smskit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.SmsService;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.filter.ForwardedHeaderFilter;

/**
 * The webhook endpoint behind a TLS-terminating proxy, with requests signed as Twilio signs them (computed here,
 * independently of the provider's code) over the public URL, while they reach the application as plain http on
 * localhost.
 */
class SmsKitWebhookControllerTest extends BootDatabaseTest {
  static final String TWILIO_SID = "AC" + "0123456789abcdef".repeat(2);
  static final String TWILIO_TOKEN = "twilio-auth-token";

  WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, WebMvcAutoConfiguration.class,
          HttpMessageConvertersAutoConfiguration.class, SmsKitAutoConfiguration.class))
      .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.keys.ring.k1=" + KEY,
          "smskit.dispatch.enabled=false", "smskit.webhook.enabled=true");

  @Test
  void theEndpointIsOptInAndOnlyInServletApplications() {
    runner.withPropertyValues("smskit.webhook.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(SmsService.class)
            .doesNotHaveBean(SmsKitWebhookController.class));
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SmsKitAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.keys.ring.k1=" + KEY,
            "smskit.dispatch.enabled=false", "smskit.webhook.enabled=true")
        .run(context -> assertThat(context).hasSingleBean(SmsService.class)
            .doesNotHaveBean(SmsKitWebhookController.class));
  }

  @Test
  void behindAProxyTheUrlIsTheOneSpringsForwardedHeaderFilterRebuilds() {
    runner.run(context -> {
      SmsService sms = context.getBean(SmsService.class);
      UUID account = twilioAccount(sms, "+14155550100");
      MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).addFilters(new ForwardedHeaderFilter()).build();
      String path = "/smskit/webhooks/default/" + account;
      URI publicUrl = URI.create("https://sms.example.com/erp" + path);
      Map<String, String> params = inbound("SM" + "1".repeat(32), "+14155550100", "Where is my order?");

      MockHttpServletResponse ok = send(mvc, path, params, twilioSignature(publicUrl, params), true);
      assertThat(ok.getStatus()).isEqualTo(200);
      assertThat(ok.getContentAsString()).contains("<Response>");
      assertThat(storedBodies("SM" + "1".repeat(32))).containsExactly("Where is my order?");

      // Signed over the URL the application sees rather than the public one: refused, nothing recorded.
      Map<String, String> other = inbound("SM" + "2".repeat(32), "+14155550100", "hello");
      assertThat(send(mvc, path, other, twilioSignature(URI.create("http://localhost" + path), other), true)
          .getStatus()).isEqualTo(403);
      // Without the filter, Spring does not honour the headers, and neither does smskit.
      MockMvc noFilter = MockMvcBuilders.webAppContextSetup(context).build();
      assertThat(send(noFilter, path, other, twilioSignature(publicUrl, other), true).getStatus()).isEqualTo(403);
      assertThat(storedBodies("SM" + "2".repeat(32))).isEmpty();
    });
  }

  @Test
  void aConfiguredBaseUrlIsTheUrlVerifiedWhateverTheForwardedHeadersSay() {
    runner.withPropertyValues("smskit.webhook.base-url=https://erp.example.com/hooks/sms").run(context -> {
      SmsService sms = context.getBean(SmsService.class);
      UUID account = twilioAccount(sms, "+14155550200");
      assertThat(sms.webhookUrl(account)).contains(URI.create("https://erp.example.com/hooks/sms/default/" + account));
      MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).addFilters(new ForwardedHeaderFilter()).build();
      String path = "/smskit/webhooks/default/" + account;
      Map<String, String> params = inbound("SM" + "3".repeat(32), "+14155550200", "base url");

      URI forwarded = URI.create("https://sms.example.com/erp" + path);
      assertThat(send(mvc, path, params, twilioSignature(forwarded, params), true).getStatus()).isEqualTo(403);
      URI configured = sms.webhookUrl(account).orElseThrow();
      assertThat(send(mvc, path, params, twilioSignature(configured, params), true).getStatus()).isEqualTo(200);
      assertThat(storedBodies("SM" + "3".repeat(32))).containsExactly("base url");
    });
  }

  @Test
  void anUnknownAccountIs404() {
    runner.run(context -> {
      MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
      Map<String, String> params = inbound("SM" + "4".repeat(32), "+14155550100", "x");
      assertThat(send(mvc, "/smskit/webhooks/default/" + UUID.randomUUID(), params, "sig", false).getStatus())
          .isEqualTo(404);
      assertThat(send(mvc, "/smskit/webhooks/default/not-a-uuid", params, "sig", false).getStatus())
          .isEqualTo(404);
    });
  }

  private static UUID twilioAccount(SmsService sms, String number) {
    UUID account = sms.registerSenderAccount("Twilio " + number, "twilio", TWILIO_SID, TWILIO_TOKEN).id();
    sms.addPhoneNumber(account, number, null, true);
    return account;
  }

  private static MockHttpServletResponse send(MockMvc mvc, String path, Map<String, String> params,
      String signature, boolean behindProxy) throws Exception {
    var request = post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).content(form(params))
        .header("X-Twilio-Signature", signature);
    if (behindProxy) {
      request.header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "sms.example.com")
          .header("X-Forwarded-Port", "443").header("X-Forwarded-Prefix", "/erp");
    }
    return mvc.perform(request).andReturn().getResponse();
  }

  private static List<String> storedBodies(String sid) {
    return db.strings("SELECT body FROM smskit.sms_messages WHERE provider_message_sid = ?", sid);
  }

  private static Map<String, String> inbound(String sid, String to, String body) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("MessageSid", sid);
    p.put("SmsSid", sid);
    p.put("AccountSid", TWILIO_SID);
    p.put("From", "+14155550123");
    p.put("To", to);
    p.put("Body", body);
    p.put("NumMedia", "0");
    return p;
  }

  /** Twilio: base64(HMAC-SHA1(token, url + each sorted name followed by its value)). */
  private static String twilioSignature(URI url, Map<String, String> params) throws Exception {
    StringBuilder data = new StringBuilder(url.toString());
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(TWILIO_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static String form(Map<String, String> params) {
    List<String> pairs = new ArrayList<>();
    params.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }
}
