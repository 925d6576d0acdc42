package org.smskit.jooq.repository;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.smskit.core.InvalidInputException;

/**
 * A keyset position: the sort instant and the row id that breaks ties. Encoded as opaque URL-safe text; the
 * instant is kept to the microsecond because that is what PostgreSQL stores.
 */
record Cursor(Instant at, UUID id) {

  Cursor {
    at = at.truncatedTo(ChronoUnit.MICROS);
  }

  String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
    String raw = micros + "/" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  static Cursor decode(String text) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
      int slash = raw.indexOf('/');
      long micros = Long.parseLong(raw.substring(0, slash));
      return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(raw.substring(slash + 1)));
    } catch (RuntimeException e) {
      throw new InvalidInputException("cursor", "is not a cursor returned by this listing", e);
    }
  }
}
