package org.smskit.vonage;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;

/**
 * Vonage writes phone numbers as international digits without {@code +} ({@code 14155550100}); we write E.164.
 */
final class VonageAddresses {
  /** The SMS API's own pattern for {@code to}: 7 to 15 digits. */
  private static final Pattern INTERNATIONAL_DIGITS = Pattern.compile("[1-9][0-9]{6,14}");
  private static final Pattern SHORT_DIGITS = Pattern.compile("[0-9]{3,6}");

  private VonageAddresses() {}

  /** How Vonage wants an address: E.164 without {@code +}; short codes and sender IDs as they are. */
  static String toVonage(Address address) {
    return address instanceof PhoneNumber number ? number.value().substring(1) : address.value();
  }

  /**
   * Reads an address from a webhook. Seven or more digits are an international number (Vonage always sends
   * those with their country code); three to six digits are a short code; anything else is read as a canonical
   * address (an alphanumeric sender ID, or a number already written with {@code +}).
   *
   * @throws InvalidInputException naming {@code field} when it is none of these
   */
  static Address fromVonage(String field, String raw) {
    String value = raw == null ? null : raw.strip();
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, "is required");
    }
    if (INTERNATIONAL_DIGITS.matcher(value).matches()) {
      return new PhoneNumber("+" + value);
    }
    if (SHORT_DIGITS.matcher(value).matches()) {
      return new ShortCode(value);
    }
    return Address.parse(field, value);
  }
}
