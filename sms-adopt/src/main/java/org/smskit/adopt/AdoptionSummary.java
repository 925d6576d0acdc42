package org.smskit.adopt;

import java.util.List;
import java.util.Map;

/**
 * The result of {@link LegacyAdoption#adopt()}.
 *
 * @param rowsRead legacy rows per legacy table
 * @param rowsAdopted rows written to smskit per legacy table (this run and earlier, resumed ones)
 * @param rowsNotImportable rows kept whole in residue per legacy table
 * @param residue residue entries by table, column and reason (no examples)
 * @param conversationsSynthesised conversation rollups made for links the legacy rollup lacked
 * @param schemaVersion smskit's schema version afterwards, as a fresh install's
 * @param alreadyCutOver true when an earlier run had cut over, so this one changed nothing
 */
public record AdoptionSummary(Map<String, Long> rowsRead, Map<String, Long> rowsAdopted,
    Map<String, Long> rowsNotImportable, List<ColumnIssue> residue, long conversationsSynthesised,
    String schemaVersion, boolean alreadyCutOver) {
  public AdoptionSummary {
    rowsRead = Map.copyOf(rowsRead);
    rowsAdopted = Map.copyOf(rowsAdopted);
    rowsNotImportable = Map.copyOf(rowsNotImportable);
    residue = List.copyOf(residue);
  }
}
