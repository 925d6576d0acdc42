package org.smskit.core.crypto;

import static java.util.Objects.requireNonNull;

import org.smskit.core.SmsException;

/**
 * The encryption keys handed over by the host are unusable: a variable is missing or malformed, a key is not
 * 256-bit AES, a key store cannot be read, or the active key id names no key. {@link #source()} names where the
 * problem is (an environment variable, a key store file or alias); {@link #rule()} says what was expected.
 *
 * <p>The message never contains key material: a malformed entry is named by its position or its key id, never by
 * its value.
 */
public class KeyConfigurationException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String rule;

  public KeyConfigurationException(String source, String rule) {
    this(source, rule, null);
  }

  public KeyConfigurationException(String source, String rule, Throwable cause) {
    super(requireNonNull(source, "source") + ": " + requireNonNull(rule, "rule"), cause);
    this.source = source;
    this.rule = rule;
  }

  /** Where the bad configuration is, for example {@code SMSKIT_KEYS} or {@code /etc/smskit/keys.p12}. */
  public String source() {
    return source;
  }

  /** What was expected, in words. */
  public String rule() {
    return rule;
  }
}
