package org.smskit.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.crypto.TestKeys.CONTEXT;
import static org.smskit.core.crypto.TestKeys.K1;
import static org.smskit.core.crypto.TestKeys.K2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.TenantId;

class SecretCipherTest {
  /** The CHECK constraint on {@code sms_sender_accounts.auth_token}, verbatim. */
  private static final Pattern DB_CHECK = Pattern.compile("^enc:v1:[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9+/]+={0,2}$");

  private static final String TOKEN = "0123456789abcdef0123456789abcdef";

  /** {@link #TOKEN} encrypted under {@code TestKeys.K1} as "k1" at {@code TestKeys.CONTEXT}. */
  private static final String GOLDEN =
      "enc:v1:k1:+6gWNoRJjnBmRfnquGImUxyaGW5zn/jC9c5oQtEFZg3e0D09qYmrxmFZuxnWTNZV5ZVaaBi9pD0Zcq3G";

  private final SecretCipher cipher = new SecretCipher(StaticKeyProvider.of("k1", K1));

  @Test
  void decryptReturnsWhatWasEncrypted() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);

    assertThat(cipher.decrypt(stored, CONTEXT)).isEqualTo(TOKEN);
  }

  @Test
  void storedFormPassesTheDatabaseCheckAndParsesBack() {
    for (String plaintext : List.of("x", "ab", "abc", TOKEN, "a".repeat(1000))) {
      EncryptedValue stored = cipher.encrypt(plaintext, CONTEXT);

      assertThat(stored.format()).matches(DB_CHECK).startsWith("enc:v1:k1:");
      EncryptedValue parsed = EncryptedValue.parse("auth_token", stored.format());
      assertThat(parsed).isEqualTo(stored);
      assertThat(cipher.decrypt(parsed, CONTEXT)).isEqualTo(plaintext);
    }
  }

  @Test
  void payloadIsNonceThenCiphertextThenTag() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);

    assertThat(Base64.getDecoder().decode(stored.payload())).hasSize(12 + TOKEN.length() + 16);
  }

  @Test
  void encryptingTheSamePlaintextTwiceGivesDifferentValues() {
    Set<String> seen = new HashSet<>();
    Set<String> nonces = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
      seen.add(stored.payload());
      nonces.add(Base64.getEncoder().encodeToString(
          Arrays.copyOf(Base64.getDecoder().decode(stored.payload()), 12)));
    }

    assertThat(seen).hasSize(100);
    assertThat(nonces).hasSize(100);
  }

  @Test
  void flippingAnyBitOfNonceCiphertextOrTagFailsToDecrypt() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    byte[] payload = Base64.getDecoder().decode(stored.payload());
    // Every byte: 0-11 nonce, 12-43 ciphertext, 44-59 tag.
    for (int i = 0; i < payload.length; i++) {
      for (int bit = 0; bit < 8; bit += 7) {
        byte[] tampered = payload.clone();
        tampered[i] ^= (byte) (1 << bit);
        EncryptedValue bad = new EncryptedValue("k1", Base64.getEncoder().encodeToString(tampered));

        assertThatThrownBy(() -> cipher.decrypt(bad, CONTEXT))
            .as("byte %d bit %d", i, bit)
            .isInstanceOf(DecryptionException.class)
            .hasMessageContaining("could not decrypt");
      }
    }
  }

  @Test
  void truncatedOrAppendedPayloadFailsToDecrypt() {
    byte[] payload = Base64.getDecoder().decode(cipher.encrypt(TOKEN, CONTEXT).payload());
    byte[] shorter = Arrays.copyOf(payload, payload.length - 1);
    byte[] longer = Arrays.copyOf(payload, payload.length + 1);
    byte[] tooShortForNonceAndTag = Arrays.copyOf(payload, 27);

    for (byte[] bad : List.of(shorter, longer, tooShortForNonceAndTag)) {
      EncryptedValue value = new EncryptedValue("k1", Base64.getEncoder().encodeToString(bad));
      assertThatThrownBy(() -> cipher.decrypt(value, CONTEXT)).isInstanceOf(DecryptionException.class);
    }
  }

  @Test
  void payloadThatIsNotBase64FailsToDecrypt() {
    // Passes the database's loose pattern, but one character cannot be base64.
    EncryptedValue value = new EncryptedValue("k1", "A");

    assertThatThrownBy(() -> cipher.decrypt(value, CONTEXT))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not valid base64");
  }

  @Test
  void valueCopiedToAnotherRowFailsToDecrypt() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    SecretContext otherRow = SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), CONTEXT.column(), UUID.randomUUID());

    assertThatThrownBy(() -> cipher.decrypt(stored, otherRow))
        .isInstanceOf(DecryptionException.class)
        .satisfies(e -> assertThat(((DecryptionException) e).context()).isEqualTo(otherRow))
        .satisfies(e -> assertThat(((DecryptionException) e).keyId()).isEqualTo("k1"));
  }

  @Test
  void valueCopiedToAnotherTenantFailsToDecrypt() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    SecretContext otherTenant = SecretContext.of(TenantId.of("globex"), CONTEXT.table(), CONTEXT.column(),
        CONTEXT.rowId());

    assertThatThrownBy(() -> cipher.decrypt(stored, otherTenant)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void valueCopiedToAnotherColumnOrTableFailsToDecrypt() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    SecretContext otherColumn = SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), "api_secret", CONTEXT.rowId());
    SecretContext otherTable = SecretContext.of(CONTEXT.tenant(), "sms_webhooks", CONTEXT.column(), CONTEXT.rowId());

    assertThatThrownBy(() -> cipher.decrypt(stored, otherColumn)).isInstanceOf(DecryptionException.class);
    assertThatThrownBy(() -> cipher.decrypt(stored, otherTable)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void sameKeyIdWithDifferentKeyMaterialFailsToDecrypt() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    SecretCipher impostor = new SecretCipher(StaticKeyProvider.of("k1", K2));

    assertThatThrownBy(() -> impostor.decrypt(stored, CONTEXT)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void rewritingTheKeyIdFailsEvenWhenBothIdsHoldTheSameKey() {
    SecretCipher aliased = new SecretCipher(StaticKeyProvider.of(Map.of("k1", K1, "alias", K1), "k1"));
    EncryptedValue stored = aliased.encrypt(TOKEN, CONTEXT);
    EncryptedValue relabelled = new EncryptedValue("alias", stored.payload());

    assertThatThrownBy(() -> aliased.decrypt(relabelled, CONTEXT)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void keyIdUnknownToTheProviderFailsWithUnknownKey() {
    EncryptedValue stored = new SecretCipher(StaticKeyProvider.of("retired", K2)).encrypt(TOKEN, CONTEXT);

    assertThatThrownBy(() -> cipher.decrypt(stored, CONTEXT))
        .isInstanceOf(UnknownKeyException.class)
        .satisfies(e -> assertThat(((UnknownKeyException) e).keyId()).isEqualTo("retired"))
        .hasMessageContaining("'retired'");
  }

  @Test
  void providerWithoutItsActiveKeyIsRefusedAtConstruction() {
    KeyProvider broken = new FakeKeyProvider("k9", Map.of("k1", K1));

    assertThatThrownBy(() -> new SecretCipher(broken))
        .isInstanceOf(UnknownKeyException.class)
        .satisfies(e -> assertThat(((UnknownKeyException) e).keyId()).isEqualTo("k9"));
  }

  @Test
  void keyThatIsNotAes256IsRefused() {
    KeyProvider aes128 = new FakeKeyProvider("k1", Map.of("k1", new SecretKeySpec(new byte[16], "AES")));
    KeyProvider hmac = new FakeKeyProvider("k1", Map.of("k1", new SecretKeySpec(new byte[32], "HmacSHA256")));

    assertThatThrownBy(() -> new SecretCipher(aes128))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("256-bit");
    assertThatThrownBy(() -> new SecretCipher(hmac))
        .isInstanceOf(KeyConfigurationException.class)
        .hasMessageContaining("AES");
  }

  @Test
  void activeKeyRemovedAfterConstructionFailsEncryptWithUnknownKey() {
    FakeKeyProvider keys = new FakeKeyProvider("k1", Map.of("k1", K1));
    SecretCipher live = new SecretCipher(keys);
    keys.active = "k2";

    assertThatThrownBy(() -> live.encrypt(TOKEN, CONTEXT)).isInstanceOf(UnknownKeyException.class);
  }

  @Test
  void rotationMovesValuesToTheNewKeyAndTheOldKeyCanThenBeRetired() {
    FakeKeyProvider keys = new FakeKeyProvider("k1", Map.of("k1", K1));
    SecretCipher live = new SecretCipher(keys);
    EncryptedValue underK1 = live.encrypt(TOKEN, CONTEXT);
    assertThat(live.needsRotation(underK1)).isFalse();

    // Step 1: add k2 and make it active; k1 stays for decryption.
    keys.keys.put("k2", K2);
    keys.active = "k2";
    assertThat(live.needsRotation(underK1)).isTrue();
    assertThat(live.decrypt(underK1, CONTEXT)).isEqualTo(TOKEN);
    assertThat(live.encrypt(TOKEN, CONTEXT).keyId()).isEqualTo("k2");

    // Step 2: re-encrypt.
    EncryptedValue underK2 = live.reencrypt(underK1, CONTEXT);
    assertThat(underK2.keyId()).isEqualTo("k2");
    assertThat(underK2.format()).matches(DB_CHECK);
    assertThat(live.needsRotation(underK2)).isFalse();
    assertThat(live.decrypt(underK2, CONTEXT)).isEqualTo(TOKEN);

    // Step 3: retire k1; the re-encrypted value still decrypts, the old one no longer can.
    keys.keys.remove("k1");
    assertThat(live.decrypt(underK2, CONTEXT)).isEqualTo(TOKEN);
    assertThatThrownBy(() -> live.decrypt(underK1, CONTEXT)).isInstanceOf(UnknownKeyException.class);
  }

  @Test
  void reencryptUnderTheActiveKeyReturnsTheSameInstance() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);

    assertThat(cipher.reencrypt(stored, CONTEXT)).isSameAs(stored);
  }

  @Test
  void reencryptVerifiesTheValueEvenWhenItIsAlreadyUnderTheActiveKey() {
    EncryptedValue stored = cipher.encrypt(TOKEN, CONTEXT);
    SecretContext otherRow = SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), CONTEXT.column(), UUID.randomUUID());

    assertThatThrownBy(() -> cipher.reencrypt(stored, otherRow)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void reencryptKeepsTheValueBoundToItsContext() {
    FakeKeyProvider keys = new FakeKeyProvider("k1", Map.of("k1", K1, "k2", K2));
    SecretCipher live = new SecretCipher(keys);
    EncryptedValue underK1 = live.encrypt(TOKEN, CONTEXT);
    keys.active = "k2";
    EncryptedValue underK2 = live.reencrypt(underK1, CONTEXT);
    SecretContext otherRow = SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), CONTEXT.column(), UUID.randomUUID());

    assertThatThrownBy(() -> live.decrypt(underK2, otherRow)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void unicodePlaintextRoundTrips() {
    String unicode = "p\u00e4ssw\u00f6rd-\u5bc6\u7801-\u0441\u0435\u043a\u0440\u0435\u0442-\ud83d\udd11-e\u0301";

    EncryptedValue stored = cipher.encrypt(unicode, CONTEXT);

    assertThat(cipher.decrypt(stored, CONTEXT)).isEqualTo(unicode);
    assertThat(Base64.getDecoder().decode(stored.payload()))
        .hasSize(12 + unicode.getBytes(StandardCharsets.UTF_8).length + 16);
  }

  @Test
  void emptyPlaintextIsRefusedNamingTheColumn() {
    assertThatThrownBy(() -> cipher.encrypt("", CONTEXT))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("auth_token"));
  }

  @Test
  void plaintextWithAnUnpairedSurrogateIsRefusedRatherThanAltered() {
    assertThatThrownBy(() -> cipher.encrypt("s3cr3t-value\ud800", CONTEXT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void decryptsAValueWrittenInTheV1Format() {
    // Written once by this class; if this fails, the stored format or the associated data changed and every
    // value already in a database would become unreadable.
    EncryptedValue golden = EncryptedValue.parse("auth_token", GOLDEN);

    assertThat(cipher.decrypt(golden, CONTEXT)).isEqualTo(TOKEN);
  }

  @Test
  void goldenValueIsPlainAesGcmOverTheDocumentedAssociatedData() throws Exception {
    // Decrypted here with the JDK alone, so the format is pinned independently of SecretCipher.
    byte[] payload = Base64.getDecoder().decode(EncryptedValue.parse("auth_token", GOLDEN).payload());
    Cipher raw = Cipher.getInstance("AES/GCM/NoPadding");
    raw.init(Cipher.DECRYPT_MODE, K1, new GCMParameterSpec(128, payload, 0, 12));
    raw.updateAAD(HexFormat.of().parseHex(SecretContextTest.CONTEXT_AAD_HEX));

    assertThat(new String(raw.doFinal(payload, 12, payload.length - 12), StandardCharsets.UTF_8)).isEqualTo(TOKEN);
  }

  @Test
  void concurrentUseFromManyThreadsIsSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            String plaintext = "token-" + thread + "-" + i;
            SecretContext row = SecretContext.of(CONTEXT.tenant(), CONTEXT.table(), CONTEXT.column(),
                UUID.randomUUID());
            if (!cipher.decrypt(cipher.encrypt(plaintext, row), row).equals(plaintext)) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A provider whose active id and keys the test changes, as a reloading host provider would. */
  private static final class FakeKeyProvider implements KeyProvider {
    volatile String active;
    final Map<String, SecretKey> keys;

    FakeKeyProvider(String active, Map<String, SecretKey> keys) {
      this.active = active;
      this.keys = Collections.synchronizedMap(new HashMap<>(keys));
    }

    @Override
    public String activeKeyId() {
      return active;
    }

    @Override
    public Optional<SecretKey> key(String keyId) {
      return Optional.ofNullable(keys.get(keyId));
    }
  }
}
