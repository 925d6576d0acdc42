package org.smskit.core.text;

import static java.util.Objects.requireNonNull;

import org.smskit.core.InvalidInputException;

/**
 * What a message body costs on the air, as computed by {@link SmsText#analyze(String)}: an estimate before
 * sending; the provider's own segment count (Twilio's {@code num_segments}) is what gets billed.
 *
 * @param encoding {@link Encoding#GSM7} when every character is in the GSM 03.38 basic or extension table,
 *     otherwise {@link Encoding#UCS2}
 * @param units septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2 (characters
 *     outside the BMP, such as most emoji, count two)
 * @param segments SMS segments the body takes; {@code 0} for the empty body (store {@code segment_count} as
 *     null then: the schema requires at least 1)
 * @param characters Unicode code points, as PostgreSQL's {@code char_length} counts them; the
 *     {@value SmsText#MAX_CHARACTERS}-character limit applies to this number
 */
public record TextInfo(Encoding encoding, int units, int segments, int characters) {

  /** @throws InvalidInputException when a count is negative */
  public TextInfo {
    requireNonNull(encoding, "encoding");
    if (units < 0 || segments < 0 || characters < 0) {
      throw new InvalidInputException("text_info", "counts must not be negative");
    }
  }
}
