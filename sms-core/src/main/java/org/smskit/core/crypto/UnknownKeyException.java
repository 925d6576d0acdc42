package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import org.smskit.core.SmsException;

/**
 * The key provider has no key with {@link #keyId()}: either a stored value names a key that was retired before
 * every value was re-encrypted, or the active key id names a key the provider does not hold.
 */
public class UnknownKeyException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String keyId;

  public UnknownKeyException(String keyId) {
    super("no encryption key with id '" + requireNonNull(keyId, "keyId")
        + "' is available from the key provider (retired before every value was re-encrypted?)");
    this.keyId = keyId;
  }

  /** The missing key id (an id, never key material). */
  public String keyId() {
    return keyId;
  }
}
