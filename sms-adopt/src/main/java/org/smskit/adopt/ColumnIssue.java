package org.smskit.adopt;

import java.util.List;

/**
 * Values of one legacy column kept for one reason: how many, and a few examples (row id and original).
 *
 * @param table the legacy table (lower case)
 * @param column the legacy column, or {@code *} for whole rows that cannot be imported
 * @param reason why the originals are kept ({@code normalised} values did convert)
 */
public record ColumnIssue(String table, String column, String reason, long count, List<String> examples) {
  public ColumnIssue {
    examples = List.copyOf(examples);
  }

  /** True for values that converted and are kept only because their spelling changed. */
  public boolean converted() {
    return reason.equals(Converted.NORMALISED);
  }
}
