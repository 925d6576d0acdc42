package org.smskit.micrometer;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The meters of one name, by a provider's (or analyzer's) name and a column computed from the event's enums: after
 * the first event of a kind, finding its meter is a map lookup and an array read, with no allocation.
 */
final class MeterTable<M> {
  /** What a provider or analyzer name must look like to become a tag value; anything else is {@link #OTHER}. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,31}");
  /** More names than any installation has providers and analyzers: beyond it, new names share one row. */
  static final int MAX_NAMES = 32;
  static final String OTHER = "other";

  /** Registers (or finds: registries return the meter already registered under the same id) one meter. */
  @FunctionalInterface
  interface Factory<M> {
    M create(String name, int column);
  }

  private final ConcurrentHashMap<String, AtomicReferenceArray<M>> rows = new ConcurrentHashMap<>();
  private final int width;
  private final Factory<M> factory;

  MeterTable(int width, Factory<M> factory) {
    this.width = width;
    this.factory = factory;
  }

  M get(String name, int column) {
    String key = name;
    AtomicReferenceArray<M> row = rows.get(name);
    if (row == null) {
      // Rows are kept only under valid names (and "other"): an invalid name always lands here, and in "other".
      key = rows.size() >= MAX_NAMES ? OTHER : tagValue(name);
      row = rows.computeIfAbsent(key, k -> new AtomicReferenceArray<>(width));
    }
    M meter = row.get(column);
    if (meter == null) {
      // Two threads may both create it: the registry hands both the same meter.
      meter = factory.create(key, column);
      row.set(column, meter);
    }
    return meter;
  }

  /** {@code name} as a tag value: the SPI promises bounded names; anything that does not look like one is "other". */
  static String tagValue(String name) {
    return name != null && NAME.matcher(name).matches() ? name : OTHER;
  }

  /** An enum constant as a tag value: lower case. */
  static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
