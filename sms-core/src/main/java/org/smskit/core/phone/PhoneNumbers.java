package org.smskit.core.phone;

import static java.util.Objects.requireNonNull;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.phone.InvalidPhoneNumberException.Reason;

/**
 * Turns phone numbers as people type them into E.164, on Google's libphonenumber. Accepts {@code (415) 555-0100}
 * with a region, {@code +44 20 7946 0958}, {@code 0044 20 7946 0958} in a region whose international prefix is
 * {@code 00} (and {@code 011 44 ...} in the US), spaces, dots, dashes, parentheses, a {@code tel:} prefix, a
 * {@code (0)} trunk prefix after the country code, and extensions ({@code ext. 123}, {@code x123}), which are
 * dropped from the E.164 value because SMS cannot dial them.
 *
 * <pre>{@code
 * PhoneNumbers phones = PhoneNumbers.withDefaultRegion("US");
 * PhoneNumber to = phones.parse("(415) 555-0100");            // +14155550100
 * PhoneNumber uk = phones.parse("0044 20 7946 0958", "GB");   // +442079460958
 * PhoneNumberDetails d = phones.details(uk);                  // 44, GB, area code 20, FIXED_LINE
 * }</pre>
 *
 * <p>Regions are ISO 3166-1 alpha-2 codes ({@code US}, {@code GB}), case-insensitive. A region passed to a method
 * overrides the default region; null means "use the default". A region libphonenumber does not support is refused
 * with an {@link InvalidInputException} on field {@code region}, whatever the number.
 *
 * <p>A number is accepted only when libphonenumber holds it valid: in an assigned range of its country, as of the
 * metadata in the libphonenumber version on the classpath. That is right for what people type; for numbers that
 * providers report (inbound messages), use {@link PhoneNumber#of(String)}, which checks only the E.164 shape, so
 * that a range assigned after that metadata does not lose messages.
 *
 * <p>Immutable and thread-safe; create one and share it. Its only shared state is libphonenumber's own singleton.
 */
public final class PhoneNumbers {
  /** The field name used when the caller names none. */
  public static final String DEFAULT_FIELD = "phone";

  /** What libphonenumber's time-zone mapper answers when it does not know; never passed on. */
  static final String UNKNOWN_TIME_ZONE = "Etc/Unknown";

  private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
  private final @Nullable String defaultRegion;
  private final TimeZoneLookup timeZones;

  private PhoneNumbers(@Nullable String defaultRegion, TimeZoneLookup timeZones) {
    this.defaultRegion = defaultRegion == null ? null : supportedRegion(defaultRegion);
    this.timeZones = requireNonNull(timeZones, "timeZones");
  }

  /** A normaliser without a default region: national numbers need a region per call. */
  public static PhoneNumbers create() {
    return new PhoneNumbers(null, TimeZoneLookup.LIBPHONENUMBER);
  }

  /**
   * A normaliser that reads national numbers as numbers of {@code region}, such as {@code US}.
   *
   * @throws InvalidInputException on field {@code region} when libphonenumber does not support the region
   */
  public static PhoneNumbers withDefaultRegion(String region) {
    return new PhoneNumbers(requireNonNull(region, "region"), TimeZoneLookup.LIBPHONENUMBER);
  }

  /** For tests and for wiring another time-zone source. */
  static PhoneNumbers create(@Nullable String defaultRegion, TimeZoneLookup timeZones) {
    return new PhoneNumbers(defaultRegion, timeZones);
  }

  /** The region national numbers are read in when a call names none. */
  public Optional<String> defaultRegion() {
    return Optional.ofNullable(defaultRegion);
  }

  /**
   * Normalises {@code raw}, reading a national number in the default region.
   *
   * @throws InvalidPhoneNumberException on field {@code phone} when {@code raw} is null or not a valid phone number
   */
  public PhoneNumber parse(@Nullable String raw) {
    return parse(DEFAULT_FIELD, raw, null);
  }

  /**
   * Normalises {@code raw}, reading a national number in {@code region} (or the default region when null).
   *
   * @throws InvalidPhoneNumberException on field {@code phone} when {@code raw} is null or not a valid phone number
   * @throws InvalidInputException on field {@code region} when the region is not supported
   */
  public PhoneNumber parse(@Nullable String raw, @Nullable String region) {
    return parse(DEFAULT_FIELD, raw, region);
  }

  /**
   * Normalises {@code raw}, naming {@code field} in any error.
   *
   * @throws InvalidPhoneNumberException on {@code field} when {@code raw} is null ({@link Reason#MISSING}) or not a
   *     valid phone number
   * @throws InvalidInputException on field {@code region} when the region is not supported
   */
  public PhoneNumber parse(String field, @Nullable String raw, @Nullable String region) {
    Phonenumber.PhoneNumber parsed = parseValid(field, raw, region);
    return toE164(field, parsed);
  }

