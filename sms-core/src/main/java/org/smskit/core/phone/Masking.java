package org.smskit.core.phone;

/** Masks personal data for logs. */
public final class Masking {
  private Masking() {}

  /**
   * Keeps the first {@code keepStart} and the last {@code keepEnd} characters and replaces every digit between
   * them with {@code *}. Text too short to mask safely is masked entirely.
   */
  public static String maskDigits(String value, int keepStart, int keepEnd) {
    if (value == null) {
      return "null";
    }
    if (value.length() <= keepStart + keepEnd + 2) {
      return "*".repeat(value.length());
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean inside = i >= keepStart && i < value.length() - keepEnd;
      out.append(inside && Character.isDigit(c) ? '*' : c);
    }
    return out.toString();
  }

  /** Masks a raw, possibly non-canonical phone number or address for a log line. */
  public static String maskAddress(String raw) {
    return maskDigits(raw, 3, 2);
  }
}
