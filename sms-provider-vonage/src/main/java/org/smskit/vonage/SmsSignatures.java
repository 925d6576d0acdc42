package org.smskit.vonage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.WebhookVerificationException;

/**
 * Vonage's SMS API request signature, the {@code sig} parameter (developer.vonage.com, "Signing Messages"; the
 * same algorithm as vonage-java-sdk's {@code RequestSigning}): every parameter but {@code sig}, sorted by name,
 * each name and value with {@code &} and {@code =} replaced by {@code _}, joined as {@code &name=value...} (with the
 * leading {@code &}), then hashed with the signature secret by the account's {@link SignatureMethod}. Hex digests
 * are compared without regard to case, because Vonage sends them in upper case.
 */
final class SmsSignatures {
  static final String SIG = "sig";
  static final String TIMESTAMP = "timestamp";

  private SmsSignatures() {}

  /**
   * The string that is hashed. Parameters with a blank value are left out when {@code skipBlank}, as Vonage's Java
   * SDK does; Vonage's Node SDK keeps them, so verification accepts either form.
   */
  static String canonical(Map<String, String> parameters, boolean skipBlank) {
    Map<String, String> sorted = new TreeMap<>();
    parameters.forEach((name, value) -> {
      if (!SIG.equals(name) && value != null && !(skipBlank && value.isBlank())) {
        sorted.put(name, value);
      }
    });
    StringBuilder out = new StringBuilder();
    sorted.forEach((name, value) -> out.append('&').append(clean(name)).append('=').append(clean(value)));
    return out.toString();
  }

  /** The {@code sig} of {@code parameters} (which must already hold {@code timestamp}). */
  static String sign(Map<String, String> parameters, SignatureMethod method, Secret secret) {
    return method.sign(canonical(parameters, true), secret.reveal().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Checks the {@code sig} and the {@code timestamp} (Unix seconds, within {@code tolerance} of {@code now}) of a
   * webhook's parameters.
   *
   * @throws WebhookVerificationException when either is missing or wrong
   */
  static void verify(Map<String, String> parameters, SignatureMethod method, Secret secret, Instant now,
      Duration tolerance) {
    String supplied = parameters.get(SIG);
    if (supplied == null || supplied.isBlank()) {
      throw new WebhookVerificationException(VonageProvider.NAME, "the webhook carries no sig parameter");
    }
    String timestamp = parameters.get(TIMESTAMP);
    if (timestamp == null || timestamp.isBlank()) {
      throw new WebhookVerificationException(VonageProvider.NAME, "a signed webhook must carry a timestamp");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(VonageProvider.NAME, "the timestamp is not Unix seconds");
    }
    if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
      throw new WebhookVerificationException(VonageProvider.NAME,
          "the timestamp is more than " + tolerance.toSeconds() + " s away from now (replayed or clock skew)");
    }
    byte[] key = secret.reveal().getBytes(StandardCharsets.UTF_8);
    byte[] suppliedBytes = supplied.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    boolean valid = MessageDigest.isEqual(method.sign(canonical(parameters, true), key)
        .getBytes(StandardCharsets.US_ASCII), suppliedBytes);
    if (!valid && parameters.values().stream().anyMatch(v -> v != null && v.isBlank())) {
      valid = MessageDigest.isEqual(method.sign(canonical(parameters, false), key)
          .getBytes(StandardCharsets.US_ASCII), suppliedBytes);
    }
    if (!valid) {
      throw new WebhookVerificationException(VonageProvider.NAME,
          "sig does not match (check the signature secret and the signature method '" + method.settingValue() + "')");
    }
  }

  private static String clean(String text) {
    return text.replace('&', '_').replace('=', '_');
  }
}
