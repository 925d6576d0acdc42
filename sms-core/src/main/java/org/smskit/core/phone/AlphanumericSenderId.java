package org.smskit.core.phone;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;

/**
 * An alphanumeric sender ID such as {@code ACME}: 1 to 11 characters of letters, digits, space, {@code &},
 * {@code _} or {@code -}, with at least one letter (so it can never be read as a number). One-way: recipients
 * cannot reply to it, and some countries (the US and Canada among them) do not allow it.
 */
public record AlphanumericSenderId(String value) implements Address {
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9 &_\\-]{1,11}");
  private static final Pattern LETTER = Pattern.compile("[A-Za-z]");

  public AlphanumericSenderId {
    if (value == null || !isAlphanumericSenderId(value)) {
      throw new InvalidInputException("sender_id",
          "must be 1 to 11 of A-Z, a-z, 0-9, space, '&', '_', '-', with at least one letter");
    }
  }

  static boolean isAlphanumericSenderId(String value) {
    return SHAPE.matcher(value).matches() && LETTER.matcher(value).find();
  }

  /** Sender IDs are brand names, not personal data; they are not masked. */
  @Override
  public String masked() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
