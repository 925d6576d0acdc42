package org.smskit.core.analysis;

import java.util.ArrayList;
import java.util.List;
import org.smskit.core.model.Direction;

/**
 * The offline analyzer: VADER sentiment, RAKE key points, an extractive summary and cue-word labels, all local and
 * deterministic. English only: other languages get {@link ConversationAnalysis#unsupportedLanguage}. Immutable and
 * thread-safe; the lexicon is shared by every instance.
 */
final class LexiconAnalyzer implements ConversationAnalyzer {
  static final String NAME = "lexicon";
  /** Bump when a rule or word list changes what the analyzer concludes: cached results are then recomputed. */
  static final String VERSION = "1";

  private final int maxKeyPoints;
  private final int summarySentences;

  LexiconAnalyzer(int maxKeyPoints, int summarySentences) {
    this.maxKeyPoints = maxKeyPoints;
    this.summarySentences = summarySentences;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String fingerprint() {
    return NAME + "/" + VERSION + "/maxKeyPoints=" + maxKeyPoints + ",summarySentences=" + summarySentences;
  }

  @Override
  public ConversationAnalysis analyze(AnalysisRequest request) {
    List<AnalysisMessage> messages = request.messages().stream().filter(m -> !m.text().isBlank()).toList();
    if (messages.isEmpty()) {
      return new ConversationAnalysis(ConversationAnalysis.Outcome.ANALYZED, null, List.of(), null, null, null, null,
          0.0, NAME, VERSION, 0, 0);
    }
    Lexicon lexicon = Lexicon.get();
    List<String> texts = messages.stream().map(AnalysisMessage::text).toList();
    LanguageCheck.Verdict language = LanguageCheck.check(texts, lexicon);
    if (!language.english()) {
      return ConversationAnalysis.unsupportedLanguage(language.language(), NAME, VERSION);
    }
    Sentiment sentiment = new Sentiment(lexicon);
    // the sentiment is the customer's; a conversation the business alone wrote is judged by what it wrote
    List<String> customer = textsOf(messages, Direction.INBOUND);
    if (customer.isEmpty()) {
      customer = textsOf(messages, Direction.OUTBOUND);
    }
    double score = round(recencyWeighted(customer, sentiment), 1000);

    KeyPhrases.Rake rake = KeyPhrases.rake(texts);
    List<String> keyPoints = KeyPhrases.keyPoints(KeyPhrases.facts(texts), rake.phrases(), maxKeyPoints);
    String summary = Summary.of(messages, rake.wordScores(), summarySentences);
    String emotion = Labels.emotion(customer, score);
    List<String> inbound = textsOf(messages, Direction.INBOUND);
    String intent = null;
    if (!inbound.isEmpty()) {
      String last = inbound.get(inbound.size() - 1);
      intent = Labels.intent(last, sentiment.compound(last));
    }
    return new ConversationAnalysis(ConversationAnalysis.Outcome.ANALYZED, summary, keyPoints, score, emotion,
        intent, "en", confidence(texts, sentiment, score), NAME, VERSION, 0, 0);
  }

  /** The mean of the messages' compounds weighted 1, 2, 3...: where the conversation ended matters most. */
  static double recencyWeighted(List<String> texts, Sentiment sentiment) {
    double sum = 0;
    double weights = 0;
    for (int i = 0; i < texts.size(); i++) {
      sum += (i + 1) * sentiment.compound(texts.get(i));
      weights += i + 1;
    }
    return weights == 0 ? 0 : Math.max(-1, Math.min(1, sum / weights));
  }

  /**
   * How much of the text the analyzer could read (the share of tokens it knows), discounted when the score is near
   * neutral: a weak score from well-read text is still a weak signal.
   */
  private static double confidence(List<String> texts, Sentiment sentiment, double score) {
    int tokens = 0;
    int known = 0;
    for (String text : texts) {
      for (Token token : Tokenizer.tokens(text)) {
        if (token.kind() != Token.Kind.NUMBER) {
          tokens++;
          if (sentiment.known(token)) {
            known++;
          }
        }
      }
    }
    double read = tokens == 0 ? 0 : (double) known / tokens;
    return round(Math.max(0, Math.min(1, read * Math.min(1, 0.5 + Math.abs(score)))), 100);
  }

  private static List<String> textsOf(List<AnalysisMessage> messages, Direction direction) {
    List<String> texts = new ArrayList<>();
    for (AnalysisMessage message : messages) {
      if (message.direction() == direction) {
        texts.add(message.text());
      }
    }
    return texts;
  }

  private static double round(double value, int scale) {
    return Math.round(value * scale) / (double) scale;
  }
}
