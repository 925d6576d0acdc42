package org.smskit.core.phone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Normalising is a fixed point on E.164: a value already canonical comes back unchanged. */
class PhoneNumbersPropertyTest {
  static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  static final PhoneNumbers PHONES = PhoneNumbers.create();
  /** Fixed so that a failure reproduces; change it to explore other samples. */
  static final long SEED = 20_260_125L;
  static final int SAMPLES = 20_000;

  @Test
  void everyExampleNumberInE164ComesBackUnchanged() {
    List<String> changed = new ArrayList<>();
    List<String> e164s = exampleNumbersInE164();
    for (String e164 : e164s) {
      for (String region : new String[] {null, "US", "GB", "DE", "IN"}) {
        String actual = PHONES.parse(e164, region).value();
        if (!actual.equals(e164)) {
          changed.add(e164 + " read in " + region + " -> " + actual);
        }
      }
    }
    assertThat(e164s).hasSizeGreaterThan(1_000);
    assertThat(changed).isEmpty();
  }

  /**
   * Random numbers near the example numbers (same country code and leading digits, random tail, length changed by
   * at most one digit), so that a good share are valid. Every candidate that is, digit for digit, a valid number
   * (libphonenumber's own validity of the country code and national number as written) comes back unchanged.
   *
   * <p>Candidates that are not valid as written may be accepted as another number, because libphonenumber applies a
   * region's national-prefix rules even after {@code +} and a country code; with this seed it rewrites Norfolk
   * Island's 5-digit local form ({@code +672 1xxxx} becomes {@code +672 31xxxx}) and Gabon's trunk 0
   * ({@code +241 06xxxxxxx} becomes {@code +241 6xxxxxxx}). Those are not E.164 values to begin with; what they
   * become is checked by {@link #normalisedNumbersAreFixedPoints()}.
   */
  @Test
  void randomE164NumbersThatAreValidAsWrittenComeBackUnchanged() {
    Random random = new Random(SEED);
    List<String> examples = exampleNumbersInE164();
    List<String> changed = new ArrayList<>();
    int validAsWritten = 0;
    for (int i = 0; i < SAMPLES; i++) {
      String candidate = nearby(examples.get(random.nextInt(examples.size())), random);
      if (!PhoneNumber.isE164(candidate) || asWritten(candidate).filter(UTIL::isValidNumber).isEmpty()) {
        continue;
      }
      validAsWritten++;
      try {
        String actual = PHONES.parse(candidate).value();
        if (!actual.equals(candidate)) {
          changed.add(candidate + " -> " + actual);
        }
      } catch (InvalidPhoneNumberException e) {
        changed.add(candidate + " -> " + e.reason());
      }
    }
    assertThat(changed).as("seed %s", SEED).isEmpty();
    // Keeps the property from passing vacuously, should the generator stop producing valid numbers.
    assertThat(validAsWritten).as("valid of %s samples, seed %s", SAMPLES, SEED).isGreaterThan(SAMPLES / 4);
  }

  /**
   * The number an E.164 string denotes digit for digit, without libphonenumber's parsing rules: the country code is
   * the prefix that is an assigned calling code (calling codes are prefix-free), the rest is the national number,
   * leading zeros kept as libphonenumber represents them (Italy).
   */
  static Optional<Phonenumber.PhoneNumber> asWritten(String e164) {
    String digits = e164.substring(1);
    for (int length = 1; length <= 3 && length < digits.length(); length++) {
      int countryCode = Integer.parseInt(digits.substring(0, length));
      if (!UTIL.getSupportedCallingCodes().contains(countryCode)) {
        continue;
      }
      String national = digits.substring(length);
      int zeros = 0;
      while (zeros < national.length() && national.charAt(zeros) == '0') {
        zeros++;
      }
      if (zeros == national.length()) {
        return Optional.empty();
      }
      Phonenumber.PhoneNumber number = new Phonenumber.PhoneNumber()
          .setCountryCode(countryCode)
          .setNationalNumber(Long.parseLong(national));
      if (zeros > 0) {
        number.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
      }
      return Optional.of(number);
    }
    return Optional.empty();
  }

  /** Whatever the input, what comes out is a fixed point: normalising it again changes nothing. */
  @Test
  void normalisedNumbersAreFixedPoints() {
    Random random = new Random(SEED + 1);
    List<String> examples = exampleNumbersInE164();
    List<String> moved = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      String example = examples.get(random.nextInt(examples.size()));
      // International format with a random tail: spaces, and digits that may or may not be valid.
      String candidate = "+" + example.substring(1, 3) + " " + nearby(example, random).substring(3);
      try {
        String once = PHONES.parse(candidate).value();
        String twice = PHONES.parse(once).value();
        if (!once.equals(twice)) {
          moved.add(candidate + " -> " + once + " -> " + twice);
        }
      } catch (InvalidPhoneNumberException refused) {
        // Not every random number is valid.
      }
    }
    assertThat(moved).as("seed %s", SEED + 1).isEmpty();
  }

  /** Keeps the country code and about half the national number, randomises the rest, maybe adds or drops one. */
  static String nearby(String e164, Random random) {
    int keep = Math.max(3, e164.length() / 2 + 1);
    StringBuilder out = new StringBuilder(e164.substring(0, Math.min(keep, e164.length())));
    int length = e164.length() + random.nextInt(3) - 1;
    while (out.length() < length) {
      out.append((char) ('0' + random.nextInt(10)));
    }
    out.setLength(Math.min(out.length(), Math.max(length, 3)));
    return out.toString();
  }

  static List<String> exampleNumbersInE164() {
    List<String> out = new ArrayList<>();
    for (String region : new TreeSet<>(UTIL.getSupportedRegions())) {
      for (PhoneNumberType type : PhoneNumberType.values()) {
        Phonenumber.PhoneNumber example = UTIL.getExampleNumberForType(region, type);
        if (example != null) {
          out.add(UTIL.format(example, PhoneNumberFormat.E164));
        }
      }
    }
    for (int callingCode : new TreeSet<>(UTIL.getSupportedGlobalNetworkCallingCodes())) {
      out.add(UTIL.format(UTIL.getExampleNumberForNonGeoEntity(callingCode), PhoneNumberFormat.E164));
    }
    return out;
  }
}
