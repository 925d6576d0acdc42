package org.smskit.core;

import static java.util.Objects.requireNonNull;

/**
 * A value was refused: {@link #field()} names what was wrong and {@link #rule()} the rule it broke.
 * Nothing was written when this is thrown.
 */
public class InvalidInputException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rule;

  public InvalidInputException(String field, String rule) {
    this(field, rule, null);
  }

  public InvalidInputException(String field, String rule, Throwable cause) {
    super(requireNonNull(field, "field") + ": " + requireNonNull(rule, "rule"), cause);
    this.field = field;
    this.rule = rule;
  }

  /** The offending field, as named in the API or the schema (for example {@code to_number}). */
  public String field() {
    return field;
  }

  /** The rule the value broke, in words (for example {@code must be E.164 (+ and 2 to 15 digits)}). */
  public String rule() {
    return rule;
  }
}
