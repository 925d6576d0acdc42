package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import org.smskit.core.SmsException;

/**
 * A stored secret could not be decrypted. AES-GCM cannot tell apart a tampered value, a value copied from
 * another row, tenant, table or column, and a key with the right id but the wrong material: all fail the same
 * authentication check, so this exception does not pretend to know which it was. It never carries the plaintext,
 * the key or the payload; it names the key id and the {@link SecretContext}, which are not secret.
 */
public class DecryptionException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String keyId;
  private final SecretContext context;

  public DecryptionException(String keyId, SecretContext context, String reason) {
    super("could not decrypt " + requireNonNull(context, "context").describe() + " with key '"
        + requireNonNull(keyId, "keyId") + "': " + requireNonNull(reason, "reason"));
    this.keyId = keyId;
    this.context = context;
  }

  /** The key id stored with the value. */
  public String keyId() {
    return keyId;
  }

  /** Where the value was said to belong. */
  public SecretContext context() {
    return context;
  }
}
