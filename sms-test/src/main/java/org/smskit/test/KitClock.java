package org.smskit.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/** The kit's clock: the builder's clock moved on by what {@link SmsTestKit#advanceClock} added. */
final class KitClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset;

  KitClock(Clock base) {
    this(base, new AtomicReference<>(Duration.ZERO));
  }

  private KitClock(Clock base, AtomicReference<Duration> offset) {
    this.base = base;
    this.offset = offset;
  }

  void advance(Duration by) {
    offset.updateAndGet(o -> o.plus(by));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new KitClock(base.withZone(zone), offset);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }
}
