package org.smskit.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.text.Encoding.GSM7;
import static org.smskit.core.text.Encoding.UCS2;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.text.InvalidMessageBodyException.Reason;

class SmsTextTest {

  private static final String EMOJI = "\uD83D\uDE1C"; // 😜 U+1F61C, a surrogate pair
  private static final String FLAG_IT = "\uD83C\uDDEE\uD83C\uDDF9"; // 🇮🇹, two regional indicators

  private static String a(int n) {
    return "a".repeat(n);
  }

  private static Arguments row(String name, String body, Encoding encoding, int units, int segments, int characters) {
    return Arguments.of(name, body, encoding, units, segments, characters);
  }

  /** name, body, encoding, units (septets or UTF-16 units), segments, characters (code points). */
  static Stream<Arguments> bodies() {
    return Stream.of(
        row("empty body takes no segment", "", GSM7, 0, 0, 0),
        row("plain ASCII", "Hello", GSM7, 5, 1, 5),
        // GSM-7 boundaries
        row("153 GSM chars, one segment", a(153), GSM7, 153, 1, 153),
        row("154 GSM chars, still one segment", a(154), GSM7, 154, 1, 154),
        row("160 GSM chars, one segment", a(160), GSM7, 160, 1, 160),
        row("161 GSM chars, two segments", a(161), GSM7, 161, 2, 161),
        row("306 GSM chars, two full segments", a(306), GSM7, 306, 2, 306),
        row("307 GSM chars, three segments", a(307), GSM7, 307, 3, 307),
        row("CRLF counts two septets", "ab\r\n".repeat(40), GSM7, 160, 1, 160),
        // extension table
        row("euro costs two septets", "€", GSM7, 2, 1, 1),
        row("left bracket costs two septets", "[", GSM7, 2, 1, 1),
        row("tilde costs two septets", "~", GSM7, 2, 1, 1),
        row("whole extension table plus form feed", "^{}\\[~]|€\f", GSM7, 20, 1, 10),
        row("80 euros fill one segment", "€".repeat(80), GSM7, 160, 1, 80),
        row("81 euros: 76 per concatenated segment", "€".repeat(81), GSM7, 162, 2, 81),
        row("extension char ending exactly at 153", a(151) + "[" + a(153), GSM7, 306, 2, 305),
        row("extension char straddling 153 moves on", a(152) + "[" + a(152), GSM7, 306, 3, 305),
        row("extension char straddling 153, short tail", a(152) + "[" + a(10), GSM7, 164, 2, 163),
        // GSM-7 characters outside ASCII
        row("Greek capitals in GSM-7", "ΔΦΓΛΩΠΨΣΘΞ", GSM7, 10, 1, 10),
        row("Greek lower case forces UCS-2", "αβγ", UCS2, 3, 1, 3),
        row("Greek word with a GSM capital still UCS-2", "Ωμέγα", UCS2, 5, 1, 5),
        row("Greek capital alpha is not Latin A", "\u0391", UCS2, 1, 1, 1),
        row("ohm sign is not capital omega", "\u2126", UCS2, 1, 1, 1),
        row("capital C cedilla is GSM-7", "Ç", GSM7, 1, 1, 1),
        row("small c cedilla forces UCS-2", "ç", UCS2, 1, 1, 1),
        row("French word with c cedilla", "Français", UCS2, 8, 1, 8),
        row("accented letters of the basic table", "èéùìòØøÅåÆæßÉÄÖÑÜäöñüà", GSM7, 22, 1, 22),
        row("symbols of the basic table", "@£$¥¤§¡¿_", GSM7, 9, 1, 9),
        row("smart quotes force UCS-2", "\u201CHello\u201D it\u2019s me", UCS2, 15, 1, 15),
        row("backtick is not GSM-7", "`", UCS2, 1, 1, 1),
        row("tab is not GSM-7", "a\tb", UCS2, 3, 1, 3),
        row("no-break space is not GSM-7", "a\u00A0b", UCS2, 3, 1, 3),
        row("one non-GSM char makes the whole body UCS-2", a(160) + "ç", UCS2, 161, 3, 161),
        // UCS-2 boundaries
        row("70 Cyrillic, one segment", "ж".repeat(70), UCS2, 70, 1, 70),
        row("71 Cyrillic, two segments", "ж".repeat(71), UCS2, 71, 2, 71),
        row("134 UCS-2 units, two segments", "ж".repeat(134), UCS2, 134, 2, 134),
        row("135 UCS-2 units, three segments", "ж".repeat(135), UCS2, 135, 3, 135),
        // emoji: surrogate pairs
        row("single emoji is two units", EMOJI, UCS2, 2, 1, 1),
        row("emoji plus 68 fills 70 units", EMOJI + a(68), UCS2, 70, 1, 69),
        row("emoji plus 69 is 71 units", EMOJI + a(69), UCS2, 71, 2, 70),
        row("emoji plus 132 is 134 units", EMOJI + a(132), UCS2, 134, 2, 133),
        row("emoji plus 133 is 135 units", EMOJI + a(133), UCS2, 135, 3, 134),
        row("35 emoji fill one segment", EMOJI.repeat(35), UCS2, 70, 1, 35),
        row("36 emoji: 33 per concatenated segment", EMOJI.repeat(36), UCS2, 72, 2, 36),
        row("67 emoji need three segments, not two", EMOJI.repeat(67), UCS2, 134, 3, 67),
        row("emoji ending exactly at 67", a(65) + EMOJI + a(67), UCS2, 134, 2, 133),
        row("emoji straddling 67 moves on", a(66) + EMOJI + a(66), UCS2, 134, 3, 133),
        row("flag plus 66 is 70 units", FLAG_IT + a(66), UCS2, 70, 1, 68),
        // counted even though validation refuses it
        row("lone surrogate counts one unit", "\uD83D", UCS2, 1, 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void analyzesEncodingUnitsSegmentsAndCharacters(
      String name, String body, Encoding encoding, int units, int segments, int characters) {
    assertThat(SmsText.analyze(body)).isEqualTo(new TextInfo(encoding, units, segments, characters));
    assertThat(SmsText.isGsm7(body)).isEqualTo(encoding == GSM7);
  }

  /**
   * GSM 03.38 default alphabet by position (0x00 to 0x7F, ESC at 0x1B left out), written as code points so that a
   * look-alike character typed into the production table shows up here.
   */
  private static final int[] GSM_BASIC = {
      0x40, 0xA3, 0x24, 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, 0x0A, 0xD8, 0xF8, 0x0D, 0xC5, 0xE5,
      0x394, 0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
      0x20, 0x21, 0x22, 0x23, 0xA4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F,
      0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
      0xA1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F,
      0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
      0xBF, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F,
      0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0};

  /** GSM 03.38 extension table: form feed, ^ { } \ [ ~ ] | and the euro sign. */
  private static final int[] GSM_EXTENSION = {0x0C, 0x5E, 0x7B, 0x7D, 0x5C, 0x5B, 0x7E, 0x5D, 0x7C, 0x20AC};

  @Test
  void septetCostsMatchTheGsm0338TablesForEveryCodePoint() {
    assertThat(GSM_BASIC).hasSize(127).doesNotHaveDuplicates();
    Set<Integer> basic = Arrays.stream(GSM_BASIC).boxed().collect(Collectors.toSet());
    Set<Integer> extension = Arrays.stream(GSM_EXTENSION).boxed().collect(Collectors.toSet());
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      int expected = basic.contains(c) ? 1 : extension.contains(c) ? 2 : 0;
      if (SmsText.septets(c) != expected) {
        assertThat(SmsText.septets(c)).as("septets of U+%04X", c).isEqualTo(expected);
      }
    }
    assertThat(SmsText.septets(0x1B)).as("ESC itself").isZero();
    assertThat(SmsText.septets(0xE7)).as("small c cedilla").isZero();
  }

  @Test
  void greekCapitalsOfTheGsmTableAreTheGreekCodePoints() {
    assertThat("ΔΦΓΛΩΠΨΣΘΞ".codePoints().toArray())
        .containsExactly(0x394, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E);
  }

  @Test
  void analyzeRefusesNull() {
    assertThatThrownBy(() -> SmsText.analyze(null)).isInstanceOf(NullPointerException.class);
  }

  // validateOutbound

  @Test
  void nullBodyWithoutMediaIsEmpty() {
    assertThatThrownBy(() -> SmsText.validateOutbound(null, 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.EMPTY);
          assertThat(e.field()).isEqualTo("body");
          assertThat(e.rule()).contains("empty").contains("no media");
          assertThat(e.index()).isEmpty();
        });
  }

  @Test
  void emptyBodyWithoutMediaIsEmpty() {
    assertThatThrownBy(() -> SmsText.validateOutbound("", 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
  }

  @Test
  void missingBodyIsAllowedWithMedia() {
    assertThatCode(() -> SmsText.validateOutbound(null, 1)).doesNotThrowAnyException();
    assertThatCode(() -> SmsText.validateOutbound("", 2)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "   ", "\t\n", "\r\n ", "\u00A0", "\u2007\u202F", "\u3000"})
  void whitespaceOnlyBodyWithoutMediaIsEmpty(String blank) {
    assertThatThrownBy(() -> SmsText.validateOutbound(blank, 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.EMPTY);
          assertThat(e.field()).isEqualTo("body");
          assertThat(e.rule()).contains("whitespace");
        });
  }

  @Test
  void whitespaceBodyIsAllowedWithMediaAndTextAroundSpacesIsText() {
    assertThatCode(() -> SmsText.validateOutbound(" ", 1)).doesNotThrowAnyException();
    assertThatCode(() -> SmsText.validateOutbound(" . ", 0)).doesNotThrowAnyException();
    // A zero-width space is a format character (Cf), not a space separator: this check leaves it alone.
    assertThatCode(() -> SmsText.validateOutbound("\u200B", 0)).doesNotThrowAnyException();
  }

  @Test
  void whitespaceWithMediaIsStillCheckedForStorability() {
    assertThatThrownBy(() -> SmsText.validateOutbound(" \u0000", 1))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER));
  }

