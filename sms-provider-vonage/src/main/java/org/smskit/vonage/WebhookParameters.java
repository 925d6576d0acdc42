package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.spi.WebhookRequest;

/**
 * The flat parameters of an SMS API webhook, which Vonage sends as a GET query, a POST form or a POST JSON object
 * (an account setting). Repeated names keep their first value; JSON values are read as text.
 */
final class WebhookParameters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookParameters() {}

  /** A non-empty body declared as JSON, or undeclared and starting with a brace. */
  static boolean isJson(WebhookRequest request) {
    String body = request.bodyText().strip();
    if (body.isEmpty() || request.isForm()) {
      return false;
    }
    String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    return type.startsWith("application/json") || type.contains("+json") || body.startsWith("{");
  }

  /** @throws InvalidInputException when a JSON body is not a JSON object */
  static Map<String, String> of(WebhookRequest request) {
    if (request.isForm()) {
      return first(request.formParameters());
    }
    if (isJson(request)) {
      return flatten(json(request.bodyText()));
    }
    return first(request.queryParameters());
  }

  /** What to keep as the raw payload: the body, or the query string of a GET. */
  static String raw(WebhookRequest request) {
    String body = request.bodyText();
    if (!body.isEmpty()) {
      return body;
    }
    String query = request.url().getRawQuery();
    return query == null ? "" : query;
  }

  /** The body as a JSON object, or empty when it is not one. */
  static Optional<JsonNode> tryJson(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      return root != null && root.isObject() ? Optional.of(root) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static JsonNode json(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new InvalidInputException("webhook", "the JSON body must be an object");
      }
      return root;
    } catch (IOException e) {
      throw new InvalidInputException("webhook", "the body is not JSON");
    }
  }

  private static Map<String, String> flatten(JsonNode root) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      JsonNode value = field.getValue();
      if (!value.isNull()) {
        out.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static Map<String, String> first(Map<String, List<String>> parameters) {
    Map<String, String> out = new LinkedHashMap<>();
    parameters.forEach((name, values) -> {
      if (!values.isEmpty()) {
        out.put(name, values.get(0));
      }
    });
    return Collections.unmodifiableMap(out);
  }

  static @Nullable String get(Map<String, String> parameters, String name) {
    String value = parameters.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  static String required(Map<String, String> parameters, String name) {
    String value = get(parameters, name);
    if (value == null) {
      throw new InvalidInputException(name, "is required");
    }
    return value;
  }
}
