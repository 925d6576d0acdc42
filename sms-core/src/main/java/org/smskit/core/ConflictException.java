package org.smskit.core;

/**
 * The write collides with an existing row (a unique key) or with a row it must reference; {@link #field()}
 * names the key and {@link #rule()} says what clashed. Nothing was written.
 */
public class ConflictException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String field, String rule, Throwable cause) {
    super(field, rule, cause);
  }
}
