package org.smskit.core.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key points of a conversation: the facts a reader looks for (order and reference numbers, amounts, dates), found
 * by pattern, then the salient phrases found by RAKE (Rose et al. 2010, "Automatic keyword extraction from
 * individual documents"): candidate phrases are the runs of words between stop words and punctuation, a word
 * scores its degree (the words it co-occurs with in phrases, itself included) over its frequency, and a phrase
 * the sum of its words' scores.
 */
final class KeyPhrases {
  static final int MAX_PHRASE_WORDS = 4;

  private static final Pattern FRAGMENT_END = Pattern.compile("[.,;:!?()\\[\\]{}\"“”/\\\\|\\n]+|\\s[-–—]\\s");
  private static final Pattern REFERENCE = Pattern.compile("(?i)\\b(order|ref|reference|booking|ticket|invoice|case"
      + "|tracking|confirmation|account)\\b(?:\\s*(?:no\\.?|nr\\.?|number|num|id|code))?(?:\\s*(?:is|:))?\\s*#?\\s*"
      + "([a-z0-9][a-z0-9-]*\\d[a-z0-9-]*)\\b");
  private static final Pattern HASH_NUMBER = Pattern.compile("(?<![\\w#])#(\\d{3,})\\b");
  private static final Pattern AMOUNT = Pattern.compile("(?i)[$€£]\\s?\\d+(?:[.,]\\d{1,2})?\\b"
      + "|\\b\\d+(?:[.,]\\d{1,2})?\\s?(?:eur|usd|gbp|chf|euros?|dollars?|pounds?)\\b|\\b\\d+(?:[.,]\\d{1,2})?\\s?[€£]");
  private static final String MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*";
  private static final Pattern DATE = Pattern.compile("(?i)\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?\\b"
      + "|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?" + MONTH + "\\b"
      + "|\\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b"
      + "|\\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\\b");

  /** The RAKE result: each word's score and the distinct phrases, best first. */
  record Rake(Map<String, Double> wordScores, List<String> phrases) {}

  private KeyPhrases() {}

  /** RAKE over all texts of a conversation. */
  static Rake rake(List<String> texts) {
    Map<String, Integer> frequency = new HashMap<>();
    Map<String, Integer> degree = new HashMap<>();
    Map<String, Integer> occurrences = new LinkedHashMap<>(); // first occurrence order breaks ties
    for (String text : texts) {
      for (List<String> phrase : candidates(text)) {
        for (String word : phrase) {
          frequency.merge(word, 1, Integer::sum);
          degree.merge(word, phrase.size(), Integer::sum);
        }
        occurrences.merge(String.join(" ", phrase), 1, Integer::sum);
      }
    }
    Map<String, Double> wordScores = new HashMap<>();
    frequency.forEach((word, f) -> wordScores.put(word, (double) degree.get(word) / f));
    List<String> phrases = new ArrayList<>(occurrences.keySet());
    Map<String, Double> phraseScores = new HashMap<>();
    for (String phrase : phrases) {
      double score = 0;
      for (String word : phrase.split(" ")) {
        score += wordScores.get(word);
      }
      phraseScores.put(phrase, score);
    }
    // stable sort: equal scores keep the phrase said more often, then the one said first
    phrases.sort((a, b) -> {
      int byScore = Double.compare(phraseScores.get(b), phraseScores.get(a));
      return byScore != 0 ? byScore : Integer.compare(occurrences.get(b), occurrences.get(a));
    });
    return new Rake(Map.copyOf(wordScores), List.copyOf(phrases));
  }

  /** Runs of 1 to 4 content words, lower case; numbers, emoji and stop words end a run. */
  static List<List<String>> candidates(String text) {
    List<List<String>> candidates = new ArrayList<>();
    for (String fragment : FRAGMENT_END.split(text)) {
      List<String> run = new ArrayList<>();
      for (Token token : Tokenizer.tokens(fragment)) {
        String word = token.lower();
        if (token.isWord() && word.length() > 1 && !Vocabulary.STOP_WORDS.contains(word)
            && !Vocabulary.negates(word) && !Vocabulary.BOOSTERS.containsKey(word)) {
          run.add(word);
        } else {
          end(run, candidates);
        }
      }
      end(run, candidates);
    }
    return candidates;
  }

  private static void end(List<String> run, List<List<String>> candidates) {
    if (!run.isEmpty() && run.size() <= MAX_PHRASE_WORDS) {
      candidates.add(List.copyOf(run));
    }
    run.clear();
  }

  /** Order and reference numbers ("order #12345"), amounts and dates, in the order they were first written. */
  static List<String> facts(List<String> texts) {
    Set<String> references = new LinkedHashSet<>();
    Set<String> ids = new HashSet<>();
    Set<String> amounts = new LinkedHashSet<>();
    Set<String> dates = new LinkedHashSet<>();
    for (String text : texts) {
      for (Matcher m = REFERENCE.matcher(text); m.find(); ) {
        if (ids.add(m.group(2).toUpperCase(Locale.ROOT))) {
          references.add(m.group(1).toLowerCase(Locale.ROOT) + " #" + m.group(2));
        }
      }
      for (Matcher m = HASH_NUMBER.matcher(text); m.find(); ) {
        if (ids.add(m.group(1))) {
          references.add("#" + m.group(1));
        }
      }
      for (Matcher m = AMOUNT.matcher(text); m.find(); ) {
        amounts.add(m.group().replaceAll("\\s+", " ").trim());
      }
      for (Matcher m = DATE.matcher(text); m.find(); ) {
        dates.add(m.group().replaceAll("\\s+", " ").trim());
      }
    }
    List<String> facts = new ArrayList<>(references);
    facts.addAll(amounts);
    dedupeIgnoringCase(dates, facts);
    return facts;
  }

  private static void dedupeIgnoringCase(Set<String> values, List<String> into) {
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      if (seen.add(value.toLowerCase(Locale.ROOT))) {
        into.add(value);
      }
    }
  }

  /** Whether one phrase is part of the other ("wednesday 2pm" and "wednesday 2pm works"). */
  private static boolean overlaps(String a, String b) {
    return (" " + a + " ").contains(" " + b + " ") || (" " + b + " ").contains(" " + a + " ");
  }

  /**
   * At most {@code max} key points: facts first, but up to half the places kept for phrases when there are any, so
   * a conversation full of numbers still says what it is about. A phrase whose words all appear in a fact ("order"
   * beside "order #12345") is left out, and so is one that is part of a better phrase.
   */
  static List<String> keyPoints(List<String> facts, List<String> phrases, int max) {
    Set<String> factWords = new HashSet<>();
    for (String fact : facts) {
      factWords.addAll(List.of(fact.toLowerCase(Locale.ROOT).split("[\\s#]+")));
    }
    List<String> salient = new ArrayList<>();
    for (String phrase : phrases) {
      if (!factWords.containsAll(List.of(phrase.split(" "))) && salient.stream().noneMatch(s -> overlaps(s, phrase))) {
        salient.add(phrase);
      }
    }
    int phraseSlots = Math.min(salient.size(), max / 2);
    List<String> points = new ArrayList<>(facts.subList(0, Math.min(facts.size(), max - phraseSlots)));
    for (int i = 0; i < salient.size() && points.size() < max; i++) {
      points.add(salient.get(i));
    }
    return List.copyOf(points);
  }
}
