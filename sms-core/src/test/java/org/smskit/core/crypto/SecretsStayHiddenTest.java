package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.smskit.core.crypto.TestKeys.CONTEXT;
import static org.smskit.core.crypto.TestKeys.K1;
import static org.smskit.core.crypto.TestKeys.K2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.smskit.core.TenantId;

/** No toString, message or cause chain shows a plaintext, a payload or key bytes. */
class SecretsStayHiddenTest {
  private static final String PLAINTEXT = "SuperSecretAuthToken-8f2a";

  @Test
  void toStringAndMessagesNeverShowSecrets() {
    Map<String, SecretKey> ring = new LinkedHashMap<>();
    ring.put("k1", K1);
    ring.put("k2", K2);
    StaticKeyProvider staticKeys = StaticKeyProvider.of(ring, "k1");
    EnvironmentKeyProvider envKeys = EnvironmentKeyProvider.from(Map.of(
        "SMSKIT_KEYS", "k1:" + TestKeys.base64(K1) + ",k2:" + TestKeys.base64(K2), "SMSKIT_ACTIVE_KEY", "k1"));
    SecretCipher cipher = new SecretCipher(staticKeys);
    EncryptedValue stored = cipher.encrypt(PLAINTEXT, CONTEXT);
    SecretContext elsewhere = SecretContext.of(TenantId.of("other"), CONTEXT.table(), CONTEXT.column(),
        UUID.randomUUID());

    List<Object> shown = new ArrayList<>(List.of(staticKeys, envKeys, cipher, stored, CONTEXT));
    shown.add(catchThrowable(() -> cipher.decrypt(stored, elsewhere)));
    shown.add(catchThrowable(() -> new SecretCipher(StaticKeyProvider.of("k2", K2)).decrypt(stored, CONTEXT)));
    shown.add(catchThrowable(() -> new SecretCipher(StaticKeyProvider.of("k9", K1)).decrypt(stored, CONTEXT)));
    shown.add(catchThrowable(() -> cipher.encrypt("", CONTEXT)));
    shown.add(catchThrowable(() -> cipher.encrypt(PLAINTEXT + "\ud800", CONTEXT)));
    shown.add(catchThrowable(() -> KeyStoreKeyProvider.load(Path.of("/nonexistent/keys.p12"),
        PLAINTEXT.toCharArray(), "k1")));

    List<String> secrets = List.of(PLAINTEXT, stored.payload(), TestKeys.base64(K1), TestKeys.base64(K2),
        TestKeys.hex(K1), TestKeys.hex(K2), Base64.getEncoder().encodeToString(PLAINTEXT.getBytes()));
    for (Object each : shown) {
      assertThat(each).isNotNull();
      for (String text : describe(each)) {
        for (String secret : secrets) {
          assertThat(text).as("%s", each.getClass().getSimpleName()).doesNotContain(secret);
        }
      }
    }
    assertThat(stored.toString()).isEqualTo("EncryptedValue[keyId=k1, payload=***]");
    assertThat(staticKeys.toString()).isEqualTo("StaticKeyProvider[active=k1, keys=[k1, k2]]");
  }

  /** toString, and for exceptions the message of every cause as well. */
  private static List<String> describe(Object each) {
    List<String> texts = new ArrayList<>();
    texts.add(String.valueOf(each));
    if (each instanceof Throwable) {
      for (Throwable t = (Throwable) each; t != null; t = t.getCause()) {
        texts.add(String.valueOf(t));
        texts.add(String.valueOf(t.getMessage()));
      }
    }
    return texts;
  }
}
