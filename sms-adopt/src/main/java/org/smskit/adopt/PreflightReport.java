package org.smskit.adopt;

import java.util.List;
import java.util.Map;

/**
 * What an adoption would meet: legacy row counts, the values that will not convert (or will be respelled) per
 * column with examples, conversation links without a rollup (to be synthesised), and plaintext tokens. Unique-key
 * collisions (two contacts with one phone once normalised) show only in a dry run, which writes.
 */
public record PreflightReport(Map<String, Long> rows, List<ColumnIssue> issues, long orphanConversations,
    long plaintextTokens, List<String> missingTables) {
  public PreflightReport {
    rows = Map.copyOf(rows);
    issues = List.copyOf(issues);
    missingTables = List.copyOf(missingTables);
  }

  /** Values that will not convert (NULL or filled in smskit, original kept), all columns. */
  public long unconverted() {
    return issues.stream().filter(i -> !i.converted()).mapToLong(ColumnIssue::count).sum();
  }
}
