package org.smskit.core.phone;

import static java.util.Objects.requireNonNull;

import org.smskit.core.InvalidInputException;

/**
 * Text could not be read as a phone number; {@link #reason()} says why, so callers can branch (or translate the
 * message) without parsing text. The message names the field and the rule, never the number itself.
 */
public final class InvalidPhoneNumberException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  /** Why a phone number was refused. */
  public enum Reason {
    /** No text at all ({@code null}): a form field or a mapped column that was never filled in. */
    MISSING("must not be null"),
    /** The text does not look like a phone number at all (letters, too few digits, empty). */
    NOT_A_NUMBER("must be a phone number"),
    /** It has a plausible length but lies outside every range assigned in its country. */
    INVALID_FOR_REGION("must be a valid number for its region"),
    /** Digits are missing, for example a local number written without its area code. */
    TOO_SHORT("must have all its digits, area code included (too short)"),
    /** More digits than its country (or E.164's 15) allows. */
    TOO_LONG("must not have more digits than its region allows (too long)"),
    /** A national number (no {@code +} and country code) was given without a region to read it in. */
    UNKNOWN_REGION("must start with + and the country code when no region is given"),
    /** The country calling code after {@code +} (or the international prefix) is not assigned. */
    INVALID_COUNTRY_CODE("must have a valid country calling code");

    private final String rule;

    Reason(String rule) {
      this.rule = rule;
    }

    /** The rule in words, as used in {@link InvalidInputException#rule()}. */
    public String rule() {
      return rule;
    }
  }

  private final Reason reason;

  public InvalidPhoneNumberException(String field, Reason reason) {
    this(field, reason, null);
  }

  public InvalidPhoneNumberException(String field, Reason reason, Throwable cause) {
    super(field, requireNonNull(reason, "reason").rule(), cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
