package org.smskit.core.text;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;
import org.smskit.core.InvalidInputException;

/**
 * A message body was refused: {@link #reason()} says which rule it broke, {@link #index()} where the bad
 * character is (a UTF-16 index, as {@link String#charAt(int)} takes) when the rule is about one character.
 * {@link #field()} is always {@code body}. Nothing was written when this is thrown.
 */
public class InvalidMessageBodyException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  /** The rule a body broke. */
  public enum Reason {
    /** Null, empty or only whitespace, and the message has no media: there is nothing to send. */
    EMPTY,
    /** Contains U+0000, which a PostgreSQL {@code text} column cannot hold. */
    NUL_CHARACTER,
    /** Contains half of a UTF-16 surrogate pair: not a character, and not encodable in UTF-8. */
    UNPAIRED_SURROGATE,
    /** More than {@value SmsText#MAX_CHARACTERS} characters (Unicode code points). */
    TOO_LONG
  }

  private final Reason reason;
  private final int index;

  InvalidMessageBodyException(Reason reason, String rule) {
    this(reason, rule, -1);
  }

  InvalidMessageBodyException(Reason reason, String rule, int index) {
    super("body", rule);
    this.reason = requireNonNull(reason, "reason");
    this.index = index;
  }

  /** Which rule the body broke. */
  public Reason reason() {
    return reason;
  }

  /** The UTF-16 index of the offending character, for {@link Reason#NUL_CHARACTER} and {@link Reason#UNPAIRED_SURROGATE}. */
  public OptionalInt index() {
    return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
  }
}
