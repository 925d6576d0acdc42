package org.smskit.core.analysis;

import java.util.List;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * What an analyzer concluded about one conversation.
 *
 * @param outcome {@link Outcome#ANALYZED}, or {@link Outcome#UNSUPPORTED_LANGUAGE} when the analyzer cannot read
 *     the conversation's language (then summary, key points and sentiment are empty: not guessed)
 * @param summary a few plain sentences, or null
 * @param keyPoints short facts, commitments or open questions, most important first (at most 10)
 * @param sentimentScore the customer's sentiment, -1 (negative) to 1 (positive), judged towards the end; null when
 *     not analysed
 * @param emotion an optional label ({@code anger}, {@code gratitude}...), lower case
 * @param intent an optional label ({@code question}, {@code complaint}, {@code opt_out}...), lower case
 * @param language the BCP-47 language read ({@code en}), or null when unknown
 * @param confidence 0 to 1, how much of the text the analyzer could read; null when it cannot say
 * @param model the model that ran ({@code lexicon}, {@code gpt-4o-mini-2024-07-18})
 * @param modelVersion its version ({@code 1}, the prompt version)
 * @param promptTokens tokens sent, 0 for local analyzers
 * @param completionTokens tokens received, 0 for local analyzers
 */
public record ConversationAnalysis(Outcome outcome, @Nullable String summary, List<String> keyPoints,
    @Nullable Double sentimentScore, @Nullable String emotion, @Nullable String intent, @Nullable String language,
    @Nullable Double confidence, String model, String modelVersion, int promptTokens, int completionTokens) {

  /** Whether the analyzer could read the conversation. */
  public enum Outcome {
    ANALYZED,
    UNSUPPORTED_LANGUAGE
  }

  public ConversationAnalysis {
    Require.nonNull(outcome, "outcome");
    keyPoints = List.copyOf(Require.nonNull(keyPoints, "key_points"));
    if (keyPoints.size() > 10) {
      throw new InvalidInputException("key_points", "at most 10");
    }
    if (sentimentScore != null && !(sentimentScore >= -1 && sentimentScore <= 1)) {
      throw new InvalidInputException("sentiment_score", "between -1 and 1");
    }
    if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
      throw new InvalidInputException("confidence", "between 0 and 1");
    }
    Require.nonNull(model, "model");
    Require.nonNull(modelVersion, "model_version");
    if (promptTokens < 0 || completionTokens < 0) {
      throw new InvalidInputException("tokens", "not negative");
    }
  }

  /** The result for a conversation in a language the analyzer cannot read. */
  public static ConversationAnalysis unsupportedLanguage(@Nullable String language, String model,
      String modelVersion) {
    return new ConversationAnalysis(Outcome.UNSUPPORTED_LANGUAGE, null, List.of(), null, null, null, language, null,
        model, modelVersion, 0, 0);
  }
}
