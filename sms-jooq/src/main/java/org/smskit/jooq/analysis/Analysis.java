package org.smskit.jooq.analysis;

import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.AnalysisRequest;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calling an analyzer: what its answers and failures mean to the worker and to on-demand analysis. */
final class Analysis {
  private static final Logger log = LoggerFactory.getLogger(Analysis.class);

  private Analysis() {}

  /**
   * The analyzer's result for {@code window}. An analyzer that throws anything but {@link AnalysisException} has a
   * bug: it is logged and treated as a failure that retrying will not mend.
   */
  static ConversationAnalysis run(ConversationAnalyzer analyzer, String conversationId, AnalysisQueue.Window window) {
    try {
      return analyzer.analyze(new AnalysisRequest(conversationId, window.messages()));
    } catch (AnalysisException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("smskit analyzer '{}' threw {} instead of an AnalysisException", analyzer.name(), e.toString());
      throw new AnalysisException("analyzer_error", "the analyzer failed: " + e.getClass().getName(), false, null,
          e);
    }
  }

  /** The audit outcome of a result. */
  static String outcome(ConversationAnalysis analysis) {
    return analysis.outcome() == ConversationAnalysis.Outcome.ANALYZED ? "analyzed" : "unsupported_language";
  }
}
