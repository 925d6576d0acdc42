package org.smskit.core.crypto;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;

/**
 * A secret as stored: {@code enc:v1:<keyId>:<base64(nonce | ciphertext | tag)>}. The key id travels with the
 * ciphertext so that keys can rotate without trial decryption. The schema refuses any {@code auth_token} that
 * does not have this shape, so a plaintext token can never be stored by mistake.
 *
 * <p>{@link #toString()} never shows the payload.
 */
public record EncryptedValue(String keyId, String payload) {
  /** The prefix of every stored secret; the schema's CHECK constraint tests for it. */
  public static final String PREFIX = "enc:v1:";

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

  public EncryptedValue {
    if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
      throw new InvalidInputException("key_id", "must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    }
    if (payload == null || !BASE64.matcher(payload).matches()) {
      throw new InvalidInputException("ciphertext", "must be base64");
    }
  }

  /** Reads the stored form. */
  public static EncryptedValue parse(String field, String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      throw new InvalidInputException(field, "must start with " + PREFIX);
    }
    int colon = stored.indexOf(':', PREFIX.length());
    if (colon < 0) {
      throw new InvalidInputException(field, "must be " + PREFIX + "<keyId>:<base64>");
    }
    return new EncryptedValue(stored.substring(PREFIX.length(), colon), stored.substring(colon + 1));
  }

  /** The stored form. */
  public String format() {
    return PREFIX + keyId + ':' + payload;
  }

  @Override
  public String toString() {
    return "EncryptedValue[keyId=" + keyId + ", payload=***]";
  }
}
