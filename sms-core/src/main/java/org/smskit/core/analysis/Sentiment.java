package org.smskit.core.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;

/**
 * VADER's rules (Hutto &amp; Gilbert, ICWSM 2014), implemented for smskit from the paper's description: each
 * lexicon word's valence is adjusted by the words before it (boosters, dampeners, negations), by shouting and by
 * "but"; the sum is pushed further by exclamation and question marks and squashed into a compound score in -1..1.
 * Stateless and thread-safe.
 */
final class Sentiment {
  /** Added to a shouted sentiment word (or booster) when only some of the message is in capitals. */
  static final double CAPS_EMPHASIS = 0.733;
  /** A negated word's valence is multiplied by this: it flips and weakens ("not great" is not "terrible"). */
  static final double NEGATION = -0.74;
  static final double EXCLAMATION = 0.292;
  static final double QUESTION = 0.18;
  /** Compounds within this distance of 0 are neutral. */
  static final double NEUTRAL = 0.05;
  private static final double ALPHA = 15;
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
  private static final Set<String> WOULD = Set.of("i'd", "we'd", "you'd", "would");

  private final Lexicon lexicon;

  Sentiment(Lexicon lexicon) {
    this.lexicon = lexicon;
  }

  /** The valence (-4..4) of a token, or null when neither the lexicon nor smskit's own tables know it. */
  @Nullable Double valence(Token token) {
    return switch (token.kind()) {
      case EMOJI -> Vocabulary.EMOJI.get(token.text());
      case NUMBER -> null;
      default -> {
        Double valence = Vocabulary.SMS_VALENCES.get(token.lower());
        yield valence != null ? valence : lexicon.valence(token.text());
      }
    };
  }

  /** Whether the analyzer can read the token: it has a valence or is a common English word. */
  boolean known(Token token) {
    return valence(token) != null || Vocabulary.ENGLISH.contains(token.lower())
        || Vocabulary.BOOSTERS.containsKey(token.lower()) || Vocabulary.negates(token.lower());
  }

  /** The compound score of one message, -1..1. */
  double compound(String text) {
    // Modifiers look back within their sentence only: in "He didn't show up. Unacceptable" nothing negates
    // "Unacceptable".
    List<Token> tokens = new ArrayList<>();
    List<Integer> sentenceStarts = new ArrayList<>();
    for (String sentence : SENTENCE_END.split(text)) {
      sentenceStarts.add(tokens.size());
      tokens.addAll(Tokenizer.tokens(sentence));
    }
    int n = tokens.size();
    boolean someCaps = someButNotAllCaps(tokens);
    double[] valences = new double[n];
    for (int i = 0, sentence = 0; i < n; i++) {
      while (sentence + 1 < sentenceStarts.size() && sentenceStarts.get(sentence + 1) <= i) {
        sentence++;
      }
      valences[i] = valence(tokens, i, sentenceStarts.get(sentence), someCaps);
    }
    butClause(tokens, valences);
    double sum = 0;
    for (double valence : valences) {
      sum += valence;
    }
    return normalise(sum + Math.signum(sum) * punctuationEmphasis(text));
  }

  private double valence(List<Token> tokens, int i, int sentenceStart, boolean someCaps) {
    Token token = tokens.get(i);
    String word = token.lower();
    if (Vocabulary.BOOSTERS.containsKey(word)) {
      return 0; // a modifier of the next word, not a sentiment of its own
    }
    Double base = valence(token);
    if (base == null || base == 0) {
      return 0;
    }
    if (word.equals("no") && i + 1 < tokens.size() && valence(tokens.get(i + 1)) != null) {
      return 0; // "no problem": the "no" negates "problem" below and is not negative itself
    }
    if (word.equals("like") && i > sentenceStart && WOULD.contains(tokens.get(i - 1).lower())) {
      return 0; // "I'd like to pay": a request, not a liking
    }
    double valence = base;
    if (!token.isWord()) {
      return valence; // an emoji or emoticon is a signal of its own: "still nothing :(" does not negate the ":("
    }
    if (someCaps && token.caps()) {
      valence += Math.signum(valence) * CAPS_EMPHASIS;
    }
    for (int back = 1; back <= 3 && i - back >= sentenceStart; back++) {
      String before = tokens.get(i - back).lower();
      Double boost = Vocabulary.BOOSTERS.get(before);
      if (boost != null) {
        double scalar = boost * Math.signum(valence);
        if (someCaps && tokens.get(i - back).caps()) {
          scalar += Math.signum(valence) * CAPS_EMPHASIS;
        }
        // the further back the modifier, the less it counts
        valence += scalar * (back == 1 ? 1 : back == 2 ? 0.95 : 0.9);
      }
      if (Vocabulary.negates(before)) {
        valence *= negation(tokens, i, back);
      }
    }
    return valence;
  }

  /** What the negation {@code back} tokens before word {@code i} does to it. */
  private static double negation(List<Token> tokens, int i, int back) {
    String negation = tokens.get(i - back).lower();
    if (negation.equals("never") && back > 1) {
      // "never so good", "never had such good service": an intensifier, not a negation
      for (int j = i - back + 1; j < i; j++) {
        String between = tokens.get(j).lower();
        if (between.equals("so") || between.equals("this") || between.equals("such")) {
          return 1.25;
        }
      }
    }
    if (negation.equals("without") && tokens.get(i - back + 1).lower().equals("doubt")) {
      return 1; // "without doubt" affirms
    }
    return NEGATION;
  }

  /** "X but Y": what follows "but" is what the writer means, so it weighs three times what precedes it. */
  private static void butClause(List<Token> tokens, double[] valences) {
    for (int b = 0; b < tokens.size(); b++) {
      if (tokens.get(b).lower().equals("but")) {
        for (int i = 0; i < valences.length; i++) {
          valences[i] *= i < b ? 0.5 : i > b ? 1.5 : 1;
        }
        return;
      }
    }
  }

  /** Up to four "!" and, from two on, "?" make the message more intense, in whichever direction it leans. */
  private static double punctuationEmphasis(String text) {
    long bangs = text.chars().filter(c -> c == '!').count();
    long questions = text.chars().filter(c -> c == '?').count();
    double emphasis = Math.min(bangs, 4) * EXCLAMATION;
    if (questions > 1) {
      emphasis += questions <= 3 ? questions * QUESTION : 0.96;
    }
    return emphasis;
  }

  private static boolean someButNotAllCaps(List<Token> tokens) {
    int words = 0;
    int caps = 0;
    for (Token token : tokens) {
      if (token.isWord() && token.text().length() > 1) {
        words++;
        if (token.caps()) {
          caps++;
        }
      }
    }
    return caps > 0 && caps < words;
  }

  static double normalise(double sum) {
    double compound = sum / Math.sqrt(sum * sum + ALPHA);
    return Math.max(-1, Math.min(1, compound));
  }

  /** positive, negative or neutral, by the ±0.05 band. */
  static String polarity(double compound) {
    return compound >= NEUTRAL ? "positive" : compound <= -NEUTRAL ? "negative" : "neutral";
  }
}
