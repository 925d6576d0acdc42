package org.smskit.core.text;

import static java.util.Objects.requireNonNull;

import java.util.BitSet;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.text.InvalidMessageBodyException.Reason;

/**
 * Message text rules: the GSM-7 / UCS-2 choice, segment counting and what a body must be to be sent and stored.
 *
 * <p>Segments follow the usual rules (GSM 03.38, 3GPP TS 23.040 concatenation): one segment holds 160 GSM-7
 * septets or 70 UCS-2 units; once a body needs more, every segment holds 153 septets or 67 units because the
 * concatenation header takes the rest. An extension character (ESC plus code, two septets) and a surrogate pair
 * are never split, so they move whole to the next segment, which can cost one segment more than dividing the
 * total. Grapheme clusters (flags, ZWJ emoji sequences) may still be split between two code points, as carriers
 * do; Twilio's calculator keeps clusters together and may count one segment more for such bodies.
 *
 * <p>Lengths are Unicode code points, because the schema's {@code char_length(body) <= 1600} counts code points.
 *
 * <p>Stateless and thread-safe.
 */
public final class SmsText {

  /** The longest body, in Unicode code points (the spec's 1600 characters; PostgreSQL {@code char_length}). */
  public static final int MAX_CHARACTERS = 1600;

  static final int GSM7_SINGLE = 160;
  static final int GSM7_CONCATENATED = 153;
  static final int UCS2_SINGLE = 70;
  static final int UCS2_CONCATENATED = 67;

  /**
   * GSM 03.38 default alphabet, positions 0x00 to 0x7F without 0x1B (ESC). Only the capital {@code Ç} (0x09) is
   * in it: some phones show 0x09 as {@code ç}, but the standard and the providers map {@code ç} to UCS-2.
   */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅå"
          + "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
          + " !\"#¤%&'()*+,-./0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
          + "¿abcdefghijklmnopqrstuvwxyzäöñüà";

  /** GSM 03.38 extension table: each is ESC plus a code, two septets. */
  private static final String EXTENSION = "\f^{}\\[~]|€";

  private static final BitSet BASIC_SET = toSet(BASIC);
  private static final BitSet EXTENSION_SET = toSet(EXTENSION);

  private static final char REPLACEMENT = '\uFFFD';

  private SmsText() {}

  /**
   * Encoding, length and segment count of a body. Does not validate: a body that
   * {@link #validateOutbound(String, int)} would refuse still gets counted (a lone surrogate as one UCS-2 unit).
   *
   * @throws NullPointerException when {@code body} is null (a media-only message has no text to count)
   */
  public static TextInfo analyze(String body) {
    requireNonNull(body, "body");
    int characters = 0;
    int septets = 0;
    boolean gsm7 = true;
    for (int i = 0; i < body.length(); ) {
      int codePoint = body.codePointAt(i);
      i += Character.charCount(codePoint);
      characters++;
      if (gsm7) {
        int cost = septets(codePoint);
        if (cost == 0) {
          gsm7 = false;
        } else {
          septets += cost;
        }
      }
    }
    return gsm7
        ? new TextInfo(Encoding.GSM7, septets, segments(body, true, septets), characters)
        : new TextInfo(Encoding.UCS2, body.length(), segments(body, false, body.length()), characters);
  }

  /** Whether the whole body fits GSM-7 (basic and extension tables); the empty body does. */
  public static boolean isGsm7(String body) {
    requireNonNull(body, "body");
    return body.codePoints().allMatch(c -> septets(c) > 0);
  }

  /**
   * Refuses an outbound body that cannot be sent or stored. A null, empty or blank (whitespace only) body is
   * allowed only with media. Inbound bodies are never refused for being blank (see {@link #validateInbound}).
   *
   * @throws InvalidMessageBodyException naming the {@link Reason}: {@code EMPTY}, {@code NUL_CHARACTER},
   *     {@code UNPAIRED_SURROGATE} (both with the character's index) or {@code TOO_LONG}
   * @throws InvalidInputException for field {@code media_count} when {@code mediaCount} is negative
   */
  public static void validateOutbound(@Nullable String body, int mediaCount) {
    if (mediaCount < 0) {
      throw new InvalidInputException("media_count", "must not be negative");
    }
    if (body == null || isBlank(body)) {
      if (mediaCount == 0) {
        throw new InvalidMessageBodyException(Reason.EMPTY,
            "must not be empty or only whitespace when the message has no media");
      }
      if (body == null || body.isEmpty()) {
        return;
      }
    }
    validateStorable(body);
  }

