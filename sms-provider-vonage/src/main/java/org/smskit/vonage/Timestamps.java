package org.smskit.vonage;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;

/** The time formats and references Vonage's webhooks carry. */
final class Timestamps {
  /** SMS API {@code message-timestamp}: {@code 2020-01-01 12:00:00}, UTC. */
  private static final DateTimeFormatter SMS_API = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  /** SMS API {@code scts}, the carrier's time: {@code 2001011400} is 2020-01-01 14:00 (zone undocumented). */
  private static final DateTimeFormatter SCTS = DateTimeFormatter.ofPattern("yyMMddHHmm");

  private Timestamps() {}

  static Optional<Instant> smsApi(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(value.strip(), SMS_API).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return iso(value);
    }
  }

  static Optional<Instant> scts(@Nullable String value) {
    if (value == null || !value.strip().matches("[0-9]{10}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(value.strip(), SCTS).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Messages API {@code timestamp}: ISO 8601 with an offset ({@code 2020-01-01T14:00:00.000Z}). */
  static Optional<Instant> iso(@Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value.strip()).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Our message id from a client reference we set; null when the reference is someone else's. */
  static @Nullable UUID clientReference(@Nullable String value) {
    if (value == null || value.strip().length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(value.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
