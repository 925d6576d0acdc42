package org.smskit.core.analysis;

/**
 * Reads the recent messages of one conversation and says what it is about: a summary, key points, the customer's
 * sentiment and, optionally, emotion and intent labels. Implementations are created by a {@link
 * ConversationAnalyzerFactory}, called from one worker thread at a time per instance, and never on the send or
 * webhook path. A remote implementation may block on the network; smskit calls it outside any transaction.
 */
public interface ConversationAnalyzer extends AutoCloseable {

  /** The factory name that made it ({@code lexicon}, {@code openai}). */
  String name();

  /**
   * What, besides the messages, decides the result: the implementation's version, its prompt or rules version and
   * the model it asks for ({@code lexicon/1}, {@code openai/prompt-2/gpt-4o-mini}). Part of the input fingerprint
   * under which a result is cached: change it and every conversation is analysed again.
   */
  String fingerprint();

  /**
   * Analyses one conversation.
   *
   * @throws AnalysisException when no result could be had (say whether trying again may help)
   */
  ConversationAnalysis analyze(AnalysisRequest request);

  /** Releases what the analyzer holds (HTTP connections); idempotent. Default: nothing. */
  @Override
  default void close() {}
}
