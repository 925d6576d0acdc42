package org.smskit.core.analysis;

import java.util.Locale;

/** One token of an SMS as the lexicon analyzer reads it: a word, a number, an emoji or an emoticon. */
record Token(String text, Kind kind) {

  enum Kind {
    WORD,
    NUMBER,
    EMOJI,
    EMOTICON
  }

  String lower() {
    return text.toLowerCase(Locale.ROOT);
  }

  boolean isWord() {
    return kind == Kind.WORD;
  }

  /** A shouted word: two or more letters, all upper case ("I" and "A" are not shouting). */
  boolean caps() {
    if (kind != Kind.WORD) {
      return false;
    }
    int letters = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetter(c)) {
        if (!Character.isUpperCase(c)) {
          return false;
        }
        letters++;
      }
    }
    return letters >= 2;
  }
}
