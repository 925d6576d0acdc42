package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.jooq.sending.QuietHours;

/** The quiet window itself: inclusive start, exclusive end, windows across midnight, and clock changes. */
class QuietHoursTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
  private static final QuietHours LUNCH = new QuietHours(LocalTime.of(12, 0), LocalTime.of(14, 0));

  @Test
  void outsideTheWindowAMessageGoesAtOnce() {
    Instant afternoon = Instant.parse("2024-01-15T15:00:00Z");
    assertThat(NIGHT.nextAllowed(afternoon, LONDON)).isEqualTo(afternoon);
    assertThat(LUNCH.nextAllowed(Instant.parse("2024-01-15T11:59:59Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-15T11:59:59Z"));
  }

  @Test
  void windowStartIsQuietAndItsEndIsNot() {
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-01-15T21:00:00Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-16T08:00:00Z"));
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-01-16T08:00:00Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-16T08:00:00Z"));
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-01-16T07:59:59Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-16T08:00:00Z"));
  }

  @Test
  void windowAcrossMidnightEndsTheSameMorningAfterMidnight() {
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-01-16T02:00:00Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-16T08:00:00Z"));
  }

  @Test
  void windowWithinADayEndsThatDay() {
    assertThat(LUNCH.nextAllowed(Instant.parse("2024-01-15T13:00:00Z"), LONDON))
        .isEqualTo(Instant.parse("2024-01-15T14:00:00Z"));
  }

  @Test
  void windowIsReadInTheRecipientsZone() {
    // 02:00 UTC is 21:00 the evening before in New York (EST, UTC-5).
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-01-16T02:00:00Z"), NEW_YORK))
        .isEqualTo(Instant.parse("2024-01-16T13:00:00Z"));
  }

  @Test
  void endOnTheMorningTheClocksGoForwardIsLocalTime() {
    // London moves to BST (UTC+1) at 01:00 UTC on 31 March 2024: 08:00 local that morning is 07:00 UTC.
    assertThat(NIGHT.nextAllowed(Instant.parse("2024-03-30T22:00:00Z"), LONDON))
        .isEqualTo(Instant.parse("2024-03-31T07:00:00Z"));
  }

  @Test
  void emptyWindowIsRefused() {
    assertThatThrownBy(() -> new QuietHours(LocalTime.NOON, LocalTime.NOON)).isInstanceOf(InvalidInputException.class);
  }
}
