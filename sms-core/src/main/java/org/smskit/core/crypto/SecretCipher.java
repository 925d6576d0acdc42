package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.smskit.core.InvalidInputException;
import org.smskit.core.TenantId;

/**
 * Encrypts provider credentials for storage and decrypts them for use: AES-256-GCM with a fresh random 96-bit
 * nonce per value and a 128-bit tag, stored as {@code enc:v1:<keyId>:<base64(nonce | ciphertext | tag)>} (see
 * {@link EncryptedValue}). The {@link SecretContext} (tenant, table, column, row id) and the key id are
 * authenticated with every value, so a value copied anywhere else fails to decrypt.
 *
 * <pre>{@code
 * SecretCipher cipher = new SecretCipher(EnvironmentKeyProvider.fromEnvironment());
 * SecretContext where = SecretContext.of(tenant, "sms_sender_accounts", "auth_token", account.id());
 * EncryptedValue stored = cipher.encrypt(token, where);
 * String plain = cipher.decrypt(stored, where);
 * }</pre>
 *
 * <p><b>Rotation.</b> Make a new key active while keeping the old one in the provider; new values use the new
 * key at once and old ones still decrypt. Then, for every stored value with {@link #needsRotation}, store
 * {@link #reencrypt}'s result; when none is left, remove the old key.
 *
 * <p>Random nonces are safe for up to 2<sup>32</sup> encryptions per key (NIST SP 800-38D §8.3): ample for
 * credentials, not for encrypting message bodies at volume.
 *
 * <p>Thread safe: nothing is shared between calls except the key provider and a {@link SecureRandom}. Plaintext
 * never appears in exceptions or logs; this class logs nothing.
 */
public final class SecretCipher {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int TAG_BYTES = TAG_BITS / 8;

  /** What a key check value encrypts; public by nature (see {@link #keyCheck}). */
  private static final String KEY_CHECK_TEXT = "smskit key check v1";
  /** Where a key check value lives; bound like any stored value, so no credential can pass for one. */
  private static final SecretContext KEY_CHECK_CONTEXT =
      SecretContext.of(TenantId.DEFAULT, "sms_key_checks", "check_value", new java.util.UUID(0, 0));

  private final KeyProvider keys;
  private final SecureRandom random = new SecureRandom();

  /**
   * A cipher over {@code keys}. The active key is looked up once here so that a misconfigured provider fails at
   * startup.
   *
   * @throws UnknownKeyException if the provider has no key for its own active id
   * @throws KeyConfigurationException if the active key is not 256-bit AES
   */
  public SecretCipher(KeyProvider keys) {
    this.keys = requireNonNull(keys, "keys");
    String active = keys.activeKeyId();
    checkKeyId(active);
    keyFor(active);
  }

