package org.smskit.twilio;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smskit.core.Nullable;

/**
 * Twilio's {@code X-Twilio-Signature}: base64(HMAC-SHA1(auth token, url + every POST parameter's name and value,
 * sorted by name)), as in twilio-java's {@code RequestValidator} and twilio-node's {@code webhooks.ts}.
 *
 * <ul>
 *   <li>The URL is the full URL Twilio requested, query string included, exactly as encoded.
 *   <li>Names sort by UTF-16 code unit ({@link String#compareTo}), so {@code CALLSID < CallSid < callSid}. A name
 *       sent several times contributes each distinct value, sorted, each as name + value (twilio-node).
 *   <li>Twilio's back end is inconsistent about ports, so a signature matches if it fits the URL with the
 *       scheme's default port added or with any port removed (both SDKs do this).
 *   <li>JSON bodies: the URL carries {@code bodySHA256} = lower-case hex SHA-256 of the raw body; the signature
 *       covers the URL alone and the hash must match the body.
 * </ul>
 * Comparisons take constant time.
 */
final class TwilioSignature {
  private TwilioSignature() {}

  static final String HEADER = "X-Twilio-Signature";
  static final String BODY_HASH_PARAMETER = "bodySHA256";

  /** The signature of {@code url} with {@code parameters} (empty for GET and JSON requests). */
  static String sign(byte[] key, String url, Map<String, List<String>> parameters) {
    StringBuilder data = new StringBuilder(url);
    List<String> names = new ArrayList<>(parameters.keySet());
    names.sort(null);
    for (String name : names) {
      for (String value : new TreeSet<>(parameters.get(name))) {
        data.append(name).append(value);
      }
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  /** True when {@code signature} fits {@code url} (with or without its port) and {@code parameters}. */
  static boolean matches(byte[] key, URI url, Map<String, List<String>> parameters, @Nullable String signature) {
    if (signature == null || url.getHost() == null || url.getScheme() == null) {
      return false;
    }
    byte[] given = signature.getBytes(StandardCharsets.UTF_8);
    boolean withPort = MessageDigest.isEqual(given, bytes(sign(key, withPort(url), parameters)));
    boolean withoutPort = MessageDigest.isEqual(given, bytes(sign(key, withoutPort(url), parameters)));
    return withPort | withoutPort; // both computed: how long this takes says nothing about which one matched
  }

  /** True when {@code hexHash} is the lower-case hex SHA-256 of {@code body}. */
  static boolean bodyMatches(byte[] body, @Nullable String hexHash) {
    return hexHash != null && MessageDigest.isEqual(bytes(bodySha256(body)), bytes(hexHash));
  }

  static String bodySha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  static String withPort(URI url) {
    int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return format(url, ":" + port);
  }

  static String withoutPort(URI url) {
    return format(url, "");
  }

  /** {@code url} rebuilt from its raw (still encoded) parts, so that nothing is re-encoded on the way. */
  private static String format(URI url, String port) {
    StringBuilder out = new StringBuilder(url.getScheme()).append("://");
    if (url.getRawUserInfo() != null) {
      out.append(url.getRawUserInfo()).append('@');
    }
    out.append(url.getHost()).append(port).append(url.getRawPath() == null ? "" : url.getRawPath());
    if (url.getRawQuery() != null) {
      out.append('?').append(url.getRawQuery());
    }
    if (url.getRawFragment() != null) {
      out.append('#').append(url.getRawFragment());
    }
    return out.toString();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
