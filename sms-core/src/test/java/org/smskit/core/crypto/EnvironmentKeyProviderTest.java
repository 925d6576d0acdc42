package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.crypto.TestKeys.K1;
import static org.smskit.core.crypto.TestKeys.K2;
import static org.smskit.core.crypto.TestKeys.base64;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EnvironmentKeyProviderTest {
  private static final String KEYS = "SMSKIT_KEYS";
  private static final String ACTIVE = "SMSKIT_ACTIVE_KEY";

  @Test
  void readsSeveralKeysAndTheActiveOne() {
    EnvironmentKeyProvider provider = EnvironmentKeyProvider.from(Map.of(
        KEYS, "k1:" + base64(K1) + ",k2:" + base64(K2),
        ACTIVE, "k2",
        "PATH", "/usr/bin"));

    assertThat(provider.activeKeyId()).isEqualTo("k2");
    assertThat(provider.keyIds()).containsExactly("k1", "k2");
    assertThat(provider.key("k1")).hasValueSatisfying(k -> assertThat(k.getEncoded()).isEqualTo(K1.getEncoded()));
    assertThat(provider.key("k2")).hasValueSatisfying(k -> assertThat(k.getEncoded()).isEqualTo(K2.getEncoded()));
    assertThat(provider.key("k3")).isEmpty();
  }

  @Test
  void aSingleKeyIsActiveWithoutNamingIt() {
    EnvironmentKeyProvider provider = EnvironmentKeyProvider.from(Map.of(KEYS, "only:" + base64(K1)));

    assertThat(provider.activeKeyId()).isEqualTo("only");
  }

  @Test
  void whitespaceAndLineBreaksAroundEntriesAreIgnored() {
    EnvironmentKeyProvider provider = EnvironmentKeyProvider.from(Map.of(
        KEYS, "\n  k1:" + base64(K1) + " ,\n  k2: " + base64(K2) + "\n",
        ACTIVE, " k1\n"));

    assertThat(provider.keyIds()).containsExactly("k1", "k2");
    assertThat(provider.activeKeyId()).isEqualTo("k1");
  }

  @Test
  void keysWorkWithTheCipher() {
    EnvironmentKeyProvider provider = EnvironmentKeyProvider.from(Map.of(
        KEYS, "2024-01.a:" + AesKeys.toBase64(AesKeys.generate())));
    SecretCipher cipher = new SecretCipher(provider);

    assertThat(cipher.decrypt(cipher.encrypt("s3cret", TestKeys.CONTEXT), TestKeys.CONTEXT)).isEqualTo("s3cret");
  }

  @Test
  void missingOrBlankKeysVariableIsRefused() {
    assertRefused(Map.of(), KEYS).hasMessageContaining("is not set");
    assertRefused(Map.of(KEYS, "  "), KEYS).hasMessageContaining("is not set");
  }

  @Test
  void emptyEntryIsRefused() {
    assertRefused(Map.of(KEYS, "k1:" + base64(K1) + ","), KEYS).hasMessageContaining("entry 2 is empty");
    assertRefused(Map.of(KEYS, ",k1:" + base64(K1)), KEYS).hasMessageContaining("entry 1 is empty");
  }

  @Test
  void entryWithoutKeyIdIsRefusedWithoutEchoingIt() {
    assertRefused(Map.of(KEYS, base64(K1)), KEYS).hasMessageContaining("entry 1 has no key id");
  }

  @Test
  void malformedKeyIdIsRefusedWithoutEchoingIt() {
    for (String id : new String[] {"", "k 1", "k/1", "k:", "x".repeat(65), "ключ"}) {
      Map<String, String> env = Map.of(KEYS, "k0:" + base64(K2) + "," + id + ":" + base64(K1), ACTIVE, "k0");
      if (id.equals("k:")) {
        // "k::key" splits at the first colon: id "k", key ":..." which is not base64.
        assertRefused(env, KEYS).hasMessageContaining("key 'k' is not standard base64");
        continue;
      }
      assertRefused(env, KEYS).as("id %s", id).hasMessageContaining("entry 2 has a malformed key id");
    }
  }

  @Test
  void repeatedKeyIdIsRefused() {
    assertRefused(Map.of(KEYS, "k1:" + base64(K1) + ",k1:" + base64(K2), ACTIVE, "k1"), KEYS)
        .hasMessageContaining("'k1' appears more than once");
  }

  @Test
  void keyThatIsNotBase64IsRefused() {
    assertRefused(Map.of(KEYS, "k1:not*base64!"), KEYS).hasMessageContaining("key 'k1' is not standard base64");
  }

  @Test
  void keyOfTheWrongLengthIsRefused() {
    String aes128 = Base64.getEncoder().encodeToString(new byte[16]);
    String tooLong = Base64.getEncoder().encodeToString(new byte[33]);

    assertRefused(Map.of(KEYS, "k1:" + aes128), KEYS).hasMessageContaining("key 'k1' must be 32 bytes")
        .hasMessageContaining("got 16 bytes");
    assertRefused(Map.of(KEYS, "k1:" + tooLong), KEYS).hasMessageContaining("got 33 bytes");
    assertRefused(Map.of(KEYS, "k1:"), KEYS).hasMessageContaining("got 0 bytes");
  }

  @Test
  void severalKeysWithoutAnActiveOneAreRefused() {
    assertRefused(Map.of(KEYS, "k1:" + base64(K1) + ",k2:" + base64(K2)), ACTIVE)
        .hasMessageContaining("is not set")
        .hasMessageContaining("[k1, k2]");
  }

  @Test
  void activeKeyThatIsNotListedIsRefused() {
    assertRefused(Map.of(KEYS, "k1:" + base64(K1), ACTIVE, "k2"), ACTIVE).hasMessageContaining("is 'k2'");
    // A malformed active id is not echoed: it may be a key pasted into the wrong variable.
    assertRefused(Map.of(KEYS, "k1:" + base64(K1), ACTIVE, base64(K2)), ACTIVE)
        .hasMessageNotContaining(base64(K2));
  }

  @Test
  void errorsNeverContainKeyMaterial() {
    String secret = base64(K1);
    Map<String, String> env = new HashMap<>();
    for (String ring : new String[] {
        secret, secret + "," + secret, "k1:" + secret.substring(0, 20), "k 1:" + secret, "k1:" + secret + "!",
        "k1:" + secret + ",k1:" + secret, "k1:" + secret + ",k2:" + base64(K2)}) {
      env.put(KEYS, ring);
      assertThatThrownBy(() -> EnvironmentKeyProvider.from(env))
          .isInstanceOf(KeyConfigurationException.class)
          .hasMessageNotContaining(secret.substring(0, 12))
          .hasMessageNotContaining(base64(K2).substring(0, 12));
    }
  }

  @Test
  void fromEnvironmentReadsTheProcessEnvironment() {
    Assumptions.assumeTrue(System.getenv(KEYS) == null, "SMSKIT_KEYS is set in this environment");

    assertThatThrownBy(EnvironmentKeyProvider::fromEnvironment)
        .isInstanceOf(KeyConfigurationException.class)
        .satisfies(e -> assertThat(((KeyConfigurationException) e).source()).isEqualTo(KEYS));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Map<String, String> env,
      String variable) {
    return assertThatThrownBy(() -> EnvironmentKeyProvider.from(env))
        .isInstanceOf(KeyConfigurationException.class)
        .satisfies(e -> assertThat(((KeyConfigurationException) e).source()).isEqualTo(variable))
        .hasMessageStartingWith(variable + ": ");
  }
}
