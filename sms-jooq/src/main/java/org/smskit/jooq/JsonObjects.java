package org.smskit.jooq;

import java.util.Map;
import org.jooq.tools.json.JSONParser;
import org.jooq.tools.json.ParseException;
import org.smskit.core.InvalidInputException;

/**
 * Checks that JSON text is an object before it reaches PostgreSQL, whose error for malformed JSON names no
 * column: the caller gets an {@link InvalidInputException} naming its own field instead. The check is a little
 * more lenient than PostgreSQL (a trailing comma passes here); the column type stays the final word.
 */
final class JsonObjects {
  private JsonObjects() {}

  static String require(String field, String json) {
    Object parsed;
    try {
      parsed = new JSONParser().parse(json);
    } catch (ParseException e) {
      throw new InvalidInputException(field, "must be a JSON object (malformed JSON at position "
          + e.getPosition() + ")");
    }
    if (!(parsed instanceof Map)) {
      throw new InvalidInputException(field, "must be a JSON object");
    }
    return json;
  }
}
