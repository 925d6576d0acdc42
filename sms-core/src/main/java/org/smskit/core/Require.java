package org.smskit.core;

/** Argument checks that fail with smskit's typed errors rather than bare {@link NullPointerException}s. */
public final class Require {
  private Require() {}

  /**
   * Returns {@code value}, or throws {@link InvalidInputException} naming {@code field} when it is null.
   * Field names are the schema's column names, so errors read the same whichever layer catches them.
   */
  public static <T> T nonNull(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    return value;
  }
}