  /**
   * Normalises {@code raw} and derives its details, keeping any extension that was typed.
   *
   * @throws InvalidPhoneNumberException on {@code field} when {@code raw} is null or not a valid phone number
   * @throws InvalidInputException on field {@code region} when the region is not supported
   */
  public PhoneNumberDetails parseDetails(String field, @Nullable String raw, @Nullable String region) {
    Phonenumber.PhoneNumber parsed = parseValid(field, raw, region);
    String extension = parsed.hasExtension() && !parsed.getExtension().isEmpty() ? parsed.getExtension() : null;
    return details(toE164(field, parsed), parsed, extension, true);
  }

  /**
   * What a contacts table stores beside the number. Does not re-validate: a stored number outside today's assigned
   * ranges still gets its country code, with a null region and area code, type {@link NumberType#UNKNOWN} and no
   * time zones.
   *
   * @throws InvalidPhoneNumberException on field {@code phone} when libphonenumber cannot read the number at all,
   *     which for an E.164 value means its country calling code is unassigned ({@link Reason#INVALID_COUNTRY_CODE})
   */
  public PhoneNumberDetails details(PhoneNumber number) {
    requireNonNull(number, "number");
    Phonenumber.PhoneNumber parsed;
    try {
      parsed = util.parse(number.value(), null);
    } catch (NumberParseException e) {
      // An E.164 value always parses unless its country code is unassigned (or it is too short to hold one).
      throw new InvalidPhoneNumberException(DEFAULT_FIELD, reasonFor(e, number.value(), null), e);
    }
    return details(number, parsed, null, util.isValidNumber(parsed));
  }

  /**
   * Reads one of the three kinds of address providers use. In order:
   * <ol>
   *   <li>text starting with {@code +} is a phone number (or an error);
   *   <li>3 to 8 digits alone are a phone number when valid in the region, else a {@link ShortCode} (never
   *       E.164: {@code 72345} is not {@code +172345});
   *   <li>up to 11 letters, digits, spaces, {@code &}, {@code _} or {@code -} with at least one letter are an
   *       {@link AlphanumericSenderId} ({@code ACME}); vanity numbers such as {@code 1-800-FLOWERS} are read as
   *       numbers only when written with {@code +} or longer than 11 characters;
   *   <li>anything else is a phone number (or an error).
   * </ol>
   *
   * @throws InvalidPhoneNumberException on field {@code phone} when the text is null or none of the three kinds
   * @throws InvalidInputException on field {@code region} when the region is not supported
   */
  public Address parseAddress(@Nullable String raw, @Nullable String region) {
    return parseAddress(DEFAULT_FIELD, raw, region);
  }

  /**
   * As {@link #parseAddress(String, String)}, naming {@code field} in any error.
   *
   * @throws InvalidPhoneNumberException on {@code field} when the text is null or none of the three kinds
   * @throws InvalidInputException on field {@code region} when the region is not supported
   */
  public Address parseAddress(String field, @Nullable String raw, @Nullable String region) {
    requireNonNull(field, "field");
    requirePresent(field, raw);
    String text = raw.strip();
    String effectiveRegion = effectiveRegion(region);
    if (text.startsWith("+")) {
      return parse(field, text, effectiveRegion);
    }
    if (ShortCode.isShortCode(text)) {
      // Some countries have 7- and 8-digit subscriber numbers (Singapore, Denmark); a valid one is a phone number.
      // libphonenumber's ShortNumberInfo is not consulted: its data describes service numbers (emergency,
      // directory), not the SMS short codes providers lease, so it cannot decide which of those a text is.
      if (effectiveRegion != null) {
        Optional<PhoneNumber> number = validNumber(text, effectiveRegion);
        if (number.isPresent()) {
          return number.get();
        }
      }
      return new ShortCode(text);
    }
    if (AlphanumericSenderId.isAlphanumericSenderId(text)) {
      // Checked before parsing because libphonenumber reads letters after digits as keypad digits: the brand
      // "2024SALE" would become the Danish number +45 20 24 72 53.
      return new AlphanumericSenderId(text);
    }
    return parse(field, text, effectiveRegion);
  }

  private Optional<PhoneNumber> validNumber(String text, String region) {
    try {
      return Optional.of(parse(DEFAULT_FIELD, text, region));
    } catch (InvalidPhoneNumberException notANumber) {
      return Optional.empty();
    }
  }

  private Phonenumber.PhoneNumber parseValid(String field, @Nullable String raw, @Nullable String region) {
    requireNonNull(field, "field");
    requirePresent(field, raw);
    String effectiveRegion = effectiveRegion(region);
    Phonenumber.PhoneNumber parsed;
    try {
      parsed = util.parse(raw, effectiveRegion);
    } catch (NumberParseException e) {
      throw new InvalidPhoneNumberException(field, reasonFor(e, raw, effectiveRegion), e);
    }
    // Validity first: a few valid numbers have a length that is otherwise local-only (Canada's 7-digit 310-xxxx).
    if (util.isValidNumber(parsed)) {
      return parsed;
    }
    Reason reason = switch (util.isPossibleNumberWithReason(parsed)) {
      case IS_POSSIBLE, INVALID_LENGTH -> Reason.INVALID_FOR_REGION;
      // A local number ("555-0100" in the US) needs its area code before anyone else can reach it.
      case IS_POSSIBLE_LOCAL_ONLY, TOO_SHORT -> Reason.TOO_SHORT;
      case TOO_LONG -> Reason.TOO_LONG;
      case INVALID_COUNTRY_CODE -> Reason.INVALID_COUNTRY_CODE;
    };
    throw new InvalidPhoneNumberException(field, reason);
  }

