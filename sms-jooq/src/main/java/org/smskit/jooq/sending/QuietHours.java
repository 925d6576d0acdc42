package org.smskit.jooq.sending;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.smskit.core.Require;

/**
 * A daily window, in the recipient's own time zone, when marketing and campaign messages wait instead of going
 * out (for example 21:00 to 08:00). Messages are held, never dropped.
 *
 * @param start when the quiet window begins, local time
 * @param end when it ends, local time; before {@code start} means it spans midnight
 */
public record QuietHours(LocalTime start, LocalTime end) {
  public QuietHours {
    Require.nonNull(start, "quiet_hours.start");
    Require.nonNull(end, "quiet_hours.end");
    if (start.equals(end)) {
      throw new org.smskit.core.InvalidInputException("quiet_hours", "start and end must differ");
    }
  }

  /** {@code at} if it is outside the window in {@code zone}, otherwise the end of the window. */
  public Instant nextAllowed(Instant at, ZoneId zone) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    boolean spansMidnight = end.isBefore(start);
    boolean quiet = spansMidnight ? !time.isBefore(start) || time.isBefore(end)
        : !time.isBefore(start) && time.isBefore(end);
    if (!quiet) {
      return at;
    }
    ZonedDateTime endToday = local.with(end);
    ZonedDateTime allowed = endToday.isAfter(local) ? endToday : endToday.plusDays(1);
    return allowed.toInstant();
  }
}
