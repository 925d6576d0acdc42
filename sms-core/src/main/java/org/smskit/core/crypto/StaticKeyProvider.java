package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * A fixed key ring the host already holds (read from a vault, a secrets manager or a test). The map is copied
 * and every key checked when the provider is made, so a bad configuration fails at startup, not at the first
 * decryption.
 *
 * <p>Immutable and thread safe. {@link #toString()} shows key ids only.
 */
public final class StaticKeyProvider implements KeyProvider {
  private final Map<String, SecretKey> keys;
  private final String activeKeyId;

  private StaticKeyProvider(Map<String, SecretKey> keys, String activeKeyId) {
    this.keys = keys;
    this.activeKeyId = activeKeyId;
  }

  /**
   * A key ring of {@code keys} (by id) in which {@code activeKeyId} encrypts.
   *
   * @throws KeyConfigurationException if the map is empty, an id is malformed, a key is not 256-bit AES, or
   *     {@code activeKeyId} is not in the map
   */
  public static StaticKeyProvider of(Map<String, SecretKey> keys, String activeKeyId) {
    requireNonNull(keys, "keys");
    requireNonNull(activeKeyId, "activeKeyId");
    if (keys.isEmpty()) {
      throw new KeyConfigurationException("keys", "must hold at least one key");
    }
    Map<String, SecretKey> copy = new LinkedHashMap<>();
    for (Map.Entry<String, SecretKey> entry : keys.entrySet()) {
      String id = requireNonNull(entry.getKey(), "key id");
      SecretKey key = requireNonNull(entry.getValue(), "key");
      if (!AesKeys.isValidKeyId(id)) {
        throw new KeyConfigurationException("keys",
            "key ids must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
      }
      AesKeys.checkAes256(key, "key '" + id + "'");
      copy.put(id, key);
    }
    if (!copy.containsKey(activeKeyId)) {
      throw new KeyConfigurationException("activeKeyId",
          "must be one of the key ids " + copy.keySet() + (AesKeys.isValidKeyId(activeKeyId)
              ? ", is '" + activeKeyId + "'" : ""));
    }
    return new StaticKeyProvider(Collections.unmodifiableMap(copy), activeKeyId);
  }

  /** A key ring of a single key, which is active. */
  public static StaticKeyProvider of(String keyId, SecretKey key) {
    requireNonNull(keyId, "keyId");
    requireNonNull(key, "key");
    return of(Map.of(keyId, key), keyId);
  }

  @Override
  public String activeKeyId() {
    return activeKeyId;
  }

  @Override
  public Optional<SecretKey> key(String keyId) {
    return Optional.ofNullable(keys.get(requireNonNull(keyId, "keyId")));
  }

  /** The ids of every key held, in the order given. */
  @Override
  public Set<String> keyIds() {
    return keys.keySet();
  }

  @Override
  public String toString() {
    return "StaticKeyProvider[active=" + activeKeyId + ", keys=" + keys.keySet() + "]";
  }
}
