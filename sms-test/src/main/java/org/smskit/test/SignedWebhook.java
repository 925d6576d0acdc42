package org.smskit.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** A webhook the simulated provider of {@code accountId} signed, as the kit's builders make them. */
record SignedWebhook(UUID accountId, WebhookRequest request) {
  /** A well-formed HMAC-SHA256 in base64 (32 zero bytes) that no token signs for a real request. */
  private static final String FORGED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

  /** The same request with a signature no token makes, as a forger who lacks the account's token would send. */
  SignedWebhook forged() {
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    headers.remove(SimulatedProvider.SIGNATURE_HEADER);
    headers.put(SimulatedProvider.SIGNATURE_HEADER, List.of(FORGED));
    return new SignedWebhook(accountId, WebhookRequest.of(request.method(), request.url(), headers, request.body()));
  }

  /** Hands it to {@code sms} for its account, as the host's webhook endpoint does. */
  WebhookOutcome deliverTo(SmsService sms) {
    return sms.handleWebhook(accountId, request);
  }
}
