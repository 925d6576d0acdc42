package org.smskit.core.analysis;

import java.lang.Character.UnicodeScript;
import java.util.List;
import java.util.TreeSet;
import org.smskit.core.Nullable;

/**
 * Whether a conversation is English enough for the lexicon analyzer, which reads nothing else: better to say
 * "unsupported language" than to score Spanish with English word valences. A conversation is refused when most of
 * its letters are not Latin, when another language's function words outnumber English ones, or when fewer than
 * 20% of its words (at least three) are English words the analyzer knows. Very short and emoji-only conversations
 * pass: there is nothing to misread.
 */
final class LanguageCheck {
  private LanguageCheck() {}

  static final double MIN_ENGLISH_SHARE = 0.2;
  static final int MIN_WORDS = 3;
  /** Function words of one language needed before naming it. */
  static final int MIN_FOREIGN_HITS = 3;
  private static final List<String> LANGUAGES = List.copyOf(new TreeSet<>(Vocabulary.FOREIGN.keySet()));

  /** The check's answer: English, or not (with the language, when its function words identify it clearly). */
  record Verdict(boolean english, @Nullable String language) {
    static final Verdict ENGLISH = new Verdict(true, "en");
  }

  static Verdict check(List<String> texts, Lexicon lexicon) {
    int latin = 0;
    int other = 0;
    for (String text : texts) {
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        if (Character.isLetter(cp)) {
          if (UnicodeScript.of(cp) == UnicodeScript.LATIN) {
            latin++;
          } else {
            other++;
          }
        }
        i += Character.charCount(cp);
      }
    }
    if (other > latin) {
      return new Verdict(false, null); // CJK, Cyrillic, Arabic...: which one is not worth guessing here
    }
    int words = 0;
    int known = 0;
    int englishFunctionWords = 0;
    int[] foreignHits = new int[LANGUAGES.size()];
    for (String text : texts) {
      for (Token token : Tokenizer.tokens(text, false)) {
        if (!token.isWord()) {
          continue;
        }
        String word = token.lower();
        words++;
        boolean english = Vocabulary.ENGLISH.contains(word);
        if (english || Vocabulary.SLANG.containsKey(word) || lexicon.contains(word)
            || Vocabulary.SMS_VALENCES.containsKey(word) || Vocabulary.BOOSTERS.containsKey(word)
            || Vocabulary.negates(word)) {
          known++;
        }
        if (Vocabulary.STOP_WORDS.contains(word)) {
          englishFunctionWords++;
        }
        if (!english) { // "a", "no", "me" belong to several languages: they identify none
          for (int l = 0; l < LANGUAGES.size(); l++) {
            if (Vocabulary.FOREIGN.get(LANGUAGES.get(l)).contains(word)) {
              foreignHits[l]++;
            }
          }
        }
      }
    }
    if (words < MIN_WORDS) {
      return Verdict.ENGLISH;
    }
    int best = 0;
    int second = 0;
    String language = null;
    for (int l = 0; l < foreignHits.length; l++) {
      if (foreignHits[l] > best) {
        second = best;
        best = foreignHits[l];
        language = LANGUAGES.get(l);
      } else if (foreignHits[l] > second) {
        second = foreignHits[l];
      }
    }
    // Spanish and Portuguese share words: name a language only when it clearly leads
    String guess = best >= MIN_FOREIGN_HITS && best >= 2 * second ? language : null;
    if (best >= MIN_FOREIGN_HITS && best > englishFunctionWords) {
      return new Verdict(false, guess);
    }
    if (known < MIN_ENGLISH_SHARE * words) {
      return new Verdict(false, guess);
    }
    return Verdict.ENGLISH;
  }
}
