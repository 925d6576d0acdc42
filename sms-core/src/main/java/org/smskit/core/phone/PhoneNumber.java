package org.smskit.core.phone;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;

/**
 * A phone number in E.164 form: {@code +}, a country code and the national number, 2 to 15 digits in all,
 * no leading zero. Build one from what people type with {@link PhoneNumbers#parse(String, String)}; this
 * constructor accepts only the canonical form.
 *
 * <p>{@link #toString()} is masked so that numbers do not reach logs by accident; {@link #value()} is the
 * number itself.
 */
public record PhoneNumber(String value) implements Address {
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

  public PhoneNumber {
    if (value == null || !E164.matcher(value).matches()) {
      throw new InvalidInputException("phone_number", "must be E.164 (+ and 2 to 15 digits, no leading 0)");
    }
  }

  /** Reads a canonical E.164 value. */
  public static PhoneNumber of(String e164) {
    return new PhoneNumber(e164);
  }

  static boolean isE164(String value) {
    return E164.matcher(value).matches();
  }

  /** {@code +1415*****00}: the first two digits and the last two stay, the rest is masked. */
  @Override
  public String masked() {
    return Masking.maskDigits(value, 3, 2);
  }

  @Override
  public String toString() {
    return masked();
  }
}
