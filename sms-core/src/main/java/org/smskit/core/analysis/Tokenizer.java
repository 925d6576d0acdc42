package org.smskit.core.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits an SMS into {@link Token}s: words (letters and digits, with inner apostrophes and hyphens), numbers, one
 * token per emoji and whole emoticons such as {@code :-)} that the lexicon rates. Punctuation is dropped (the
 * sentiment rules count {@code !} and {@code ?} on the raw text). With {@code normalise}, SMS slang is replaced by
 * what it stands for, keeping a shouted word shouted.
 */
final class Tokenizer {
  private Tokenizer() {}

  static List<Token> tokens(String text) {
    return tokens(text, true);
  }

  static List<Token> tokens(String text, boolean normalise) {
    List<Token> tokens = new ArrayList<>();
    for (String chunk : text.replace('\u2019', '\'').replace('\u2018', '\'').split("\\s+")) {
      if (chunk.isEmpty()) {
        continue;
      }
      String emoticon = emoticon(chunk);
      if (emoticon != null) {
        tokens.add(new Token(emoticon, Token.Kind.EMOTICON));
      } else {
        scan(chunk, tokens, normalise);
      }
    }
    return tokens;
  }

  /** The chunk, without trailing sentence punctuation, when it is an emoticon the lexicon rates; else null. */
  private static String emoticon(String chunk) {
    String bare = chunk.replaceFirst("(?<=.)[.,!?;]+$", "");
    for (String candidate : new String[] {chunk, bare}) {
      if (candidate.length() >= 2 && candidate.length() <= 5 && hasSymbol(candidate)
          && Lexicon.get().contains(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean hasSymbol(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '\'' && c != '-') {
        return true;
      }
    }
    return false;
  }

  private static void scan(String chunk, List<Token> tokens, boolean normalise) {
    StringBuilder word = new StringBuilder();
    int i = 0;
    while (i < chunk.length()) {
      int cp = chunk.codePointAt(i);
      int next = i + Character.charCount(cp);
      int following = next < chunk.length() ? chunk.codePointAt(next) : -1;
      if (Character.isLetterOrDigit(cp)) {
        word.appendCodePoint(cp);
      } else if (word.length() > 0 && Character.isLetterOrDigit(following)
          && (cp == '\'' || cp == '-' || ((cp == '.' || cp == ',') && isDigit(word) && Character.isDigit(following)))) {
        word.appendCodePoint(cp); // don't, e-mail, ABC-7781, 45.20
      } else {
        flush(word, tokens, normalise);
        if (isEmoji(cp)) {
          tokens.add(new Token(new String(Character.toChars(cp)), Token.Kind.EMOJI));
        }
      }
      i = next;
    }
    flush(word, tokens, normalise);
  }

  private static boolean isDigit(StringBuilder word) {
    return Character.isDigit(word.charAt(word.length() - 1));
  }

  private static void flush(StringBuilder word, List<Token> tokens, boolean normalise) {
    if (word.length() == 0) {
      return;
    }
    String text = word.toString();
    word.setLength(0);
    if (text.chars().noneMatch(Character::isLetter)) {
      tokens.add(new Token(text, Token.Kind.NUMBER));
      return;
    }
    Token token = new Token(text, Token.Kind.WORD);
    String slang = normalise ? Vocabulary.SLANG.get(token.lower()) : null;
    if (slang == null) {
      tokens.add(token);
      return;
    }
    boolean shouted = token.caps();
    for (String part : slang.split(" ")) {
      tokens.add(new Token(shouted ? part.toUpperCase(Locale.ROOT) : part, Token.Kind.WORD));
    }
  }

  /**
   * Pictographs, symbols and dingbats. Variation selectors, zero-width joiners and skin tones are not emoji of their
   * own: they fall through as separators, so 👍🏽 reads as 👍 and ❤️ as ❤.
   */
  static boolean isEmoji(int cp) {
    if (cp >= 0x1F3FB && cp <= 0x1F3FF) {
      return false;
    }
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF)
        || (cp >= 0x2300 && cp <= 0x23FF);
  }
}