  /**
   * Whether every character is a space of some kind: Java whitespace and the Unicode space separators that
   * {@link String#isBlank()} misses (no-break spaces), which show the recipient an empty message all the same.
   */
  static boolean isBlank(String body) {
    return body.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
  }

  /**
   * Refuses an inbound body that cannot be stored. Null and empty are allowed (an MMS may carry no text).
   * Webhook handlers that must not lose a message use {@link #sanitizeInbound(String)} instead.
   *
   * @throws InvalidMessageBodyException for {@code NUL_CHARACTER}, {@code UNPAIRED_SURROGATE} or {@code TOO_LONG}
   */
  public static void validateInbound(@Nullable String body) {
    if (body != null) {
      validateStorable(body);
    }
  }

  /**
   * Makes an inbound body storable rather than refusing it, since a refused webhook loses the message: U+0000 and
   * unpaired surrogates become U+FFFD, and a body over {@value #MAX_CHARACTERS} code points is cut there (the
   * provider's raw payload still holds the original). Returns the same instance when nothing needed changing.
   */
  public static @Nullable String sanitizeInbound(@Nullable String body) {
    if (body == null) {
      return null;
    }
    StringBuilder out = null;
    int characters = 0;
    int i = 0;
    while (i < body.length() && characters < MAX_CHARACTERS) {
      int codePoint = body.codePointAt(i);
      int width = Character.charCount(codePoint);
      boolean bad = codePoint == 0 || isSurrogate(codePoint);
      if (bad && out == null) {
        out = new StringBuilder(body.length()).append(body, 0, i);
      }
      if (out != null) {
        if (bad) {
          out.append(REPLACEMENT);
        } else {
          out.appendCodePoint(codePoint);
        }
      }
      i += width;
      characters++;
    }
    if (out != null) {
      return out.toString();
    }
    return i < body.length() ? body.substring(0, i) : body;
  }

  private static void validateStorable(String body) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\0') {
        throw new InvalidMessageBodyException(Reason.NUL_CHARACTER,
            "must not contain U+0000 (PostgreSQL text cannot store it), found at index " + i, i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < body.length() && Character.isLowSurrogate(body.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidMessageBodyException(Reason.UNPAIRED_SURROGATE,
            String.format("must not contain an unpaired UTF-16 surrogate, found U+%04X at index %d", (int) c, i), i);
      }
    }
    // Counted after the scan above, so every surrogate here belongs to a pair and the count is exact.
    int characters = body.codePointCount(0, body.length());
    if (characters > MAX_CHARACTERS) {
      throw new InvalidMessageBodyException(Reason.TOO_LONG,
          "must be at most " + MAX_CHARACTERS + " characters (Unicode code points), was " + characters);
    }
  }

  /** Septets a code point takes in GSM-7: 1 (basic table), 2 (extension table) or 0 when GSM-7 cannot carry it. */
  static int septets(int codePoint) {
    if (BASIC_SET.get(codePoint)) {
      return 1;
    }
    return EXTENSION_SET.get(codePoint) ? 2 : 0;
  }

  private static int segments(String body, boolean gsm7, int units) {
    if (units == 0) {
      return 0;
    }
    if (units <= (gsm7 ? GSM7_SINGLE : UCS2_SINGLE)) {
      return 1;
    }
    int capacity = gsm7 ? GSM7_CONCATENATED : UCS2_CONCATENATED;
    int segments = 1;
    int used = 0;
    for (int i = 0; i < body.length(); ) {
      int codePoint = body.codePointAt(i);
      int width = Character.charCount(codePoint);
      i += width;
      // An ESC pair or a surrogate pair that does not fit moves whole to the next segment.
      int cost = gsm7 ? septets(codePoint) : width;
      if (used + cost > capacity) {
        segments++;
        used = 0;
      }
      used += cost;
    }
    return segments;
  }

  private static boolean isSurrogate(int codePoint) {
    return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
  }

  private static BitSet toSet(String characters) {
    BitSet set = new BitSet();
    characters.codePoints().forEach(set::set);
    return set;
  }
}