  /**
   * Encrypts {@code plaintext} under the active key for storage at {@code context}.
   *
   * <p>An empty plaintext is refused: an empty credential is a form that was left blank, not a secret, and
   * storing it encrypted would hide the mistake until the provider refuses to authenticate; store no value
   * (SQL {@code NULL}) instead.
   *
   * @throws InvalidInputException if {@code plaintext} is empty or not valid Unicode (an unpaired surrogate);
   *     {@link InvalidInputException#field()} is the context's column
   * @throws UnknownKeyException if the provider has no key for its active id
   * @throws KeyConfigurationException if the active key is not 256-bit AES
   */
  public EncryptedValue encrypt(String plaintext, SecretContext context) {
    requireNonNull(plaintext, "plaintext");
    requireNonNull(context, "context");
    if (plaintext.isEmpty()) {
      throw new InvalidInputException(context.column(), "must not be empty; store no value instead");
    }
    byte[] bytes = utf8(plaintext, context);
    try {
      return encryptBytes(bytes, context);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Decrypts a value stored at {@code context}, with the key named in the value (which need not be the active
   * one).
   *
   * @throws DecryptionException if the value was tampered with, belongs to another context, or the key with its
   *     id is not the key it was encrypted with (these cannot be told apart)
   * @throws UnknownKeyException if the provider has no key with the value's key id
   * @throws KeyConfigurationException if that key is not 256-bit AES
   */
  public String decrypt(EncryptedValue value, SecretContext context) {
    requireNonNull(value, "value");
    requireNonNull(context, "context");
    byte[] bytes = decryptBytes(value, context);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      // Authenticated but not UTF-8: written by something other than this class.
      throw new DecryptionException(value.keyId(), context, "the plaintext is not UTF-8");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Re-encrypts a value under the active key, for rotation. The value is always decrypted first, so a value
   * that cannot be read is reported now, while its key still exists, rather than after the key is retired. If it
   * is already under the active key, {@code value} itself is returned (same instance), so the caller can skip
   * the write with {@code result == value}; otherwise the result has a new nonce and the active key id.
   *
   * @throws DecryptionException if the value cannot be decrypted at {@code context} (as {@link #decrypt})
   * @throws UnknownKeyException if the provider has no key with the value's key id or its active id
   * @throws KeyConfigurationException if either key is not 256-bit AES
   */
  public EncryptedValue reencrypt(EncryptedValue value, SecretContext context) {
    requireNonNull(value, "value");
    requireNonNull(context, "context");
    byte[] bytes = decryptBytes(value, context);
    try {
      if (!needsRotation(value)) {
        return value;
      }
      return encryptBytes(bytes, context);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** True if {@code value} is not under the provider's active key. Reads the key id only; decrypts nothing. */
  public boolean needsRotation(EncryptedValue value) {
    requireNonNull(value, "value");
    return !value.keyId().equals(keys.activeKeyId());
  }

  /** The key id new values are encrypted under now. */
  public String activeKeyId() {
    return keys.activeKeyId();
  }

  /**
   * A key check value for the key the provider holds as {@code keyId}: a fixed text encrypted under that key, in
   * the stored form. Kept once per installation and tested with {@link #matchesKeyCheck}, it tells whether two
   * nodes hold the same key under one id before either writes a credential the other cannot read. Not secret.
   *
   * <p>Made with the cipher used for credentials rather than a MAC, so that it works with keys that cannot be
   * exported (a hardware token) and puts no second primitive on the key. Never the encryption of a zero block
   * (the classic check value): under AES-GCM that block's encryption is the GHASH key, which would allow forging
   * every stored value.
   *
   * @throws UnknownKeyException if the provider has no key with this id
   * @throws KeyConfigurationException if the id is malformed or the key is not 256-bit AES
   */
  public EncryptedValue keyCheck(String keyId) {
    requireNonNull(keyId, "keyId");
    checkKeyId(keyId);
    byte[] plaintext = KEY_CHECK_TEXT.getBytes(StandardCharsets.UTF_8);
    return encryptBytes(plaintext, KEY_CHECK_CONTEXT, keyId);
  }

  /**
   * True if {@code check} was made by {@link #keyCheck} with the same key the provider now holds as
   * {@code keyId}; false if it was made under another id or with other key material under this one.
   *
   * @throws UnknownKeyException if the provider has no key with this id
   * @throws KeyConfigurationException if that key is not 256-bit AES
   */
  public boolean matchesKeyCheck(String keyId, EncryptedValue check) {
    requireNonNull(keyId, "keyId");
    requireNonNull(check, "check");
    if (!check.keyId().equals(keyId)) {
      return false;
    }
    byte[] plaintext;
    try {
      plaintext = decryptBytes(check, KEY_CHECK_CONTEXT);
    } catch (DecryptionException otherKey) {
      // An unknown id is not caught here: decryptBytes reports it as UnknownKeyException.
      return false;
    }
    try {
      return MessageDigest.isEqual(plaintext, KEY_CHECK_TEXT.getBytes(StandardCharsets.UTF_8));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "SecretCipher[" + keys + "]";
  }

  private EncryptedValue encryptBytes(byte[] plaintext, SecretContext context) {
    String keyId = keys.activeKeyId();
    checkKeyId(keyId);
    return encryptBytes(plaintext, context, keyId);
  }

  private EncryptedValue encryptBytes(byte[] plaintext, SecretContext context, String keyId) {
    SecretKey key = keyFor(keyId);
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] payload = new byte[NONCE_BYTES + plaintext.length + TAG_BYTES];
    System.arraycopy(nonce, 0, payload, 0, NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.associatedData(keyId));
      int written = cipher.doFinal(plaintext, 0, plaintext.length, payload, NONCE_BYTES);
      if (written != plaintext.length + TAG_BYTES) {
        throw new IllegalStateException("AES-GCM wrote " + written + " bytes, expected "
            + (plaintext.length + TAG_BYTES));
      }
    } catch (InvalidKeyException e) {
      throw new KeyConfigurationException("key '" + keyId + "'", "is not usable for AES-256-GCM", e);
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime must provide AES/GCM/NoPadding; nothing else can fail with a checked key.
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return new EncryptedValue(keyId, Base64.getEncoder().encodeToString(payload));
  }

  private byte[] decryptBytes(EncryptedValue value, SecretContext context) {
    String keyId = value.keyId();
    SecretKey key = keyFor(keyId);
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(value.payload());
    } catch (IllegalArgumentException e) {
      throw new DecryptionException(keyId, context, "the payload is not valid base64");
    }
    if (payload.length < NONCE_BYTES + TAG_BYTES) {
      throw new DecryptionException(keyId, context, "the payload is too short to hold a nonce and a tag");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, payload, 0, NONCE_BYTES));
      cipher.updateAAD(context.associatedData(keyId));
      return cipher.doFinal(payload, NONCE_BYTES, payload.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      // Not chained: the cause adds nothing, and the reason must not suggest which of the three it was.
      throw new DecryptionException(keyId, context,
          "authentication failed (tampered, copied from elsewhere, or wrong key material)");
    } catch (InvalidKeyException e) {
      throw new KeyConfigurationException("key '" + keyId + "'", "is not usable for AES-256-GCM", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private SecretKey keyFor(String keyId) {
    SecretKey key = keys.key(keyId).orElseThrow(() -> new UnknownKeyException(keyId));
    AesKeys.checkAes256(key, "key '" + keyId + "'");
    return key;
  }

  private static void checkKeyId(String keyId) {
    if (!AesKeys.isValidKeyId(keyId)) {
      throw new KeyConfigurationException("activeKeyId",
          "the key provider's active id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    }
  }

  private static byte[] utf8(String plaintext, SecretContext context) {
    ByteBuffer encoded;
    try {
      encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(plaintext));
    } catch (CharacterCodingException e) {
      // The default replacement ('?') would silently store a different secret than the one given.
      throw new InvalidInputException(context.column(), "must be valid Unicode text (no unpaired surrogates)");
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return bytes;
  }
}
