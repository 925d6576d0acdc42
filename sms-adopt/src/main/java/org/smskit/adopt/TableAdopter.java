package org.smskit.adopt;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.smskit.core.Nullable;

/**
 * How one legacy table becomes one smskit table: the legacy columns it reads, the target columns it writes (with
 * their SQL types, for the set-based insert), and the conversion of a row. Subclasses live in {@link Tables}.
 */
abstract class TableAdopter {
  /** Target column with the SQL type its text is cast to. */
  record Column(String name, String type) {}

  final String legacyTable;
  final String targetTable;
  final List<String> legacyColumns;
  final List<Column> targetColumns;

  TableAdopter(String legacyTable, String targetTable, List<String> legacyColumns, String targetColumns) {
    this.legacyTable = legacyTable;
    this.targetTable = targetTable;
    this.legacyColumns = legacyColumns;
    this.targetColumns = java.util.Arrays.stream(targetColumns.trim().split("\\s*,\\s*"))
        .map(c -> c.split("\\s+")).map(p -> new Column(p[0], p[1])).toList();
  }

  /** Loads what the batch's rows refer to (parents, message times) before {@link #convert}. */
  void prepare(Context context, List<LegacyRow> rows) throws SQLException {}

  /**
   * The target row (values in {@link #targetColumns} order, without tenant_id), or null when the row cannot be
   * imported (the caller keeps the whole row, with {@link #why}).
   */
  abstract @Nullable Object[] convert(Context context, LegacyRow row, Residue residue);

  /** Extra statements a batch needs before its rows are inserted (messages: synthesised conversations). */
  void beforeInsert(Context context) throws SQLException {}

  /** Why the last {@link #convert} returned null. */
  String why = Residue.NOT_IMPORTABLE;

  // Conversion helpers shared by the tables ------------------------------------------------------------------

  @Nullable
  Instant timestamp(Context c, LegacyRow row, String column, Residue residue) {
    return residue.keep(legacyTable, row.id(), column, row.get(column), c.timestamps.parse(row.get(column)));
  }

  /**
   * A NOT NULL timestamp: the value, else the first fallback, else the adoption's start. The original (or its
   * absence) is kept with why it was filled.
   */
  Instant requiredTimestamp(Context c, LegacyRow row, String column, Residue residue, @Nullable Instant... fallbacks) {
    String raw = row.get(column);
    Converted<Instant> converted = c.timestamps.parse(raw);
    if (converted.value() != null) {
      return residue.keep(legacyTable, row.id(), column, raw, converted);
    }
    String why = raw == null ? "missing" : converted.reason();
    for (Instant fallback : fallbacks) {
      if (fallback != null) {
        residue.add(legacyTable, row.id(), column, raw, why + "; filled from another timestamp");
        return fallback;
      }
    }
    residue.add(legacyTable, row.id(), column, raw, why + "; filled with the adoption time");
    return c.startedAt;
  }

  /** Lower-cased, trimmed value of a closed set; a respelling is normalised; outside the set, the fallback. */
  @Nullable
  String oneOf(LegacyRow row, String column, Residue residue, Set<String> allowed, @Nullable String fallback) {
    String raw = row.get(column);
    if (raw == null) {
      return fallback;
    }
    String value = raw.strip().toLowerCase(Locale.ROOT);
    if (allowed.contains(value)) {
      if (!value.equals(raw)) {
        residue.add(legacyTable, row.id(), column, raw, Converted.NORMALISED);
      }
      return value;
    }
    residue.add(legacyTable, row.id(), column, raw, fallback == null ? "unrecognised" : "unrecognised, defaulted");
    return fallback;
  }

  @Nullable
  Integer integer(LegacyRow row, String column, Residue residue, int min, int max) {
    String raw = row.get(column);
    if (raw == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
      residue.add(legacyTable, row.id(), column, raw, "out of range");
    } catch (NumberFormatException e) {
      residue.add(legacyTable, row.id(), column, raw, "not a number");
    }
    return null;
  }

  @Nullable
  BigDecimal decimal(LegacyRow row, String column, Residue residue, BigDecimal min, BigDecimal max) {
    String raw = row.get(column);
    if (raw == null) {
      return null;
    }
    try {
      BigDecimal value = new BigDecimal(raw.strip());
      if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
        return value;
      }
      residue.add(legacyTable, row.id(), column, raw, "out of range");
    } catch (NumberFormatException e) {
      residue.add(legacyTable, row.id(), column, raw, "not a number");
    }
    return null;
  }

  /** Text that the target requires non-blank: null when blank (the original kept). */
  @Nullable
  String nonBlank(LegacyRow row, String column, Residue residue) {
    String raw = row.get(column);
    if (raw != null && raw.isBlank()) {
      residue.add(legacyTable, row.id(), column, raw, "blank");
      return null;
    }
    return raw;
  }

  @Nullable
  Object[] notImportable(String reason) {
    why = Residue.NOT_IMPORTABLE + ": " + reason;
    return null;
  }
}