  /**
   * A null number is bad input like any other (a form field left unset, a column read as NULL), so it is refused
   * as {@link Reason#MISSING} on the caller's field rather than with a bare {@link NullPointerException}.
   */
  private static void requirePresent(String field, @Nullable String raw) {
    if (raw == null) {
      throw new InvalidPhoneNumberException(field, Reason.MISSING);
    }
  }

  private PhoneNumber toE164(String field, Phonenumber.PhoneNumber parsed) {
    String e164 = util.format(parsed, PhoneNumberFormat.E164);
    // libphonenumber allows national numbers of up to 17 digits; E.164 stops at 15 in all.
    if (!PhoneNumber.isE164(e164)) {
      throw new InvalidPhoneNumberException(field, Reason.TOO_LONG);
    }
    return new PhoneNumber(e164);
  }

  private PhoneNumberDetails details(PhoneNumber number, Phonenumber.PhoneNumber parsed, @Nullable String extension,
      boolean valid) {
    String countryCode = Integer.toString(parsed.getCountryCode());
    if (!valid) {
      return new PhoneNumberDetails(number, countryCode, null, null, NumberType.UNKNOWN, List.of(), extension);
    }
    String region = util.getRegionCodeForNumber(parsed);
    if (PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)) {
      region = null;
    }
    return new PhoneNumberDetails(number, countryCode, region, areaCode(parsed), numberType(parsed),
        timeZones(parsed), extension);
  }

  private @Nullable String areaCode(Phonenumber.PhoneNumber parsed) {
    // The national destination code is what people call the area code; for mobiles it is the operator prefix.
    // libphonenumber documents taking it from the start of the national significant number.
    int length = util.getLengthOfNationalDestinationCode(parsed);
    if (length <= 0) {
      return null;
    }
    String nationalNumber = util.getNationalSignificantNumber(parsed);
    return length < nationalNumber.length() ? nationalNumber.substring(0, length) : null;
  }

  private List<String> timeZones(Phonenumber.PhoneNumber parsed) {
    return timeZones.timeZonesFor(parsed).stream()
        .filter(zone -> !UNKNOWN_TIME_ZONE.equals(zone))
        .distinct()
        .toList();
  }

  private NumberType numberType(Phonenumber.PhoneNumber parsed) {
    return switch (util.getNumberType(parsed)) {
      case FIXED_LINE -> NumberType.FIXED_LINE;
      case MOBILE -> NumberType.MOBILE;
      case FIXED_LINE_OR_MOBILE -> NumberType.FIXED_LINE_OR_MOBILE;
      case TOLL_FREE -> NumberType.TOLL_FREE;
      case PREMIUM_RATE -> NumberType.PREMIUM_RATE;
      case SHARED_COST -> NumberType.SHARED_COST;
      case VOIP -> NumberType.VOIP;
      case PERSONAL_NUMBER -> NumberType.PERSONAL_NUMBER;
      case PAGER -> NumberType.PAGER;
      case UAN -> NumberType.UAN;
      case VOICEMAIL -> NumberType.VOICEMAIL;
      case UNKNOWN -> NumberType.UNKNOWN;
    };
  }

  private static Reason reasonFor(NumberParseException e, String raw, @Nullable String region) {
    return switch (e.getErrorType()) {
      case NOT_A_NUMBER -> Reason.NOT_A_NUMBER;
      case TOO_SHORT_AFTER_IDD, TOO_SHORT_NSN -> Reason.TOO_SHORT;
      case TOO_LONG -> Reason.TOO_LONG;
      // libphonenumber reports a missing region and an unassigned code after "+" alike; only a national number
      // without a region is a missing region.
      case INVALID_COUNTRY_CODE -> region == null && !startsWithPlus(raw)
          ? Reason.UNKNOWN_REGION
          : Reason.INVALID_COUNTRY_CODE;
    };
  }

  /** Whether the first plus sign or digit in {@code raw} is a plus sign (libphonenumber skips what comes before). */
  private static boolean startsWithPlus(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+' || c == '\uFF0B') {
        return true;
      }
      if (Character.isDigit(c)) {
        return false;
      }
    }
    return false;
  }

  private @Nullable String effectiveRegion(@Nullable String region) {
    return region == null || region.isBlank() ? defaultRegion : supportedRegion(region);
  }

  private String supportedRegion(String region) {
    String upper = region.strip().toUpperCase(Locale.ROOT);
    if (!util.getSupportedRegions().contains(upper)) {
      throw new InvalidInputException("region", "must be an ISO 3166-1 alpha-2 region that libphonenumber supports,"
          + " such as US or GB");
    }
    return upper;
  }
}
