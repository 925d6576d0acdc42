package org.smskit.core.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;
import org.smskit.core.model.Direction;

/**
 * An extractive summary: the conversation's most informative sentences, as written, in their original order and
 * each prefixed with who wrote it. A sentence scores the mean RAKE score of its words (stop words score 0), more
 * for a question and for the customer's last message, which is usually what the business must act on.
 */
final class Summary {
  static final int MAX_SENTENCE_CHARS = 200;
  static final double QUESTION_BONUS = 1.2;
  static final double LAST_CUSTOMER_BONUS = 1.2;
  /** The mean is taken over at least this many words, so "Thursday is fine." does not win on density alone. */
  static final int MIN_LENGTH = 6;

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\n+");

  private record Sentence(int position, Direction direction, String text, double score) {}

  private Summary() {}

  static @Nullable String of(List<AnalysisMessage> messages, Map<String, Double> wordScores, int sentences) {
    int lastInbound = -1;
    for (int m = 0; m < messages.size(); m++) {
      if (messages.get(m).direction() == Direction.INBOUND) {
        lastInbound = m;
      }
    }
    List<Sentence> candidates = new ArrayList<>();
    for (int m = 0; m < messages.size(); m++) {
      for (String raw : SENTENCE_END.split(messages.get(m).text())) {
        String text = raw.strip().replaceAll("\\s+", " ");
        double words = 0;
        double sum = 0;
        for (Token token : Tokenizer.tokens(text)) {
          if (token.isWord()) {
            words++;
            sum += wordScores.getOrDefault(token.lower(), 0.0);
          }
        }
        if (words == 0 || candidates.stream().anyMatch(s -> s.text().equalsIgnoreCase(text))) {
          continue; // nothing to read (an emoji, a number) or said already
        }
        double score = sum / Math.max(words, MIN_LENGTH) * (text.contains("?") ? QUESTION_BONUS : 1)
            * (m == lastInbound ? LAST_CUSTOMER_BONUS : 1);
        candidates.add(new Sentence(candidates.size(), messages.get(m).direction(), text, score));
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    List<String> lines = candidates.stream()
        .sorted(Comparator.comparingDouble(Sentence::score).reversed().thenComparingInt(Sentence::position))
        .limit(sentences)
        .sorted(Comparator.comparingInt(Sentence::position))
        .map(s -> (s.direction() == Direction.INBOUND ? "Customer: " : "Business: ") + trim(s.text()))
        .toList();
    return String.join("\n", lines);
  }

  private static String trim(String sentence) {
    return sentence.length() <= MAX_SENTENCE_CHARS ? sentence
        : sentence.substring(0, MAX_SENTENCE_CHARS - 1).strip() + "…";
  }
}
