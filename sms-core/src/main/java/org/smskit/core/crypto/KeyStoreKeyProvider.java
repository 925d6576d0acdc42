package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from a Java {@link KeyStore}: every secret-key entry is a key whose id is its alias. Entries of other kinds
 * (certificates, private keys) are skipped, so the store may be shared with TLS material.
 *
 * <p>Make a store with the JDK's {@code keytool}:
 *
 * <pre>
 *   keytool -genseckey -keyalg AES -keysize 256 -alias k1 -storetype PKCS12 -keystore smskit-keys.p12
 * </pre>
 *
 * PKCS12 stores list aliases in lower case whatever case they were created with, so use lower-case aliases: the
 * alias as listed is the key id written into every stored value.
 *
 * <p>The keys are read once, when the provider is made; passwords are not kept (the caller may clear its arrays
 * afterwards). Immutable and thread safe; {@link #toString()} shows aliases only.
 */
public final class KeyStoreKeyProvider extends LoadedKeyProvider {
  private static final Logger log = LoggerFactory.getLogger(KeyStoreKeyProvider.class);

  private KeyStoreKeyProvider(StaticKeyProvider keys) {
    super(keys);
  }

  /**
   * Reads a PKCS12 file whose key entries are protected by the store password (the PKCS12 and {@code keytool}
   * convention).
   *
   * @param activeAlias the alias of the key new values are encrypted under
   * @throws KeyConfigurationException if the file cannot be read or opened with the password, holds no AES-256
   *     secret key, holds a malformed alias or a key that is not AES-256, or has no secret key {@code activeAlias}
   */
  public static KeyStoreKeyProvider load(Path file, char[] password, String activeAlias) {
    requireNonNull(file, "file");
    requireNonNull(password, "password");
    requireNonNull(activeAlias, "activeAlias");
    KeyStore store;
    try (InputStream in = Files.newInputStream(file)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      // A wrong password surfaces as an IOException whose message says so; messages never contain key bytes.
      throw new KeyConfigurationException(file.toString(), "cannot be read as a PKCS12 key store: " + e.getMessage(),
          e);
    }
    return read(store, password, activeAlias, file.toString());
  }

  /**
   * Reads the secret keys of an already loaded store, each protected by {@code keyPassword}.
   *
   * @throws KeyConfigurationException as {@link #load}
   */
  public static KeyStoreKeyProvider of(KeyStore store, char[] keyPassword, String activeAlias) {
    requireNonNull(store, "store");
    requireNonNull(keyPassword, "keyPassword");
    requireNonNull(activeAlias, "activeAlias");
    return read(store, keyPassword, activeAlias, "key store (" + store.getType() + ")");
  }

  private static KeyStoreKeyProvider read(KeyStore store, char[] keyPassword, String activeAlias, String source) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
          continue;
        }
        if (!AesKeys.isValidKeyId(alias)) {
          throw new KeyConfigurationException(source,
              "alias '" + alias + "' cannot be a key id; ids are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
        }
        Key key = store.getKey(alias, keyPassword);
        if (!(key instanceof SecretKey)) {
          throw new KeyConfigurationException(source, "alias '" + alias + "' is not a secret key");
        }
        AesKeys.checkAes256((SecretKey) key, source + " alias '" + alias + "'");
        keys.put(alias, (SecretKey) key);
      }
    } catch (GeneralSecurityException e) {
      throw new KeyConfigurationException(source, "a secret key cannot be read: " + e.getMessage(), e);
    }
    if (keys.isEmpty()) {
      throw new KeyConfigurationException(source, "holds no secret key entries");
    }
    if (!keys.containsKey(activeAlias)) {
      throw new KeyConfigurationException(source, "has no secret key with the active alias"
          + (AesKeys.isValidKeyId(activeAlias) ? " '" + activeAlias + "'" : "") + "; it holds " + keys.keySet()
          + " (PKCS12 lists aliases in lower case)");
    }
    StaticKeyProvider provider = StaticKeyProvider.of(keys, activeAlias);
    log.info("Encryption keys from {}: ids {}, active {}", source, provider.keyIds(), activeAlias);
    return new KeyStoreKeyProvider(provider);
  }
}
