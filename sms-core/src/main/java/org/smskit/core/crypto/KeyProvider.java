package org.smskit.core.crypto;

import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The host's encryption keys: a key ring in which one key is active (new values are encrypted under it) and
 * older keys remain available to decrypt values not yet re-encrypted. Keys are 256-bit AES; ids are 1 to 64
 * characters of {@code [A-Za-z0-9_.-]} and are stored in clear with every value, so they must not be secret.
 *
 * <p>Shipped implementations: {@link EnvironmentKeyProvider} ({@code SMSKIT_KEYS}), {@link KeyStoreKeyProvider}
 * (PKCS12 file or any loaded {@link java.security.KeyStore}) and {@link StaticKeyProvider} (keys the host already
 * holds, for example from a vault). A host may implement its own, for example to reload keys.
 *
 * <p>Implementations must be thread safe; {@link SecretCipher} calls them on every operation. A key must stay
 * available for as long as any stored value names its id.
 */
public interface KeyProvider {
  /**
   * The id of the key new values are encrypted under.
   *
   * @throws KeyConfigurationException if the provider cannot name one
   */
  String activeKeyId();

  /**
   * The key with this id, or empty if the provider does not have it.
   *
   * @throws KeyConfigurationException if the key exists but cannot be read
   */
  Optional<SecretKey> key(String keyId);

  /**
   * The ids of every key held, so that each can be checked against the installation's key check values at start.
   * Default: the active id only (a provider that cannot list its keys still has its active key checked).
   */
  default Set<String> keyIds() {
    return Set.of(activeKeyId());
  }
}
