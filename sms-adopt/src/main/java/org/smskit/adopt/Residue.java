package org.smskit.adopt;

import java.util.ArrayList;
import java.util.List;
import org.smskit.core.Nullable;

/**
 * The originals a batch keeps: one entry per (table, row, column). Column {@code *} holds a whole row that could
 * not be imported, as JSON. Written in the batch's transaction, so that a batch and its residue commit together.
 */
final class Residue {
  /** The column name of a whole row kept because it could not be imported. */
  static final String WHOLE_ROW = "*";
  static final String NOT_IMPORTABLE = "row not importable";

  record Entry(String table, String rowId, String column, @Nullable String raw, String reason) {}

  final List<Entry> entries = new ArrayList<>();

  void add(String table, String rowId, String column, @Nullable String raw, String reason) {
    entries.add(new Entry(table, rowId, column, raw, reason));
  }

  /** Records the original when the conversion asks for it; returns the converted value. */
  <T> @Nullable T keep(String table, String rowId, String column, @Nullable String raw, Converted<T> converted) {
    if (converted.keepsOriginal()) {
      add(table, rowId, column, raw, converted.reason());
    }
    return converted.value();
  }
}
