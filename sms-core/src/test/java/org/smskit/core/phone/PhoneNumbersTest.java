package org.smskit.core.phone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.InvalidPhoneNumberException.Reason;

class PhoneNumbersTest {
  final PhoneNumbers phones = PhoneNumbers.create();
  final PhoneNumbers us = PhoneNumbers.withDefaultRegion("US");

  @Nested
  class Normalising {
    @Test
    void nationalNumberIsReadInTheDefaultRegion() {
      assertThat(us.parse("(415) 555-0100")).isEqualTo(PhoneNumber.of("+14155550100"));
    }

    @Test
    void internationalNumberNeedsNoRegion() {
      assertThat(phones.parse("+44 20 7946 0958").value()).isEqualTo("+442079460958");
    }

    @Test
    void regionGivenToTheCallOverridesTheDefault() {
      assertThat(us.parse("020 7946 0958", "GB").value()).isEqualTo("+442079460958");
    }

    @Test
    void regionIsCaseInsensitive() {
      assertThat(phones.parse("020 7946 0958", "gb").value()).isEqualTo("+442079460958");
    }

    @Test
    void blankRegionMeansTheDefault() {
      assertThat(us.parse("415 555 0100", " ").value()).isEqualTo("+14155550100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GB", "DE", "FR", "IN", "HK"})
    void prefix0044IsReadAsInternationalInRegionsThatDial00(String region) {
      assertThat(phones.parse("0044 20 7946 0958", region).value()).isEqualTo("+442079460958");
    }

    @Test
    void prefix011IsReadAsInternationalInTheUs() {
      assertThat(us.parse("011 44 20 7946 0958").value()).isEqualTo("+442079460958");
    }

    @Test
    void prefix00WithoutRegionIsNotGuessedAndIsRejectedAsUnknownRegion() {
      // "00" is international in most countries but not in the US (011) or Australia (0011): no guessing.
      assertThat(reasonFor(phones, "0044 20 7946 0958", null)).isEqualTo(Reason.UNKNOWN_REGION);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "415 555 0100", "415.555.0100", "415-555-0100", "(415)555-0100", "(415) 555.0100", "4155550100",
        "1 415 555 0100", "+1 (415) 555-0100", "+1.415.555.0100", "+1-415-555-0100", "tel:+1-415-555-0100",
        "  +1 415 555 0100  ", "\uFF0B1 415 555 0100"})
    void separatorsAndPunctuationAreIgnored(String written) {
      assertThat(us.parse(written).value()).isEqualTo("+14155550100");
    }

    @Test
    void trunkZeroInParenthesesAfterTheCountryCodeIsDropped() {
      assertThat(phones.parse("+44 (0)20 7946 0958").value()).isEqualTo("+442079460958");
    }

    @Test
    void italianLeadingZeroIsKept() {
      assertThat(phones.parse("02 1234 5678", "IT").value()).isEqualTo("+390212345678");
    }

