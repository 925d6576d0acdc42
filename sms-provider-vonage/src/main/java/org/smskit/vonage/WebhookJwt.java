package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smskit.core.crypto.Secret;
import org.smskit.core.spi.WebhookVerificationException;

/**
 * Verifies the {@code Authorization: Bearer <JWT>} of a Messages API webhook (developer.vonage.com, "Signed
 * webhooks"): HS256 keyed with the account's signature secret (its UTF-8 bytes), whatever the dashboard's signature
 * method; {@code iat} within the tolerance of now; {@code exp} and {@code nbf} honoured when present; and the
 * {@code payload_hash} claim equal to the lower-case hex SHA-256 of the raw body, so that a captured token cannot
 * carry another body. Vonage's own verifier checks only the signature; the rest is ours.
 */
final class WebhookJwt {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

  private WebhookJwt() {}

  /**
   * @return the verified claims
   * @throws WebhookVerificationException when anything does not check out; the message never quotes the token
   */
  static JsonNode verify(String authorization, byte[] body, Secret secret, Instant now, Duration tolerance) {
    String token = bearer(authorization);
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw reject("the bearer token is not a signed JWT");
    }
    JsonNode header = json(parts[0], "header");
    if (!"HS256".equals(header.path("alg").asText(null))) {
      // Never let the token choose its own algorithm ("none", RS256 keyed with our secret...).
      throw reject("the token is not HS256");
    }
    byte[] expected = hmacSha256(secret.reveal().getBytes(StandardCharsets.UTF_8),
        (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    if (!MessageDigest.isEqual(expected, decode(parts[2], "signature"))) {
      throw reject("the token's signature does not match (check the signature secret)");
    }

    JsonNode claims = json(parts[1], "payload");
    long nowSeconds = now.getEpochSecond();
    long slack = tolerance.toSeconds();
    JsonNode iat = claims.get("iat");
    if (iat == null || !iat.canConvertToLong()) {
      throw reject("the token has no iat");
    }
    if (iat.asLong() > nowSeconds + slack) {
      throw reject("the token was issued in the future (clock skew over " + slack + " s)");
    }
    if (iat.asLong() < nowSeconds - slack) {
      throw reject("the token was issued more than " + slack + " s ago (replayed?)");
    }
    JsonNode exp = claims.get("exp");
    if (exp != null && (!exp.canConvertToLong() || nowSeconds > exp.asLong() + slack)) {
      throw reject("the token has expired");
    }
    JsonNode nbf = claims.get("nbf");
    if (nbf != null && (!nbf.canConvertToLong() || nowSeconds < nbf.asLong() - slack)) {
      throw reject("the token is not valid yet");
    }
    JsonNode payloadHash = claims.get("payload_hash");
    if (payloadHash == null || !payloadHash.isTextual()) {
      throw reject("the token has no payload_hash, so it does not bind the body");
    }
    byte[] bodyHash = HexFormat.of().formatHex(sha256(body)).getBytes(StandardCharsets.US_ASCII);
    byte[] claimed = payloadHash.asText().strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(bodyHash, claimed)) {
      throw reject("payload_hash does not match the body (tampered in transit?)");
    }
    return claims;
  }

  private static String bearer(String authorization) {
    String value = authorization == null ? "" : authorization.strip();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw reject("the Authorization header is not a bearer token");
    }
    return value.substring(7).strip();
  }

  private static JsonNode json(String part, String what) {
    try {
      JsonNode node = JSON.readTree(decode(part, what));
      if (node == null || !node.isObject()) {
        throw reject("the token's " + what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw reject("the token's " + what + " is not JSON");
    }
  }

  private static byte[] decode(String part, String what) {
    try {
      return BASE64URL.decode(part);
    } catch (IllegalArgumentException e) {
      throw reject("the token's " + what + " is not base64url");
    }
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static WebhookVerificationException reject(String reason) {
    return new WebhookVerificationException(VonageProvider.NAME, reason);
  }
}
