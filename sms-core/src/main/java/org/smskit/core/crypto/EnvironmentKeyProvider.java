package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys from environment variables, read once when the provider is made:
 *
 * <pre>
 *   SMSKIT_KEYS=k1:&lt;base64 of 32 bytes&gt;,k2:&lt;base64 of 32 bytes&gt;
 *   SMSKIT_ACTIVE_KEY=k2
 * </pre>
 *
 * Entries are separated by commas; whitespace and line breaks around entries are ignored. {@code SMSKIT_ACTIVE_KEY}
 * may be left out when there is exactly one key. To rotate: add the new key, make it active, restart, re-encrypt
 * every row (see {@link SecretCipher#reencrypt}), then drop the old entry.
 *
 * <p>Errors are {@link KeyConfigurationException}s whose {@link KeyConfigurationException#source() source} is the
 * variable's name; they name an entry by its position or key id, never by its value. Immutable and thread safe.
 */
public final class EnvironmentKeyProvider extends LoadedKeyProvider {
  /** The variable holding the key ring. */
  public static final String KEYS_VARIABLE = "SMSKIT_KEYS";
  /** The variable naming the active key id. */
  public static final String ACTIVE_KEY_VARIABLE = "SMSKIT_ACTIVE_KEY";

  private static final Logger log = LoggerFactory.getLogger(EnvironmentKeyProvider.class);

  private EnvironmentKeyProvider(StaticKeyProvider keys) {
    super(keys);
  }

  /**
   * Reads the process environment ({@link System#getenv()}).
   *
   * @throws KeyConfigurationException if a variable is missing or malformed
   */
  public static EnvironmentKeyProvider fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * Reads {@link #KEYS_VARIABLE} and {@link #ACTIVE_KEY_VARIABLE} from {@code environment}; other entries are
   * ignored.
   *
   * @throws KeyConfigurationException if a variable is missing or malformed: {@code SMSKIT_KEYS} unset or blank,
   *     an entry empty or without {@code id:}, a malformed or repeated id, a key not base64 of 32 bytes,
   *     {@code SMSKIT_ACTIVE_KEY} unset while there are several keys, or naming no listed key
   */
  public static EnvironmentKeyProvider from(Map<String, String> environment) {
    requireNonNull(environment, "environment");
    String ring = environment.get(KEYS_VARIABLE);
    if (ring == null || ring.isBlank()) {
      throw new KeyConfigurationException(KEYS_VARIABLE, "is not set; expected id:base64key[,id:base64key...]");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    String[] entries = ring.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String where = "entry " + (i + 1);
      String entry = entries[i].strip();
      if (entry.isEmpty()) {
        throw new KeyConfigurationException(KEYS_VARIABLE, where + " is empty; expected id:base64key");
      }
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw new KeyConfigurationException(KEYS_VARIABLE, where + " has no key id; expected id:base64key");
      }
      String id = entry.substring(0, colon).strip();
      if (!AesKeys.isValidKeyId(id)) {
        // The id is not echoed: a malformed id may be a key pasted in the wrong place.
        throw new KeyConfigurationException(KEYS_VARIABLE,
            where + " has a malformed key id; ids are 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
      }
      if (keys.containsKey(id)) {
        throw new KeyConfigurationException(KEYS_VARIABLE, "key id '" + id + "' appears more than once");
      }
      SecretKey key;
      try {
        key = AesKeys.fromBase64(KEYS_VARIABLE, entry.substring(colon + 1));
      } catch (KeyConfigurationException e) {
        throw new KeyConfigurationException(KEYS_VARIABLE, "key '" + id + "' " + e.rule());
      }
      keys.put(id, key);
    }

    String active = environment.get(ACTIVE_KEY_VARIABLE);
    if (active == null || active.isBlank()) {
      if (keys.size() > 1) {
        throw new KeyConfigurationException(ACTIVE_KEY_VARIABLE,
            "is not set; it must name one of the key ids " + keys.keySet() + " in " + KEYS_VARIABLE);
      }
      active = keys.keySet().iterator().next();
    } else {
      active = active.strip();
      if (!keys.containsKey(active)) {
        throw new KeyConfigurationException(ACTIVE_KEY_VARIABLE, "must name one of the key ids " + keys.keySet()
            + " in " + KEYS_VARIABLE + (AesKeys.isValidKeyId(active) ? ", is '" + active + "'" : ""));
      }
    }
    StaticKeyProvider provider = StaticKeyProvider.of(keys, active);
    log.info("Encryption keys from {}: ids {}, active {}", KEYS_VARIABLE, provider.keyIds(), active);
    return new EnvironmentKeyProvider(provider);
  }
}
