package org.smskit.core.crypto;

import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/** A key provider whose keys were read once from some source and are held in memory. */
abstract class LoadedKeyProvider implements KeyProvider {
  private final StaticKeyProvider keys;

  LoadedKeyProvider(StaticKeyProvider keys) {
    this.keys = keys;
  }

  @Override
  public String activeKeyId() {
    return keys.activeKeyId();
  }

  @Override
  public Optional<SecretKey> key(String keyId) {
    return keys.key(keyId);
  }

  /** The ids of every key held. */
  @Override
  public Set<String> keyIds() {
    return keys.keyIds();
  }

  /** Names the key ids, never the keys. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "[active=" + keys.activeKeyId() + ", keys=" + keys.keyIds() + "]";
  }
}