  @Test
  void blankInboundBodyIsStorable() {
    assertThatCode(() -> SmsText.validateInbound("  ")).doesNotThrowAnyException();
    assertThat(SmsText.sanitizeInbound(" ")).isEqualTo(" ");
  }

  @Test
  void negativeMediaCountIsRefused() {
    assertThatThrownBy(() -> SmsText.validateOutbound("hi", -1))
        .isInstanceOf(InvalidInputException.class)
        .isNotInstanceOf(InvalidMessageBodyException.class)
        .hasMessage("media_count: must not be negative");
  }

  @Test
  void nulCharacterIsRefusedWithItsIndex() {
    assertThatThrownBy(() -> SmsText.validateOutbound("abc\0def", 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER);
          assertThat(e.index()).hasValue(3);
          assertThat(e.field()).isEqualTo("body");
          assertThat(e.getMessage())
              .isEqualTo("body: must not contain U+0000 (PostgreSQL text cannot store it), found at index 3");
        });
  }

  @Test
  void nulCharacterIsRefusedEvenWithMedia() {
    assertThatThrownBy(() -> SmsText.validateOutbound("\0", 1))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER));
  }

  @Test
  void loneHighSurrogateIsRefusedWithItsIndex() {
    assertThatThrownBy(() -> SmsText.validateOutbound("hi \uD83D", 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNPAIRED_SURROGATE);
          assertThat(e.index()).hasValue(3);
          assertThat(e.rule()).isEqualTo("must not contain an unpaired UTF-16 surrogate, found U+D83D at index 3");
        });
  }

  @Test
  void loneLowSurrogateIsRefused() {
    assertThatThrownBy(() -> SmsText.validateOutbound(EMOJI + "\uDE1Cx", 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNPAIRED_SURROGATE);
          assertThat(e.index()).hasValue(2);
        });
  }

  @Test
  void reversedSurrogatePairIsRefusedAtItsFirstHalf() {
    assertThatThrownBy(() -> SmsText.validateOutbound("\uDE1C\uD83D", 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNPAIRED_SURROGATE);
          assertThat(e.index()).hasValue(0);
        });
  }

  @Test
  void sixteenHundredCharactersAreAccepted() {
    assertThatCode(() -> SmsText.validateOutbound(a(1600), 0)).doesNotThrowAnyException();
  }

  @Test
  void sixteenHundredEmojiAreAcceptedBecauseLengthCountsCodePoints() {
    // 3200 UTF-16 units, but 1600 code points: what char_length(body) <= 1600 accepts.
    assertThatCode(() -> SmsText.validateOutbound(EMOJI.repeat(1600), 0)).doesNotThrowAnyException();
  }

  @Test
  void sixteenHundredAndOneCharactersAreTooLong() {
    assertThatThrownBy(() -> SmsText.validateOutbound(EMOJI.repeat(1601), 0))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.TOO_LONG);
          assertThat(e.index()).isEmpty();
          assertThat(e.rule()).isEqualTo("must be at most 1600 characters (Unicode code points), was 1601");
        });
  }

  // inbound

  @Test
  void inboundBodyMayBeMissing() {
    assertThatCode(() -> SmsText.validateInbound(null)).doesNotThrowAnyException();
    assertThatCode(() -> SmsText.validateInbound("")).doesNotThrowAnyException();
  }

  @Test
  void inboundBodyWithNulIsRefused() {
    assertThatThrownBy(() -> SmsText.validateInbound("a\0"))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NUL_CHARACTER));
  }

  @Test
  void inboundBodyOverTheLimitIsRefused() {
    assertThatThrownBy(() -> SmsText.validateInbound(a(1601)))
        .isInstanceOfSatisfying(InvalidMessageBodyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LONG));
  }

  @Test
  void sanitizeInboundKeepsAValidBodyAsIs() {
    String body = "Hi " + EMOJI;
    assertThat(SmsText.sanitizeInbound(body)).isSameAs(body);
    assertThat(SmsText.sanitizeInbound(null)).isNull();
  }

  @Test
  void sanitizeInboundReplacesNulAndLoneSurrogates() {
    assertThat(SmsText.sanitizeInbound("a\0b\uD83Dc\uDE1C" + EMOJI)).isEqualTo("a\uFFFDb\uFFFDc\uFFFD" + EMOJI);
  }

  @Test
  void sanitizeInboundCutsAtSixteenHundredCodePointsWithoutSplittingAPair() {
    String sanitized = SmsText.sanitizeInbound(EMOJI.repeat(1700));
    assertThat(sanitized).isEqualTo(EMOJI.repeat(1600));
    assertThatCode(() -> SmsText.validateInbound(sanitized)).doesNotThrowAnyException();
  }

  @Test
  void sanitizedInboundBodyAlwaysPassesValidation() {
    String sanitized = SmsText.sanitizeInbound("\0".repeat(1700) + "\uD83D");
    assertThat(sanitized).hasSize(1600);
    assertThatCode(() -> SmsText.validateInbound(sanitized)).doesNotThrowAnyException();
  }
}
