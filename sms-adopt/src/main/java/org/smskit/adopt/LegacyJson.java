package org.smskit.adopt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.smskit.core.Nullable;

/**
 * Legacy JSON text ({@code varchar}) to a jsonb object, as smskit's {@code metadata}/{@code settings} CHECKs want.
 *
 * <ul>
 *   <li>A valid object converts; its original is kept only if jsonb would change it: duplicate keys (jsonb keeps
 *       the last), so the text goes to residue as {@code json duplicate keys}.
 *   <li>A valid scalar or array is wrapped as {@code {"legacy_value": ...}} and its original kept ({@code
 *       normalised}): the value stays queryable, and the column's object CHECK holds.
 *   <li>Invalid text (and text with a NUL escape, which jsonb refuses) becomes NULL (the column default, {@code
 *       {}}, is used where the target is NOT NULL) and the original is kept as {@code invalid json}.
 * </ul>
 */
final class LegacyJson {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper LENIENT = new ObjectMapper();

  private LegacyJson() {}

  static Converted<String> object(@Nullable String raw) {
    if (raw == null) {
      return Converted.ok(null);
    }
    if (raw.isBlank() || raw.indexOf('\u0000') >= 0 || raw.contains("\\u0000")) {
      return Converted.failed("invalid json");
    }
    JsonNode node;
    try {
      node = STRICT.readTree(raw);
    } catch (JsonProcessingException e) {
      try {
        node = LENIENT.readTree(raw);
      } catch (JsonProcessingException invalid) {
        return Converted.failed("invalid json");
      }
      if (node == null) {
        return Converted.failed("invalid json");
      }
      return new Converted<>(wrap(node).toString(), "json duplicate keys");
    }
    if (node == null || node.isMissingNode()) {
      return Converted.failed("invalid json");
    }
    if (node.isObject()) {
      return Converted.ok(node.toString());
    }
    return Converted.normalised(wrap(node).toString());
  }

  private static JsonNode wrap(JsonNode node) {
    if (node.isObject()) {
      return node;
    }
    ObjectNode wrapper = LENIENT.createObjectNode();
    wrapper.set("legacy_value", node);
    return wrapper;
  }
}
