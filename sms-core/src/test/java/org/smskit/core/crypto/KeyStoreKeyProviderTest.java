package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.crypto.TestKeys.CONTEXT;
import static org.smskit.core.crypto.TestKeys.K1;
import static org.smskit.core.crypto.TestKeys.K2;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreKeyProviderTest {
  private static final char[] PASSWORD = "changeit-for-tests".toCharArray();

  @TempDir
  Path dir;

  @Test
  void pkcs12FileRoundTripsThroughTheCipher() throws Exception {
    Path file = writeStore(Map.of("k1", K1, "k2", K2));

    KeyStoreKeyProvider provider = KeyStoreKeyProvider.load(file, PASSWORD, "k2");
    SecretCipher cipher = new SecretCipher(provider);
    EncryptedValue stored = cipher.encrypt("twilio-auth-token", CONTEXT);

    assertThat(provider.keyIds()).containsExactlyInAnyOrder("k1", "k2");
    assertThat(stored.keyId()).isEqualTo("k2");
    assertThat(cipher.decrypt(stored, CONTEXT)).isEqualTo("twilio-auth-token");
    assertThat(provider.key("k1")).hasValueSatisfying(k -> assertThat(k.getEncoded()).isEqualTo(K1.getEncoded()));
  }

  @Test
  void valuesWrittenWithOneKeyRingDecryptWithTheSameKeysFromAStore() throws Exception {
    EncryptedValue stored = new SecretCipher(StaticKeyProvider.of("k1", K1)).encrypt("token", CONTEXT);
    Path file = writeStore(Map.of("k1", K1, "k2", K2));

    SecretCipher fromStore = new SecretCipher(KeyStoreKeyProvider.load(file, PASSWORD, "k2"));

    assertThat(fromStore.decrypt(stored, CONTEXT)).isEqualTo("token");
    assertThat(fromStore.needsRotation(stored)).isTrue();
  }

  @Test
  void alreadyLoadedStoreIsAccepted() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setEntry("k1", new KeyStore.SecretKeyEntry(K1), new KeyStore.PasswordProtection(PASSWORD));

    KeyStoreKeyProvider provider = KeyStoreKeyProvider.of(store, PASSWORD, "k1");

    assertThat(provider.activeKeyId()).isEqualTo("k1");
  }

  @Test
  void pkcs12ListsAliasesInLowerCase() throws Exception {
    Path file = writeStore(Map.of("Key-A", K1));

    assertThat(KeyStoreKeyProvider.load(file, PASSWORD, "key-a").keyIds()).containsExactly("key-a");
    assertThatThrownBy(() -> KeyStoreKeyProvider.load(file, PASSWORD, "Key-A"))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("[key-a]")
        .hasMessageContaining("lower case");
  }

  @Test
  void wrongPasswordIsRefusedNamingTheFile() throws Exception {
    Path file = writeStore(Map.of("k1", K1));

    assertThatThrownBy(() -> KeyStoreKeyProvider.load(file, "wrong".toCharArray(), "k1"))
        .isInstanceOf(KeyConfigurationException.class)
        .satisfies(e -> assertThat(((KeyConfigurationException) e).source()).isEqualTo(file.toString()));
  }

  @Test
  void missingFileIsRefused() {
    Path missing = dir.resolve("missing.p12");

    assertThatThrownBy(() -> KeyStoreKeyProvider.load(missing, PASSWORD, "k1"))
        .isInstanceOf(KeyConfigurationException.class)
        .satisfies(e -> assertThat(((KeyConfigurationException) e).source()).isEqualTo(missing.toString()));
  }

  @Test
  void missingActiveAliasIsRefused() throws Exception {
    Path file = writeStore(Map.of("k1", K1));

    assertThatThrownBy(() -> KeyStoreKeyProvider.load(file, PASSWORD, "k2"))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("'k2'")
        .hasMessageContaining("[k1]");
  }

  @Test
  void storeWithoutSecretKeysIsRefused() throws Exception {
    Path file = writeStore(Map.of());

    assertThatThrownBy(() -> KeyStoreKeyProvider.load(file, PASSWORD, "k1"))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("no secret key");
  }

  @Test
  void secretKeyThatIsNotAes256IsRefused() throws Exception {
    Path aes128 = writeStore(Map.of("k1", K1, "short", new SecretKeySpec(new byte[16], "AES")));

    assertThatThrownBy(() -> KeyStoreKeyProvider.load(aes128, PASSWORD, "k1"))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("alias 'short'")
        .hasMessageContaining("256-bit");
  }

  private Path writeStore(Map<String, SecretKey> keys) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (Map.Entry<String, SecretKey> entry : keys.entrySet()) {
      store.setEntry(entry.getKey(), new KeyStore.SecretKeyEntry(entry.getValue()),
          new KeyStore.PasswordProtection(PASSWORD));
    }
    Path file = Files.createTempFile(dir, "keys", ".p12");
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD);
    }
    return file;
  }
}
