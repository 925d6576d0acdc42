package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.crypto.TestKeys.CONTEXT;
import static org.smskit.core.crypto.TestKeys.K1;
import static org.smskit.core.crypto.TestKeys.K2;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

/** Key check values tell apart two keys with one id, and nothing else can pass for one. */
class KeyCheckTest {
  private final SecretCipher k1 = new SecretCipher(StaticKeyProvider.of("k1", K1));

  @Test
  void checkMadeWithAKeyMatchesThatKeyOnly() {
    EncryptedValue check = k1.keyCheck("k1");

    assertThat(check.keyId()).isEqualTo("k1");
    assertThat(k1.matchesKeyCheck("k1", check)).isTrue();
    assertThat(new SecretCipher(StaticKeyProvider.of("k1", K2)).matchesKeyCheck("k1", check))
        .as("other material under the same id").isFalse();
  }

  @Test
  void checkOfAnotherIdNeverMatchesEvenWithTheSameMaterial() {
    SecretCipher both = new SecretCipher(StaticKeyProvider.of(Map.of("k1", K1, "alias", K1), "k1"));

    assertThat(both.matchesKeyCheck("alias", both.keyCheck("k1"))).isFalse();
  }

  @Test
  void anyHeldKeyGetsACheckNotOnlyTheActiveOne() {
    SecretCipher ring = new SecretCipher(StaticKeyProvider.of(Map.of("k1", K1, "k2", K2), "k2"));

    EncryptedValue old = ring.keyCheck("k1");

    assertThat(old.keyId()).isEqualTo("k1");
    assertThat(k1.matchesKeyCheck("k1", old)).isTrue();
  }

  @Test
  void checksAreFreshlyEncryptedAndPassTheStoredShape() {
    EncryptedValue a = k1.keyCheck("k1");
    EncryptedValue b = k1.keyCheck("k1");

    assertThat(a.payload()).isNotEqualTo(b.payload());
    assertThat(a.format()).matches("^enc:v1:k1:[A-Za-z0-9+/]+={0,2}$");
  }

  @Test
  void aStoredCredentialCannotPassForACheck() {
    EncryptedValue credential = k1.encrypt("smskit key check v1", CONTEXT);

    assertThat(k1.matchesKeyCheck("k1", credential)).isFalse();
  }

  @Test
  void checkIsNotTheEncryptionOfAZeroBlock() throws Exception {
    // E_K(0^128) is AES-GCM's hash key: publishing it would allow forging every stored value.
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, K1);
    byte[] hashKey = ecb.doFinal(new byte[16]);
    byte[] payload = java.util.Base64.getDecoder().decode(k1.keyCheck("k1").payload());

    assertThat(indexOf(payload, hashKey)).isNegative();
  }

  @Test
  void unknownKeyIdIsReportedAsSuch() {
    assertThatThrownBy(() -> k1.keyCheck("k9")).isInstanceOfSatisfying(UnknownKeyException.class,
        e -> assertThat(e.keyId()).isEqualTo("k9"));
    EncryptedValue foreign = new SecretCipher(StaticKeyProvider.of("k9", K2)).keyCheck("k9");
    assertThatThrownBy(() -> k1.matchesKeyCheck("k9", foreign)).isInstanceOf(UnknownKeyException.class);
  }

  @Test
  void keyProvidersListTheirKeysAndOthersOfferTheirActiveKey() {
    assertThat(StaticKeyProvider.of(Map.of("k1", K1, "k2", K2), "k2").keyIds()).containsExactlyInAnyOrder("k1", "k2");
    KeyProvider minimal = new KeyProvider() {
      @Override
      public String activeKeyId() {
        return "only";
      }

      @Override
      public Optional<SecretKey> key(String keyId) {
        return Optional.of(K1).filter(k -> keyId.equals("only"));
      }
    };
    assertThat(minimal.keyIds()).isEqualTo(Set.of("only"));
  }

  @Test
  void mismatchNamesTheKeyIdNeverTheKey() {
    KeyMismatchException e = new KeyMismatchException("k1", "differs from the key 'k1' that encrypted the stored"
        + " credentials");

    assertThat(e).isInstanceOf(KeyConfigurationException.class);
    assertThat(e.keyId()).isEqualTo("k1");
    assertThat(e.getMessage()).isEqualTo("key 'k1': differs from the key 'k1' that encrypted the stored credentials");
    assertThat(e.getMessage()).doesNotContain(TestKeys.base64(K1));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
