package org.smskit.adopt;

import java.text.ParsePosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;

/**
 * Parses legacy timestamp text against an explicit list of formats with java.time, never PostgreSQL's permissive
 * cast (which reads {@code now} as the conversion time, {@code epoch} as 1970 and {@code 01/02/2023} by DateStyle).
 *
 * <p>Accepted: ISO-8601 with {@code Z} or an offset (also PostgreSQL's own {@code 2023-01-05 10:00:00+00} output);
 * ISO without a zone (read in the configured legacy zone); basic ISO {@code 20250415T063013Z}; RFC 2822; epoch
 * seconds (9-10 digits), milliseconds (12-13) and microseconds (15-16); and {@code d/m/y} or {@code m/d/y} only when
 * the day part is above 12, so that the reading is unambiguous. Everything else, and any instant before
 * 2000-01-01 or after now + 1 day, is unconverted. Strict resolving: {@code 2023-02-30} is refused, not clamped.
 */
final class LegacyTimestamps {
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  private static final Pattern EPOCH = Pattern.compile("\\d{9,10}|\\d{12,13}|\\d{15,16}");
  private static final Pattern SLASHED = Pattern.compile("(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})(?:[ T](.+))?");
  private static final Pattern NAIVE_TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

  /** ISO date-time with a zone: 'T' or ' ' between date and time; Z, +hh, +hhmm or +hh:mm. */
  private static final List<DateTimeFormatter> ZONED = List.of(
      pattern("uuuu-MM-dd'T'HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]XXX"),
      pattern("uuuu-MM-dd'T'HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]XX"),
      pattern("uuuu-MM-dd'T'HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]X"),
      pattern("uuuu-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]XXX"),
      pattern("uuuu-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]XX"),
      pattern("uuuu-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]X"),
      pattern("uuuuMMdd'T'HHmmss[.SSS]X"),
      DateTimeFormatter.RFC_1123_DATE_TIME.withResolverStyle(ResolverStyle.STRICT));

  private static final List<DateTimeFormatter> NAIVE = List.of(
      pattern("uuuu-MM-dd'T'HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]"),
      pattern("uuuu-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]"));

  private final ZoneId legacyZone;
  private final Instant latest;

  /**
   * @param legacyZone the zone of values written without one
   * @param now the adoption's clock; values after {@code now + 1 day} are implausible
   */
  LegacyTimestamps(ZoneId legacyZone, Instant now) {
    this.legacyZone = legacyZone;
    this.latest = now.plus(1, ChronoUnit.DAYS);
  }

  private static DateTimeFormatter pattern(String pattern) {
    return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT);
  }

  /**
   * The instant of {@code raw}; {@code null} value and no reason for SQL NULL; a reason for anything kept:
   * {@code unparsed timestamp}, {@code ambiguous day/month}, {@code implausible timestamp}, or {@code normalised}
   * for a value that parsed but not from a zone-qualified ISO spelling (epoch numbers, RFC 2822, zone-less, d/m/y).
   */
  Converted<Instant> parse(@Nullable String raw) {
    if (raw == null) {
      return Converted.ok(null);
    }
    String s = raw.strip();
    if (s.isEmpty()) {
      return Converted.failed("unparsed timestamp");
    }
    Instant instant;
    boolean canonical = false;
    if (EPOCH.matcher(s).matches()) {
      long n = Long.parseLong(s);
      instant = s.length() <= 10 ? Instant.ofEpochSecond(n)
          : s.length() <= 13 ? Instant.ofEpochMilli(n)
          : Instant.ofEpochSecond(n / 1_000_000, (n % 1_000_000) * 1_000);
    } else {
      var slashed = SLASHED.matcher(s);
      if (slashed.matches()) {
        int a = Integer.parseInt(slashed.group(1));
        int b = Integer.parseInt(slashed.group(2));
        if (a <= 12 && b <= 12 && a != b) {
          return Converted.failed("ambiguous day/month");
        }
        instant = slashed(a, b, Integer.parseInt(slashed.group(3)), slashed.group(4));
        if (instant == null) {
          return Converted.failed("unparsed timestamp");
        }
      } else {
        instant = zoned(s);
        canonical = instant != null && Character.isDigit(s.charAt(0)) && s.length() > 16 && s.charAt(4) == '-';
        if (instant == null) {
          instant = naive(s);
        }
        if (instant == null) {
          return Converted.failed("unparsed timestamp");
        }
      }
    }
    if (instant.isBefore(EARLIEST) || instant.isAfter(latest)) {
      return Converted.failed("implausible timestamp");
    }
    return canonical ? Converted.ok(instant) : Converted.normalised(instant);
  }

  /**
   * Whether {@code f} reads all of {@code s}, without the cost of an exception (most legacy values fail most
   * formats; a thrown DateTimeParseException per attempt made the conversion several times slower).
   */
  private static boolean fits(DateTimeFormatter f, String s) {
    ParsePosition position = new ParsePosition(0);
    return f.parseUnresolved(s, position) != null && position.getErrorIndex() < 0 && position.getIndex() == s.length();
  }

  private static @Nullable Instant zoned(String s) {
    for (DateTimeFormatter f : ZONED) {
      if (!fits(f, s)) {
        continue;
      }
      try {
        return f.parse(s, ZonedDateTime::from).toInstant();
      } catch (DateTimeException ignored) {
        // try the next format
      }
    }
    return null;
  }

  private @Nullable Instant naive(String s) {
    for (DateTimeFormatter f : NAIVE) {
      if (!fits(f, s)) {
        continue;
      }
      try {
        return f.parse(s, LocalDateTime::from).atZone(legacyZone).toInstant();
      } catch (DateTimeException ignored) {
        // try the next format
      }
    }
    return null;
  }

  /** d/m/y when the first part can only be a day, m/d/y when the second can only be; a == b reads either way. */
  private @Nullable Instant slashed(int a, int b, int year, @Nullable String time) {
    int day = a > 12 ? a : b;
    int month = a > 12 ? b : a;
    try {
      LocalDate date = LocalDate.of(year, month, day);
      if (time == null) {
        return date.atStartOfDay(legacyZone).toInstant();
      }
      if (!NAIVE_TIME.matcher(time).matches()) {
        return null;
      }
      return LocalDateTime.parse(date + "T" + (time.length() == 5 ? time + ":00" : time)).atZone(legacyZone)
          .toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }
}
