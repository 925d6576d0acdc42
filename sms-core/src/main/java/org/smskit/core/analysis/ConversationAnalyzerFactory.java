package org.smskit.core.analysis;

import java.util.Set;

/**
 * Creates analyzers of one kind; the type {@link java.util.ServiceLoader} discovers. Implementations need a public
 * no-argument constructor and a line in {@code META-INF/services/org.smskit.core.analysis.ConversationAnalyzerFactory}.
 */
public interface ConversationAnalyzerFactory {

  /** The SPI name, lower case, unique among installed analyzers ({@code lexicon}, {@code openai}). */
  String name();

  /**
   * An analyzer configured from {@code config}.
   *
   * @throws org.smskit.core.InvalidInputException naming the setting and the rule broken (unknown keys refused)
   */
  ConversationAnalyzer create(AnalyzerConfig config);

  /** Names of the settings that are secrets (an API key): stored encrypted, passed decrypted. Default: none. */
  default Set<String> secretSettings() {
    return Set.of();
  }
}
