package org.smskit.jooq.internal;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jooq.tools.json.JSONParser;
import org.jooq.tools.json.ParseException;
import org.smskit.core.InvalidInputException;

/**
 * Checks that JSON text is an object before it reaches PostgreSQL, whose error for malformed JSON names no
 * column: the caller gets an {@link InvalidInputException} naming its own field instead. The check is a little
 * more lenient than PostgreSQL (a trailing comma passes here); the column type stays the final word.
 */
public final class JsonObjects {
  private JsonObjects() {}

  public static String require(String field, String json) {
    parse(field, json);
    return json;
  }

  /** The names of the object's top-level members. */
  public static Set<String> keys(String field, String json) {
    Set<String> keys = new LinkedHashSet<>();
    parse(field, json).keySet().forEach(k -> keys.add(String.valueOf(k)));
    return keys;
  }

  private static Map<?, ?> parse(String field, String json) {
    Object parsed;
    try {
      parsed = new JSONParser().parse(json);
    } catch (ParseException e) {
      throw new InvalidInputException(field, "must be a JSON object (malformed JSON at position "
          + e.getPosition() + ")");
    }
    if (!(parsed instanceof Map<?, ?> object)) {
      throw new InvalidInputException(field, "must be a JSON object");
    }
    return object;
  }
}
