package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered ids (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. New rows land at
 * the right edge of their indexes instead of random pages, and {@code sms_messages} can later be partitioned by
 * ranges of {@code id} (the first bits are the month) without changing any key.
 */
public final class Ids {
  private Ids() {}

  /** A new id for the current instant. */
  public static UUID newId() {
    return newId(System.currentTimeMillis());
  }

  /** A new id whose time part is {@code epochMillis}. */
  public static UUID newId(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  /** The instant encoded in a version 7 id. */
  public static Instant timeOf(UUID id) {
    if (id.version() != 7) {
      throw new IllegalArgumentException("not a version 7 UUID: " + id);
    }
    return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
  }
}
