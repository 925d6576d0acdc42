package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

/**
 * The key the key provider holds under {@link #keyId()} is not the key that encrypted what is stored under that id:
 * another node (or an earlier configuration) used other key material with the same id. Nothing can be decrypted
 * with it, and anything encrypted with it could not be read by the other nodes, so smskit refuses to start or to
 * encrypt. Configure the same key under that id everywhere. The message names the key id, never key material.
 */
public class KeyMismatchException extends KeyConfigurationException {
  private static final long serialVersionUID = 1L;

  private final String keyId;

  /**
   * @param rule what was found, after {@code key '<id>'} (for example {@code differs from the key 'k1' that
   *     encrypted the stored credentials})
   */
  public KeyMismatchException(String keyId, String rule) {
    this(keyId, rule, null);
  }

  public KeyMismatchException(String keyId, String rule, Throwable cause) {
    super("key '" + requireNonNull(keyId, "keyId") + "'", rule, cause);
    this.keyId = keyId;
  }

  /** The key id whose material differs (an id, never key material). */
  public String keyId() {
    return keyId;
  }
}
