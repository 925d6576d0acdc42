package org.smskit.adopt;

import java.util.List;
import java.util.Map;

/**
 * The result of {@link LegacyAdoption#verify()}.
 *
 * @param lostValues per {@code table.column}: legacy values neither converted into smskit nor kept in residue (all
 *     zero after a complete adoption)
 * @param problems everything else found wrong (not cut over, constraints not validated, plaintext tokens)
 */
public record VerifyReport(Map<String, Long> lostValues, List<String> problems) {
  public VerifyReport {
    lostValues = Map.copyOf(lostValues);
    problems = List.copyOf(problems);
  }

  public long lost() {
    return lostValues.values().stream().mapToLong(Long::longValue).sum();
  }

  public boolean ok() {
    return lost() == 0 && problems.isEmpty();
  }
}
