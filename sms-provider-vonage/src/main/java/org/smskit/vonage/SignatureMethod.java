package org.smskit.vonage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * The dashboard's "signature method" for SMS API signatures ({@code sig}). Messages API webhooks ignore it: their
 * JWTs are always HS256.
 */
enum SignatureMethod {
  /** Vonage's default: MD5 of the parameter string with the secret appended. */
  MD5HASH("md5hash", null),
  MD5("md5", "HmacMD5"),
  SHA1("sha1", "HmacSHA1"),
  SHA256("sha256", "HmacSHA256"),
  SHA512("sha512", "HmacSHA512");

  private final String settingValue;
  private final @Nullable String hmacAlgorithm;

  SignatureMethod(String settingValue, @Nullable String hmacAlgorithm) {
    this.settingValue = settingValue;
    this.hmacAlgorithm = hmacAlgorithm;
  }

  String settingValue() {
    return settingValue;
  }

  /** @throws InvalidInputException on {@code field} when {@code value} names no method */
  static SignatureMethod fromSetting(String field, String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (SignatureMethod method : values()) {
      if (method.settingValue.equals(wanted)) {
        return method;
      }
    }
    throw new InvalidInputException(field, "must be one of md5hash, md5, sha1, sha256, sha512");
  }

  /** Lower-case hex of the signature of {@code data}. */
  String sign(String data, byte[] secret) {
    try {
      byte[] digest;
      if (hmacAlgorithm == null) {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(data.getBytes(StandardCharsets.UTF_8));
        md5.update(secret);
        digest = md5.digest();
      } else {
        Mac mac = Mac.getInstance(hmacAlgorithm);
        mac.init(new SecretKeySpec(secret, hmacAlgorithm));
        digest = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name() + " is part of every JDK", e);
    }
  }
}
