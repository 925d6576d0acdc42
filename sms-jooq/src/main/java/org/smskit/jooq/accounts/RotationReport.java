package org.smskit.jooq.accounts;

import java.util.List;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;

/**
 * What {@link org.smskit.jooq.SmsService#rotateCredentials()} did for one tenant.
 *
 * @param rewritten values (auth tokens and secret settings) re-encrypted under the active key and written
 * @param unreadable values that could not be decrypted (their key is no longer held, or differs from the key
 *     that encrypted them) and were left as they were
 * @param unreadableAccounts the sender accounts holding those values, each once, oldest first
 * @param unreadableAnalyzerSecrets the names of the tenant's analyzer secrets among those values (an API key of a
 *     remote conversation analyzer, {@code analytics().useAnalyzer})
 */
public record RotationReport(int rewritten, int unreadable, List<UUID> unreadableAccounts,
    List<String> unreadableAnalyzerSecrets) {

  public RotationReport {
    if (rewritten < 0 || unreadable < 0) {
      throw new InvalidInputException("rewritten", "counts must not be negative");
    }
    unreadableAccounts = List.copyOf(Require.nonNull(unreadableAccounts, "unreadable_accounts"));
    unreadableAnalyzerSecrets = List.copyOf(Require.nonNull(unreadableAnalyzerSecrets,
        "unreadable_analyzer_secrets"));
  }

  /** This report with the tenant's analyzer secrets added: {@code rewritten} of them, {@code unreadable} not. */
  public RotationReport withAnalyzerSecrets(int rewrittenSecrets, List<String> unreadableSecrets) {
    return new RotationReport(rewritten + rewrittenSecrets, unreadable + unreadableSecrets.size(),
        unreadableAccounts, unreadableSecrets);
  }

  /**
   * True when every value could be read: once true for every tenant, no stored value needs an old key, which
   * may then be retired. While false, the keys of the unreadable values must be found (or the tokens set again).
   */
  public boolean complete() {
    return unreadable == 0;
  }
}
