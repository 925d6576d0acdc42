package org.smskit.core.phone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonemetadata.PhoneMetadata;
import com.google.i18n.phonenumbers.Phonenumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.InvalidInputException;

/**
 * Every example number libphonenumber ships (every supported region, every number type that has one), written the
 * ways people write numbers, must normalise to the example's E.164. Example numbers are published test data, not
 * personal data, so failures print them in full.
 */
class PhoneNumbersCorpusTest {
  static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  static final PhoneNumbers PHONES = PhoneNumbers.create();
  static final Pattern DIGITS = Pattern.compile("[0-9]+");
  static final Pattern DIGIT_GROUP = Pattern.compile("[0-9]+");

  /**
   * Regions whose own numbers cannot be written with their own international prefix, each with the reason.
   * Checked by {@link #excludedInternationalPrefixFormsStillFailInLibphonenumberItself()} so that an exclusion is
   * dropped once libphonenumber no longer needs it.
   */
  static final Map<String, String> OWN_PREFIX_EXCLUSIONS = Map.of(
      "HK", "Hong Kong's prefix pattern 00(?:30|5[09]|[126-9]?) also accepts the carrier prefix 008, and"
          + " libphonenumber matches greedily: in 00852 it strips 008 and reads country code 52 (Mexico). Dialling"
          + " Hong Kong from Hong Kong through an international prefix is not how people write local numbers; other"
          + " countries' numbers with 00 work in HK (see PhoneNumbersTest).");

  static Stream<String> regions() {
    return new TreeSet<>(UTIL.getSupportedRegions()).stream();
  }

  static Stream<Integer> nonGeographicCallingCodes() {
    return new TreeSet<>(UTIL.getSupportedGlobalNetworkCallingCodes()).stream();
  }

  /** One way of writing an example number, and the region it is read in (null: none). */
  record Written(String how, String input, String region) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("regions")
  void everyExampleNumberOfTheRegionNormalisesFromEveryWayOfWritingIt(String region) {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (PhoneNumberType type : PhoneNumberType.values()) {
      Phonenumber.PhoneNumber example = UTIL.getExampleNumberForType(region, type);
      if (example == null) {
        continue;
      }
      String expected = UTIL.format(example, PhoneNumberFormat.E164);
      for (Written written : waysOfWriting(region, example)) {
        checked++;
        check(expected, written, region + "/" + type, failures);
      }
    }
    assertThat(checked).as("%s has example numbers", region).isPositive();
    assertThat(failures).as("%s: inputs that did not normalise to the example's E.164", region).isEmpty();
  }

  @ParameterizedTest(name = "+{0}")
  @MethodSource("nonGeographicCallingCodes")
  void everyNonGeographicExampleNumberNormalisesFromItsInternationalForms(int callingCode) {
    // Global services (+800 freephone, +882 networks) belong to no region, so they have no national form.
    Phonenumber.PhoneNumber example = UTIL.getExampleNumberForNonGeoEntity(callingCode);
    assertThat(example).as("example for +%s", callingCode).isNotNull();
    String expected = UTIL.format(example, PhoneNumberFormat.E164);
    List<String> failures = new ArrayList<>();
    for (Written written : internationalForms(example, "GB")) {
      check(expected, written, "+" + callingCode, failures);
    }
    assertThat(failures).isEmpty();
  }

  /**
   * The corpus rests on two facts about libphonenumber's own data: every example number fits E.164 (15 digits),
   * and libphonenumber parses its own E.164, international and national formats back to the same valid number.
   * Both hold for 9.0.21 with no exception, so the corpus excludes nothing. If an upgrade breaks either, this test
   * names the numbers, and each must be excluded above with its reason.
   */
  @Test
  void libphonenumberExampleNumbersFitE164AndRoundTripInLibphonenumberItself() {
    Map<String, String> problems = new TreeMap<>();
    int examples = 0;
    for (String region : UTIL.getSupportedRegions()) {
      for (PhoneNumberType type : PhoneNumberType.values()) {
        Phonenumber.PhoneNumber example = UTIL.getExampleNumberForType(region, type);
        if (example == null) {
          continue;
        }
        examples++;
        String e164 = UTIL.format(example, PhoneNumberFormat.E164);
        String key = region + "/" + type + " " + e164;
        if (!PhoneNumber.isE164(e164)) {
          problems.put(key, "longer than E.164 allows");
          continue;
        }
        if (!UTIL.isValidNumber(example)) {
          problems.put(key, "not valid in libphonenumber itself");
          continue;
        }
        try {
          String national = UTIL.format(example, PhoneNumberFormat.NATIONAL);
          String international = UTIL.format(example, PhoneNumberFormat.INTERNATIONAL);
          if (!e164.equals(UTIL.format(UTIL.parse(national, region), PhoneNumberFormat.E164))
              || !e164.equals(UTIL.format(UTIL.parse(international, null), PhoneNumberFormat.E164))
              || !e164.equals(UTIL.format(UTIL.parse(e164, null), PhoneNumberFormat.E164))) {
            problems.put(key, "does not round-trip");
          }
        } catch (NumberParseException e) {
          problems.put(key, e.getErrorType().toString());
        }
      }
    }
    // About 1,370 in 9.0.21; the floor catches a corpus that silently shrank.
    assertThat(examples).isGreaterThan(1_000);
    assertThat(problems).isEmpty();
  }

