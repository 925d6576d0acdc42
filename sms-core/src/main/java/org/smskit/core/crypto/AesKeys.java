package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Making and writing 256-bit AES keys for a {@link KeyProvider}.
 *
 * <p>To make an {@code SMSKIT_KEYS} entry: {@code "k2:" + AesKeys.toBase64(AesKeys.generate())}, or from a shell
 * {@code echo "k2:$(openssl rand -base64 32)"}. The strings returned here are key material: never log them.
 * Thread safe.
 */
public final class AesKeys {
  /** Key length in bytes (AES-256). */
  public static final int KEY_BYTES = 32;

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AesKeys() {}

  /** A new random 256-bit AES key. */
  public static SecretKey generate() {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(KEY_BYTES * 8, RANDOM);
      return generator.generateKey();
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE runtime must provide AES.
      throw new IllegalStateException("the JDK has no AES key generator", e);
    }
  }

  /**
   * The key as standard base64 with padding (44 characters), the form {@code SMSKIT_KEYS} expects.
   *
   * @throws KeyConfigurationException if the key is not a 256-bit AES key or cannot be exported (hardware keys)
   */
  public static String toBase64(SecretKey key) {
    requireNonNull(key, "key");
    byte[] bytes = key.getEncoded();
    if (bytes == null) {
      throw new KeyConfigurationException("key", "cannot be exported (not extractable)");
    }
    try {
      checkAes256(key, bytes, "key");
      return Base64.getEncoder().encodeToString(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Reads a base64 key as written by {@link #toBase64}.
   *
   * @param source names where the text came from, for the error (never the text itself)
   * @throws KeyConfigurationException if the text is not base64 of exactly 32 bytes
   */
  public static SecretKey fromBase64(String source, String base64) {
    requireNonNull(source, "source");
    requireNonNull(base64, "base64");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      // Not chained: the decoder's message quotes the offending character of the key.
      throw new KeyConfigurationException(source, "is not standard base64");
    }
    try {
      if (bytes.length != KEY_BYTES) {
        throw new KeyConfigurationException(source,
            "must be " + KEY_BYTES + " bytes (256 bits) of base64, got " + bytes.length + " bytes");
      }
      return new SecretKeySpec(bytes, "AES");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** True if {@code id} can be a key id: 1 to 64 characters of {@code [A-Za-z0-9_.-]}. */
  public static boolean isValidKeyId(String id) {
    return id != null && KEY_ID.matcher(id).matches();
  }

  /**
   * Refuses anything but a 256-bit AES key. Non-extractable keys (a hardware token) cannot be measured; the
   * cipher refuses them later if they are not AES.
   */
  static void checkAes256(SecretKey key, String source) {
    byte[] bytes = key.getEncoded();
    try {
      checkAes256(key, bytes, source);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  private static void checkAes256(SecretKey key, byte[] encoded, String source) {
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new KeyConfigurationException(source, "must be an AES key, is " + key.getAlgorithm());
    }
    if (encoded != null && encoded.length != KEY_BYTES) {
      throw new KeyConfigurationException(source,
          "must be a 256-bit AES key, is " + encoded.length * 8 + " bits");
    }
  }
}
