package org.smskit.core.phone;

import org.smskit.core.InvalidInputException;

/**
 * Where an SMS comes from or goes to. Providers use three kinds, and they are never confused with one another:
 * an E.164 {@link PhoneNumber}, a {@link ShortCode}, or an {@link AlphanumericSenderId}.
 */
public sealed interface Address permits PhoneNumber, ShortCode, AlphanumericSenderId {

  /** The canonical text stored in the database and sent to providers. */
  String value();

  /** A form safe for logs: digits of phone numbers are masked. */
  String masked();

  /**
   * Reads an address in its canonical form ({@code +14155550100}, {@code 72345}, {@code ACME}). This is not a
   * phone-number parser for what people type; see {@link PhoneNumbers} for that.
   *
   * @throws InvalidInputException naming {@code field} when the text is none of the three kinds
   */
  static Address parse(String field, String value) {
    if (value == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    if (PhoneNumber.isE164(value)) {
      return new PhoneNumber(value);
    }
    if (ShortCode.isShortCode(value)) {
      return new ShortCode(value);
    }
    if (AlphanumericSenderId.isAlphanumericSenderId(value)) {
      return new AlphanumericSenderId(value);
    }
    throw new InvalidInputException(field,
        "must be an E.164 number (+ and 2 to 15 digits), a short code (3 to 8 digits) or an alphanumeric"
            + " sender ID (1 to 11 of A-Z, a-z, 0-9, space, '&', '_', '-', with at least one letter)");
  }
}