  @Test
  void excludedInternationalPrefixFormsStillFailInLibphonenumberItself() {
    for (String region : OWN_PREFIX_EXCLUSIONS.keySet()) {
      Phonenumber.PhoneNumber example = UTIL.getExampleNumber(region);
      String prefix = internationalPrefix(region).orElseThrow();
      String input = prefix + UTIL.format(example, PhoneNumberFormat.INTERNATIONAL).substring(1);
      String expected = UTIL.format(example, PhoneNumberFormat.E164);
      String actual;
      try {
        actual = UTIL.format(UTIL.parse(input, region), PhoneNumberFormat.E164);
      } catch (NumberParseException e) {
        actual = e.getErrorType().toString();
      }
      assertThat(actual).as("%s %s; if this now works, drop the exclusion: %s", region, input,
          OWN_PREFIX_EXCLUSIONS.get(region)).isNotEqualTo(expected);
    }
  }

  private static void check(String expected, Written written, String what, List<String> failures) {
    try {
      String actual = PHONES.parse(written.input(), written.region()).value();
      if (!expected.equals(actual)) {
        failures.add(what + " " + written + " -> " + actual + ", expected " + expected);
      }
    } catch (InvalidInputException e) {
      failures.add(what + " " + written + " -> " + e.getMessage() + ", expected " + expected);
    }
  }

  static List<Written> waysOfWriting(String region, Phonenumber.PhoneNumber example) {
    List<Written> out = new ArrayList<>();
    String national = UTIL.format(example, PhoneNumberFormat.NATIONAL);
    out.add(new Written("national", national, region));
    List<String> groups = digitGroups(national);
    String nationalDigits = String.join("", groups);
    out.add(new Written("national digits only", nationalDigits, region));
    out.add(new Written("national with spaces", String.join(" ", groups), region));
    out.add(new Written("national with dots", String.join(".", groups), region));
    out.add(new Written("national with dashes", String.join("-", groups), region));
    if (groups.size() > 1) {
      out.add(new Written("national with parentheses",
          "(" + groups.get(0) + ") " + String.join("-", groups.subList(1, groups.size())), region));
    }
    out.addAll(internationalForms(example, region));
    // The region a call passes is only a default: an international number is read the same in any other region.
    String otherRegion = "US".equals(region) ? "GB" : "US";
    out.add(new Written("international, read in " + otherRegion,
        UTIL.format(example, PhoneNumberFormat.INTERNATIONAL), otherRegion));
    if (OWN_PREFIX_EXCLUSIONS.containsKey(region)) {
      return out;
    }
    internationalPrefix(region).ifPresent(prefix -> {
      String international = UTIL.format(example, PhoneNumberFormat.INTERNATIONAL).substring(1);
      out.add(new Written("with international prefix " + prefix, prefix + international, region));
      out.add(new Written("with international prefix " + prefix + " and a space", prefix + " " + international,
          region));
    });
    return out;
  }

  static List<Written> internationalForms(Phonenumber.PhoneNumber example, String region) {
    String e164 = UTIL.format(example, PhoneNumberFormat.E164);
    String international = UTIL.format(example, PhoneNumberFormat.INTERNATIONAL);
    List<String> groups = digitGroups(international);
    String plus = "+" + groups.get(0);
    List<String> rest = groups.subList(1, groups.size());
    List<Written> out = new ArrayList<>();
    out.add(new Written("E.164", e164, null));
    out.add(new Written("international", international, null));
    out.add(new Written("international with dots", plus + "." + String.join(".", rest), null));
    out.add(new Written("international with dashes", plus + "-" + String.join("-", rest), null));
    if (rest.size() > 1) {
      out.add(new Written("international with parentheses",
          plus + " (" + rest.get(0) + ") " + String.join(" ", rest.subList(1, rest.size())), null));
    }
    out.add(new Written("E.164 read in its region", e164, region));
    return out;
  }

  /**
   * The prefix people in {@code region} dial before a country code ({@code 00}, {@code 011}). Where the metadata
   * gives a pattern of several prefixes (Brazil's carrier-selecting {@code 00(?:1[245]|...)}, Korea's, Chile's...)
   * it may name one preferred prefix; regions with neither a single prefix nor a preferred one are skipped for this
   * form, since no one way of writing it exists.
   */
  static Optional<String> internationalPrefix(String region) {
    PhoneMetadata metadata = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource()
        .getMetadataForRegion(region);
    String prefix = metadata.getInternationalPrefix();
    if (DIGITS.matcher(prefix).matches()) {
      return Optional.of(prefix);
    }
    if (metadata.hasPreferredInternationalPrefix()
        && DIGITS.matcher(metadata.getPreferredInternationalPrefix()).matches()) {
      return Optional.of(metadata.getPreferredInternationalPrefix());
    }
    return Optional.empty();
  }

  static List<String> digitGroups(String formatted) {
    List<String> groups = new ArrayList<>();
    Matcher matcher = DIGIT_GROUP.matcher(formatted);
    while (matcher.find()) {
      groups.add(matcher.group());
    }
    return groups;
  }
}
