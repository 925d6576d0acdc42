package org.smskit.core.crypto;

import java.util.Base64;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.smskit.core.TenantId;

/** Fixed keys and contexts, so failures are reproducible. */
final class TestKeys {
  static final SecretKey K1 = key(1);
  static final SecretKey K2 = key(2);

  static final SecretContext CONTEXT = SecretContext.of(TenantId.of("acme"), "sms_sender_accounts", "auth_token",
      UUID.fromString("0190a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b"));

  private TestKeys() {}

  /** A 256-bit key whose bytes are seed, seed+1, ... */
  static SecretKey key(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed + i);
    }
    return new SecretKeySpec(bytes, "AES");
  }

  static String base64(SecretKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  static String hex(SecretKey key) {
    StringBuilder out = new StringBuilder();
    for (byte b : key.getEncoded()) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
