package org.smskit.core.analysis;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;

/** The optional emotion and intent labels, from cue words: null when no cue fires, never a guess. */
final class Labels {
  private Labels() {}

  /** Emotions with their cue words (after slang normalisation) and emoji; positive ones first. */
  private static final Map<String, Set<String>> EMOTION_CUES = Map.of(
      "gratitude", Set.of("thanks", "thank", "appreciate", "appreciated", "grateful", "thankful", "cheers", "🙏"),
      "joy", Set.of("happy", "glad", "great", "love", "loved", "amazing", "awesome", "excellent", "perfect",
          "wonderful", "fantastic", "yay", "excited", "delighted", "pleased", "brilliant", "😀", "😃", "😄", "😁",
          "😊", "😍", "🥰", "🎉", "🥳", "😂", "❤"),
      "anger", Set.of("angry", "furious", "mad", "outraged", "livid", "pissed", "ridiculous", "unacceptable",
          "outrageous", "disgrace", "disgusting", "scam", "wtf", "ffs", "worst", "😡", "😠", "🤬"),
      "frustration", Set.of("frustrated", "frustrating", "annoyed", "annoying", "irritated", "irritating", "ugh",
          "smh", "useless", "tired", "😤", "😫", "😩", "🙄", "😒"),
      "confusion", Set.of("confused", "confusing", "unclear", "puzzled", "huh", "🤔", "😕"),
      "fear", Set.of("worried", "afraid", "scared", "nervous", "anxious", "concerned", "panic", "😨", "😰", "😱"),
      "sadness", Set.of("sad", "disappointed", "disappointing", "unhappy", "upset", "heartbroken", "😞", "😢",
          "😭", "☹", "🙁", "😔", "💔"));

  /** Cues of more than one word, matched in the lower-cased text. */
  private static final Map<String, String> PHRASE_CUES = Map.of(
      "fed up", "frustration", "sick of", "frustration", "still waiting", "frustration", "third time",
      "frustration", "don't understand", "confusion", "do not understand", "confusion", "makes no sense",
      "confusion", "not sure", "confusion", "what do you mean", "confusion");

  /** Tie-break order when cues are even and the sentiment does not decide. */
  private static final List<String> EMOTIONS =
      List.of("anger", "frustration", "sadness", "fear", "confusion", "gratitude", "joy");
  private static final Set<String> POSITIVE = Set.of("gratitude", "joy");
  private static final Set<String> NEGATIVE = Set.of("anger", "frustration", "sadness", "fear");

  /**
   * The customer's emotion: cues in the given messages, later messages weighing more; a negated cue ("not happy")
   * does not count. Even cues are decided by the sentiment's sign.
   */
  static @Nullable String emotion(List<String> texts, double sentiment) {
    Map<String, Double> weights = new HashMap<>();
    for (int m = 0; m < texts.size(); m++) {
      double weight = m + 1;
      String lower = texts.get(m).toLowerCase(Locale.ROOT).replace('\u2019', '\'');
      PHRASE_CUES.forEach((phrase, emotion) -> {
        if (lower.contains(phrase)) {
          weights.merge(emotion, weight, Double::sum);
        }
      });
      List<Token> tokens = Tokenizer.tokens(texts.get(m));
      for (int i = 0; i < tokens.size(); i++) {
        String word = tokens.get(i).lower();
        for (Map.Entry<String, Set<String>> cues : EMOTION_CUES.entrySet()) {
          if (cues.getValue().contains(word) && !negated(tokens, i)) {
            weights.merge(cues.getKey(), weight, Double::sum);
          }
        }
      }
    }
    String best = null;
    for (String emotion : EMOTIONS) {
      double weight = weights.getOrDefault(emotion, 0.0);
      if (weight == 0) {
        continue;
      }
      double bestWeight = best == null ? 0 : weights.get(best);
      if (weight > bestWeight || (weight == bestWeight && agrees(emotion, sentiment) && !agrees(best, sentiment))) {
        best = emotion;
      }
    }
    return best;
  }

  private static boolean agrees(String emotion, double sentiment) {
    return sentiment >= Sentiment.NEUTRAL ? POSITIVE.contains(emotion)
        : sentiment <= -Sentiment.NEUTRAL ? NEGATIVE.contains(emotion) : false;
  }

  private static boolean negated(List<Token> tokens, int i) {
    for (int back = 1; back <= 3 && i - back >= 0; back++) {
      if (Vocabulary.negates(tokens.get(i - back).lower())) {
        return true;
      }
    }
    return false;
  }

  /** Carrier opt-out keywords when they are the whole message. */
  private static final Set<String> OPT_OUT_KEYWORDS =
      Set.of("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "opt-out");
  /**
   * Opt-out requests inside a message: "unsubscribe", "opt out", STOP in capitals (the carrier keyword), and a
   * lower-case "stop" only before a messaging verb ("stop texting me"), so that "it won't stop crashing" is not one.
   */
  private static final Pattern OPT_OUT = Pattern.compile("(?i:\\b(?:unsubscribe|opt[- ]?out)\\b)|\\bSTOP\\b"
      + "|(?i:\\bstop\\s+(?:\\w+\\s+)?(?:texting|messaging|sending|contacting|texts|messages|calling|emailing)\\b)");
  private static final Set<String> WH_WORDS =
      Set.of("what", "when", "where", "which", "who", "whom", "whose", "why", "how");
  private static final Set<String> COMPLAINT_CUES = Set.of("complaint", "complain", "refund", "broken", "damaged",
      "wrong", "late", "missing", "never", "worst", "terrible", "awful", "unacceptable", "charged", "overcharged",
      "lost", "cancelled", "canceled", "disappointed", "rude", "useless", "delay", "delayed", "problem", "issue",
      "faulty", "still", "again", "nobody", "ridiculous", "scam", "money", "not");
  private static final Set<String> THANKS_CUES = Set.of("thanks", "thank", "appreciate", "appreciated", "cheers",
      "grateful", "🙏");

  /**
   * The intent of the customer's last message: {@code opt_out} (carrier keywords, "stop texting me"),
   * {@code question}, {@code complaint} (a complaint word in a negative message), {@code thanks}; else null.
   */
  static @Nullable String intent(String lastInbound, double sentiment) {
    String bare = lastInbound.replaceAll("[\\p{Punct}\\s]+", " ").trim().toLowerCase(Locale.ROOT);
    if (OPT_OUT_KEYWORDS.contains(bare) || OPT_OUT.matcher(lastInbound).find()) {
      return "opt_out";
    }
    List<Token> tokens = Tokenizer.tokens(lastInbound);
    if (lastInbound.indexOf('?') >= 0 || (!tokens.isEmpty() && WH_WORDS.contains(tokens.get(0).lower()))) {
      return "question";
    }
    if (sentiment <= -Sentiment.NEUTRAL && tokens.stream().anyMatch(t -> COMPLAINT_CUES.contains(t.lower()))) {
      return "complaint";
    }
    if (tokens.stream().anyMatch(t -> THANKS_CUES.contains(t.lower()))) {
      return "thanks";
    }
    return null;
  }
}
