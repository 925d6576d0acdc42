package org.smskit.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.WebhookRequest;

/** Spoils the signature of a signed simulated webhook, as a forger who lacks the account's token would. */
final class Signatures {
  /** A well-formed HMAC-SHA256 in base64 (32 zero bytes) that no token signs for a real request. */
  private static final String FORGED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

  private Signatures() {}

  static WebhookRequest forged(WebhookRequest signed) {
    Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
    headers.remove(SimulatedProvider.SIGNATURE_HEADER);
    headers.put(SimulatedProvider.SIGNATURE_HEADER, List.of(FORGED));
    return WebhookRequest.of(signed.method(), signed.url(), headers, signed.body());
  }
}
