package org.smskit.core.crypto;

import org.smskit.core.Require;

/**
 * A decrypted secret (auth token, API secret) on its way to a provider. {@link #toString()} never shows it, so
 * it cannot reach a log line or an exception message by accident; {@link #reveal()} is the one way to read it.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    return new Secret(Require.nonNull(value, "secret"));
  }

  /** The secret itself. Call only where it is used (signing a request, an HTTP header), never to log. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && java.security.MessageDigest.isEqual(
        s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // deliberately constant: the hash of a secret is information about it
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}
