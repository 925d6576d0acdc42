package org.smskit.core.phone;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;

/** A short code: 3 to 8 digits, meaningful only inside its country (so never written as E.164). */
public record ShortCode(String value) implements Address {
  private static final Pattern SHAPE = Pattern.compile("[0-9]{3,8}");

  public ShortCode {
    if (value == null || !SHAPE.matcher(value).matches()) {
      throw new InvalidInputException("short_code", "must be 3 to 8 digits");
    }
  }

  static boolean isShortCode(String value) {
    return SHAPE.matcher(value).matches();
  }

  /** Short codes are public business numbers; they are not masked. */
  @Override
  public String masked() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
