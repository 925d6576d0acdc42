package org.smskit.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConvertersTest {
  private final LegacyTimestamps timestamps =
      new LegacyTimestamps(ZoneId.of("America/New_York"), Instant.parse("2025-06-01T00:00:00Z"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2024-03-05T10:15:30Z                | 2024-03-05T10:15:30Z | ",
      "2024-03-05T12:15:30+02:00           | 2024-03-05T10:15:30Z | ",
      "2024-03-05T15:45:30+0530            | 2024-03-05T10:15:30Z | ",
      "2024-03-05 10:15:30+00              | 2024-03-05T10:15:30Z | ",
      "2024-03-05T10:15:30.123456Z         | 2024-03-05T10:15:30.123456Z | ",
      "2024-03-05 05:15:30                 | 2024-03-05T10:15:30Z | normalised",
      "20240305T101530Z                    | 2024-03-05T10:15:30Z | normalised",
      "'Tue, 5 Mar 2024 10:15:30 +0000'    | 2024-03-05T10:15:30Z | normalised",
      "1709633730                          | 2024-03-05T10:15:30Z | normalised",
      "1709633730123                       | 2024-03-05T10:15:30.123Z | normalised",
      "25/03/2024                          | 2024-03-25T04:00:00Z | normalised",
      "03/25/2024                          | 2024-03-25T04:00:00Z | normalised"})
  void parsesTheListedFormats(String raw, String expected, String reason) {
    Converted<Instant> converted = timestamps.parse(raw);
    assertThat(converted.value()).isEqualTo(Instant.parse(expected));
    assertThat(converted.reason()).isEqualTo(reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                  | unparsed timestamp",
      "'  '                | unparsed timestamp",
      "now                 | unparsed timestamp",
      "today               | unparsed timestamp",
      "epoch               | unparsed timestamp",
      "infinity            | unparsed timestamp",
      "-infinity           | unparsed timestamp",
      "N/A                 | unparsed timestamp",
      "20230105            | unparsed timestamp",
      "2023-02-30 10:00:00 | unparsed timestamp",
      "2023-13-45 25:00:00 | unparsed timestamp",
      "03/04/2023          | ambiguous day/month",
      "1999-12-31T23:00:00Z | implausible timestamp",
      "1970-01-01 00:00:00+00 | implausible timestamp",
      "2099-01-01T00:00:00Z | implausible timestamp",
      "2025-06-02T01:00:00Z | implausible timestamp"})
  void refusesWhatPostgresWouldSilentlyMisread(String raw, String reason) {
    Converted<Instant> converted = timestamps.parse(raw);
    assertThat(converted.value()).isNull();
    assertThat(converted.reason()).isEqualTo(reason);
  }

  @Test
  void nullIsNothingToKeep() {
    assertThat(timestamps.parse(null)).isEqualTo(Converted.ok(null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "+14155550123      | +14155550123 | ",
      "+1 415 555 0123   | +14155550123 | normalised",
      "(415) 555-0123    | +14155550123 | normalised",
      "415-555-0123      | +14155550123 | normalised",
      "4155550123        | +14155550123 | normalised",
      "0014155550123     | +14155550123 | normalised",
      "0044 20 7946 0958 | +442079460958 | normalised"})
  void phonesBecomeE164(String raw, String expected, String reason) {
    Converted<String> converted = new LegacyPhones("US").e164(raw);
    assertThat(converted.value()).isEqualTo(expected);
    assertThat(converted.reason()).isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"call me", "", "12", "+999 1234"})
  void garbagePhonesAreNotE164(String raw) {
    assertThat(new LegacyPhones("US").e164(raw)).isEqualTo(Converted.failed("not E.164"));
  }

  @Test
  void messageAddressesAlsoTakeShortCodesAndSenderIds() {
    LegacyPhones phones = new LegacyPhones("US");
    assertThat(phones.address("72345")).isEqualTo(Converted.ok("72345"));
    assertThat(phones.address("ACME")).isEqualTo(Converted.ok("ACME"));
    assertThat(phones.address("call me?!").value()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'{\"a\":1}'         | '{\"a\":1}'                      | ",
      "42                  | '{\"legacy_value\":42}'          | normalised",
      "'\"text\"'          | '{\"legacy_value\":\"text\"}'    | normalised",
      "'[1,2]'             | '{\"legacy_value\":[1,2]}'       | normalised",
      "'{\"a\":1,\"a\":2}' | '{\"a\":2}'                      | json duplicate keys"})
  void jsonBecomesAnObject(String raw, String expected, String reason) {
    Converted<String> converted = LegacyJson.object(raw);
    assertThat(converted.value()).isEqualTo(expected);
    assertThat(converted.reason()).isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{bad", "", "{\"x\":\"\\u0000\"}", "nul"})
  void invalidJsonIsKept(String raw) {
    assertThat(LegacyJson.object(raw)).isEqualTo(Converted.failed("invalid json"));
  }

  @Test
  void uuidsInAnySpelling() {
    UUID id = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(LegacyIds.uuid(id.toString())).isEqualTo(Converted.ok(id));
    assertThat(LegacyIds.uuid("{" + id + "}")).isEqualTo(Converted.normalised(id));
    assertThat(LegacyIds.uuid(id.toString().toUpperCase())).isEqualTo(Converted.normalised(id));
    assertThat(LegacyIds.uuid(id.toString().replace("-", ""))).isEqualTo(Converted.normalised(id));
    assertThat(LegacyIds.uuid("n/a")).isEqualTo(Converted.failed("not a uuid"));
    assertThat(LegacyIds.target("t", id.toString())).isEqualTo(id);
    assertThat(LegacyIds.target("t", "42")).isEqualTo(LegacyIds.target("t", "42")).isNotEqualTo(
        LegacyIds.target("u", "42"));
  }
}