    @Test
    void vanityLettersAreReadAsKeypadDigits() {
      assertThat(us.parse("1-800-FLOWERS").value()).isEqualTo("+18003569377");
    }
  }

  @Nested
  class Extensions {
    @ParameterizedTest
    @ValueSource(strings = {
        "+1 415-555-0100 ext. 123", "+1 415-555-0100 ext 123", "+1 415-555-0100 x123", "+1 415-555-0100 x 123",
        "+1 415-555-0100 extension 123", "+1 415-555-0100 #123", "+1 415-555-0100;ext=123", "(415) 555-0100 x123"})
    void extensionIsDroppedFromTheE164Value(String written) {
      assertThat(us.parse(written).value()).isEqualTo("+14155550100");
    }

    @Test
    void extensionIsKeptInTheDetails() {
      PhoneNumberDetails details = phones.parseDetails("phone", "+44 20 7946 0958 ext. 123", null);

      assertThat(details.number().value()).isEqualTo("+442079460958");
      assertThat(details.extension()).isEqualTo("123");
    }

    @Test
    void numberWithoutExtensionHasNullExtension() {
      assertThat(phones.parseDetails("phone", "+44 20 7946 0958", null).extension()).isNull();
    }
  }

  @Nested
  class Rejections {
    @ParameterizedTest
    @ValueSource(strings = {"ACME", "", "   ", "+", "1", "hello world", "--"})
    void textWithoutAPhoneNumberIsRejectedAsNotANumber(String written) {
      assertThat(reasonFor(us, written, null)).isEqualTo(Reason.NOT_A_NUMBER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1 200 555 0100", "+44 20 7946 095", "+44 99 1234 5678"})
    void numberOutsideAssignedRangesIsRejectedAsInvalidForRegion(String written) {
      assertThat(reasonFor(phones, written, null)).isEqualTo(Reason.INVALID_FOR_REGION);
    }

    @ParameterizedTest
    @CsvSource({"+1 23,", "+7 8800,", "72345,US", "0044,GB"})
    void numberWithTooFewDigitsIsRejectedAsTooShort(String written, String region) {
      assertThat(reasonFor(phones, written, region)).isEqualTo(Reason.TOO_SHORT);
    }

    @Test
    void localNumberWithoutAreaCodeIsRejectedAsTooShort() {
      assertThat(reasonFor(us, "555-0100", null)).isEqualTo(Reason.TOO_SHORT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1 415 555 01009", "+123456789012345678", "+44 20 7946 0958 1234 5678 999"})
    void numberWithTooManyDigitsIsRejectedAsTooLong(String written) {
      assertThat(reasonFor(phones, written, null)).isEqualTo(Reason.TOO_LONG);
    }

    @Test
    void nationalNumberWithoutRegionIsRejectedAsUnknownRegion() {
      assertThat(reasonFor(phones, "(415) 555-0100", null)).isEqualTo(Reason.UNKNOWN_REGION);
    }

    @ParameterizedTest
    @CsvSource({"+999 1234 5678,", "+999 1234 5678,US", "0099 1234 5678,GB"})
    void unassignedCountryCodeIsRejectedAsInvalidCountryCode(String written, String region) {
      assertThat(reasonFor(phones, written, region)).isEqualTo(Reason.INVALID_COUNTRY_CODE);
    }

    @Test
    void errorNamesThePhoneFieldByDefault() {
      InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
          () -> phones.parse("ACME"));

      assertThat(e.field()).isEqualTo("phone");
      assertThat(e.rule()).isEqualTo(Reason.NOT_A_NUMBER.rule());
      assertThat(e).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void errorNamesTheFieldTheCallerGives() {
      InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
          () -> phones.parse("to_number", "(415) 555-0100", null));

      assertThat(e.field()).isEqualTo("to_number");
      assertThat(e.getMessage()).startsWith("to_number: ");
    }

    @Test
    void errorMessageNeverContainsTheNumber() {
      InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
          () -> phones.parse("+44 20 7946 095"));

      assertThat(e.getMessage()).doesNotContain("7946").doesNotContain("095");
    }

    @Test
    void unsupportedRegionIsRejectedOnTheRegionField() {
      assertThatThrownBy(() -> phones.parse("+44 20 7946 0958", "XX"))
          .isExactlyInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("region");
      assertThatThrownBy(() -> PhoneNumbers.withDefaultRegion("EU"))
          .isExactlyInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("region");
    }

    @Test
    void nullNumberIsRefusedAsMissingOnTheCallersField() {
      assertThatThrownBy(() -> phones.parse(null)).isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> {
        assertThat(e.field()).isEqualTo("phone");
        assertThat(e.reason()).isEqualTo(Reason.MISSING);
        assertThat(e.getMessage()).isEqualTo("phone: must not be null");
      });
      assertThatThrownBy(() -> phones.parse(null, "US")).isInstanceOf(InvalidPhoneNumberException.class);
      assertThatThrownBy(() -> phones.parse("to_number", null, null))
          .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.field()).isEqualTo("to_number"));
      assertThatThrownBy(() -> phones.parseDetails("phone_number", null, null))
          .isInstanceOfSatisfying(InvalidPhoneNumberException.class,
              e -> assertThat(e.field()).isEqualTo("phone_number"));
      assertThatThrownBy(() -> phones.parseAddress(null, null))
          .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING));
      assertThatThrownBy(() -> phones.parseAddress("from_number", null, "US"))
          .isInstanceOfSatisfying(InvalidPhoneNumberException.class,
              e -> assertThat(e.field()).isEqualTo("from_number"));
    }
  }

  @Nested
  class Details {
    @Test
    void sanFranciscoNumberHasCountryCode1RegionUsAndAreaCode415() {
      PhoneNumberDetails details = phones.details(PhoneNumber.of("+14155550100"));

      assertThat(details.countryCode()).isEqualTo("1");
      assertThat(details.regionCode()).isEqualTo("US");
      assertThat(details.areaCode()).isEqualTo("415");
      assertThat(details.type()).isEqualTo(NumberType.FIXED_LINE_OR_MOBILE);
    }

    @Test
    void londonNumberHasCountryCode44RegionGbAndAreaCode20() {
      PhoneNumberDetails details = phones.details(PhoneNumber.of("+442079460958"));

      assertThat(details.countryCode()).isEqualTo("44");
      assertThat(details.regionCode()).isEqualTo("GB");
      assertThat(details.areaCode()).isEqualTo("20");
      assertThat(details.type()).isEqualTo(NumberType.FIXED_LINE);
    }

    @Test
    void canadianNumberSharingCountryCode1HasRegionCa() {
      assertThat(phones.details(PhoneNumber.of("+16045550123")).regionCode()).isEqualTo("CA");
    }

    @Test
    void mobileAreaCodeIsTheOperatorPrefix() {
      PhoneNumberDetails details = phones.details(PhoneNumber.of("+447400123456"));

      assertThat(details.areaCode()).isEqualTo("7400");
      assertThat(details.type()).isEqualTo(NumberType.MOBILE);
      assertThat(details.type().mayBeMobile()).isTrue();
    }

    @Test
    void italianAreaCodeKeepsItsLeadingZero() {
      assertThat(phones.details(PhoneNumber.of("+390212345678")).areaCode()).isEqualTo("02");
    }

    @Test
    void numberPlanWithoutAreaCodesGivesNullAreaCode() {
      // The Faroe Islands' 6-digit numbers have no national destination code.
      PhoneNumberDetails details = phones.details(phones.parse("+298 201234"));

      assertThat(details.regionCode()).isEqualTo("FO");
      assertThat(details.areaCode()).isNull();
    }

    @Test
    void nonGeographicNumberHasNoRegion() {
      PhoneNumberDetails details = phones.details(PhoneNumber.of("+80012345678"));

      assertThat(details.countryCode()).isEqualTo("800");
      assertThat(details.regionCode()).isNull();
      assertThat(details.type()).isEqualTo(NumberType.TOLL_FREE);
    }

    @Test
    void storedNumberOutsideAssignedRangesStillGetsItsCountryCode() {
      // Inbound numbers are stored as providers send them; details must not re-validate them into an error.
      PhoneNumberDetails details = phones.details(PhoneNumber.of("+12005550100"));

      assertThat(details.countryCode()).isEqualTo("1");
      assertThat(details.regionCode()).isNull();
      assertThat(details.areaCode()).isNull();
      assertThat(details.type()).isEqualTo(NumberType.UNKNOWN);
      assertThat(details.timeZones()).isEmpty();
    }

    @Test
    void storedNumberWithUnassignedCountryCodeIsRejectedAsInvalidCountryCode() {
      InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
          () -> phones.details(PhoneNumber.of("+99912345678")));

      assertThat(e.reason()).isEqualTo(Reason.INVALID_COUNTRY_CODE);
    }

    @Test
    void parseDetailsGivesTheSameDetailsAsDetailsOfTheParsedNumber() {
      PhoneNumberDetails parsed = us.parseDetails("phone", "(415) 555-0100", null);

      assertThat(parsed).isEqualTo(us.details(PhoneNumber.of("+14155550100")));
    }

    @Test
    void detailsToStringMasksTheNumberAndExtension() {
      String text = phones.parseDetails("phone", "+44 20 7946 0958 x 4321", null).toString();

      assertThat(text).doesNotContain("7946").doesNotContain("4321").contains("+44").contains("GB");
    }
  }

  @Nested
  class TimeZones {
    /** A hand-written stand-in for libphonenumber's PhoneNumberToTimeZonesMapper, keyed by country code. */
    final Map<Integer, List<String>> zonesByCountryCode = Map.of(
        1, List.of("America/Los_Angeles"),
        44, List.of("Europe/London", "Etc/Unknown"),
        800, List.of("Etc/Unknown"));
    final List<Phonenumber.PhoneNumber> asked = new ArrayList<>();
    final PhoneNumbers withZones = PhoneNumbers.create(null, number -> {
      asked.add(number);
      return zonesByCountryCode.getOrDefault(number.getCountryCode(), List.of());
    });

    @Test
    void timeZonesComeFromTheLookup() {
      assertThat(withZones.details(PhoneNumber.of("+14155550100")).timeZones())
          .containsExactly("America/Los_Angeles");
      assertThat(withZones.details(PhoneNumber.of("+14155550100")).primaryTimeZone())
          .contains("America/Los_Angeles");
    }

    @Test
    void unknownTimeZoneIsNeverPassedOn() {
      assertThat(withZones.details(PhoneNumber.of("+442079460958")).timeZones()).containsExactly("Europe/London");
      assertThat(withZones.details(PhoneNumber.of("+80012345678")).timeZones()).isEmpty();
      assertThat(withZones.details(PhoneNumber.of("+80012345678")).primaryTimeZone()).isEmpty();
    }

    @Test
    void numbersOutsideAssignedRangesAreNotLookedUp() {
      withZones.details(PhoneNumber.of("+12005550100"));

      assertThat(asked).isEmpty();
    }

    @Test
    void realTimeZonesComeFromLibphonenumbersOwnMapping() {
      assertThat(phones.details(PhoneNumber.of("+14155550100")).timeZones()).containsExactly("America/Los_Angeles");
      assertThat(us.details(PhoneNumber.of("+442079460958")).timeZones()).containsExactly("Europe/London");
      assertThat(phones.details(PhoneNumber.of("+12125550100")).primaryTimeZone()).contains("America/New_York");
      // A country spanning several zones: every candidate, for the host to choose from.
      assertThat(phones.details(PhoneNumber.of("+61412345678")).timeZones()).hasSizeGreaterThan(1)
          .contains("Australia/Sydney");
    }
  }

  @Nested
  class Addresses {
    @Test
    void brandNameIsAnAlphanumericSenderId() {
      assertThat(us.parseAddress("ACME", null)).isEqualTo(new AlphanumericSenderId("ACME"));
    }

    @ParameterizedTest
    @CsvSource({"72345,US", "72345,", "123456,GB", "911,US"})
    void digitsThatAreNoPhoneNumberAreAShortCodeNeverE164(String written, String region) {
      assertThat(phones.parseAddress(written, region)).isEqualTo(new ShortCode(written));
    }

    @Test
    void eightDigitsValidInTheRegionAreAPhoneNumber() {
      // Singapore's subscriber numbers have 8 digits, the longest a short code may have.
      assertThat(phones.parseAddress("61234567", "SG")).isEqualTo(PhoneNumber.of("+6561234567"));
    }

    @Test
    void numberWithPlusIsAPhoneNumber() {
      assertThat(phones.parseAddress("+44 20 7946 0958", null)).isEqualTo(PhoneNumber.of("+442079460958"));
    }

    @Test
    void nationalNumberIsAPhoneNumberInItsRegion() {
      assertThat(phones.parseAddress("(415) 555-0100", "US")).isEqualTo(PhoneNumber.of("+14155550100"));
    }

    @Test
    void vanityNumberLongerThanASenderIdIsAPhoneNumber() {
      assertThat(us.parseAddress("1-800-FLOWERS", null)).isEqualTo(PhoneNumber.of("+18003569377"));
    }

    @Test
    void brandThatLibphonenumberWouldReadAsKeypadDigitsStaysASenderId() {
      // As a phone number, "2024SALE" in Denmark is +45 20 24 72 53.
      assertThat(phones.parseAddress("2024SALE", "DK")).isEqualTo(new AlphanumericSenderId("2024SALE"));
    }

    @Test
    void textThatIsNoneOfTheThreeKindsIsRejectedNamingTheField() {
      InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
          () -> phones.parseAddress("from_number", "not a sender id!", null));

      assertThat(e.field()).isEqualTo("from_number");
      assertThat(e.reason()).isEqualTo(Reason.NOT_A_NUMBER);
    }

    @Test
    void invalidNumberWithPlusIsRejectedRatherThanReadAsAnotherKind() {
      assertThatThrownBy(() -> phones.parseAddress("+1 23", null))
          .isInstanceOf(InvalidPhoneNumberException.class);
    }
  }

  @Test
  void oneInstanceIsSafeToShareAcrossThreads() throws Exception {
    List<String> inputs = List.of("(415) 555-0100", "+44 20 7946 0958", "011 49 30 123456", "+81 3-1234-5678");
    List<String> expected = List.of("+14155550100", "+442079460958", "+4930123456", "+81312345678");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          List<String> out = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            out.add(us.parse(inputs.get(i % inputs.size())).value());
          }
          return out;
        }));
      }
      for (Future<List<String>> result : results) {
        List<String> out = result.get();
        for (int i = 0; i < out.size(); i++) {
          assertThat(out.get(i)).isEqualTo(expected.get(i % expected.size()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static Reason reasonFor(PhoneNumbers phones, String written, String region) {
    InvalidPhoneNumberException e = catchThrowableOfType(InvalidPhoneNumberException.class,
        () -> phones.parse(written, region));
    assertThat(e).as("expected %s to be rejected", written).isNotNull();
    return e.reason();
  }
}
