package org.smskit.analyzer.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smskit.analyzer.openai.OpenAiSettings.ResponseFormat;
import org.smskit.core.Nullable;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalysis.Outcome;

/** The chat-completions request body, and the analysis read from the answer. */
final class ChatCompletion {
  private ChatCompletion() {}

  static final int MAX_KEY_POINTS = 6;
  static final int MAX_KEY_POINT_CHARS = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code {"model", "messages": [system, user], "response_format", "temperature"?, "max_tokens"?}}. */
  static String request(OpenAiSettings settings, String system, String conversation) {
    ObjectNode body = JSON.createObjectNode().put("model", settings.model());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", conversation);
    ObjectNode format = body.putObject("response_format").put("type", settings.responseFormat().wire);
    if (settings.responseFormat() == ResponseFormat.JSON_SCHEMA) {
      format.putObject("json_schema").put("name", Prompt.SCHEMA_NAME).put("strict", true)
          .set("schema", Prompt.SCHEMA.deepCopy());
    }
    if (settings.temperature() != null) {
      body.put("temperature", settings.temperature());
    }
    if (settings.maxTokens() != null) {
      body.put("max_tokens", settings.maxTokens());
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of strings and numbers always serializes
    }
  }

  /**
   * Reads a 2xx answer.
   *
   * @param configuredModel the model asked for, recorded when the answer does not say which ran
   * @throws AnalysisException {@code truncated}, {@code refused} or {@code bad_output}, none retryable: the same
   *     conversation would most likely get the same answer
   */
  static ConversationAnalysis response(String body, String configuredModel) {
    JsonNode root = parse(body, "the response is not JSON");
    JsonNode choice = root.path("choices").path(0);
    JsonNode message = choice.path("message");
    if (!message.isObject()) {
      throw badOutput("the response has no choices[0].message");
    }
    String finish = choice.path("finish_reason").asText("");
    String refusal = message.path("refusal").asText("");
    if (!refusal.isBlank() || finish.equals("content_filter")) {
      throw new AnalysisException("refused", refusal.isBlank() ? "the model's content filter stopped the answer"
          : "the model refused: " + Prompt.cut(refusal.strip(), 200), false, null, null);
    }
    if (finish.equals("length")) {
      throw new AnalysisException("truncated", "the answer reached the token limit before its JSON was complete"
          + " (raise maxTokens or lower maxChars)", false, null, null);
    }
    JsonNode content = message.path("content");
    if (!content.isTextual()) {
      throw badOutput("choices[0].message.content is not a string");
    }
    JsonNode answer = parse(content.asText(), "choices[0].message.content is not JSON");
    if (!answer.isObject()) {
      throw badOutput("choices[0].message.content is not a JSON object");
    }
    String model = root.path("model").isTextual() && !root.path("model").asText().isBlank()
        ? root.path("model").asText() : configuredModel;
    JsonNode usage = root.path("usage");
    String language = text(answer, "language").strip();
    // An LLM reads any language, so this analyzer never answers UNSUPPORTED_LANGUAGE; "und" (undetermined, say a
    // conversation of emoji) still has a summary worth keeping, just no language.
    boolean undetermined = language.isEmpty() || language.equalsIgnoreCase("und");
    String summary = text(answer, "summary").strip();
    return new ConversationAnalysis(Outcome.ANALYZED,
        summary.isEmpty() ? null : summary,
        keyPoints(answer),
        clamp(number(answer, "sentiment_score"), -1, 1),
        label(text(answer, "emotion"), Prompt.EMOTIONS, null),
        label(text(answer, "intent"), Prompt.INTENTS, "other"),
        undetermined ? null : language,
        clamp(number(answer, "confidence"), 0, 1),
        model, Prompt.VERSION, tokens(usage, "prompt_tokens"), tokens(usage, "completion_tokens"));
  }

  private static List<String> keyPoints(JsonNode answer) {
    JsonNode points = answer.get("key_points");
    if (points == null || !points.isArray()) {
      throw badOutput("key_points is missing or not an array");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode point : points) {
      if (!point.isTextual()) {
        throw badOutput("key_points holds a non-string");
      }
      String text = point.asText().strip();
      if (!text.isEmpty() && out.size() < MAX_KEY_POINTS) {
        out.add(Prompt.cut(text, MAX_KEY_POINT_CHARS));
      }
    }
    return out;
  }

  /**
   * A label from {@code allowed}, or {@code otherwise}: json_object servers do not enforce the enum, and an invented
   * label would leak into the host's reports.
   */
  private static @Nullable String label(String value, List<String> allowed, @Nullable String otherwise) {
    String label = value.strip().toLowerCase(Locale.ROOT);
    return allowed.contains(label) ? label : otherwise;
  }

  private static String text(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.isTextual()) {
      throw badOutput(field + " is missing or not a string");
    }
    return value.asText();
  }

  private static double number(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.isNumber()) {
      throw badOutput(field + " is missing or not a number");
    }
    return value.asDouble();
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  private static int tokens(JsonNode usage, String field) {
    long n = usage.path(field).asLong(0);
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
  }

  private static JsonNode parse(String json, String problem) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw badOutput(problem);
      }
      return node;
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token: the position alone says enough.
      var at = e.getLocation();
      throw badOutput(at == null ? problem
          : problem + " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }
  }

  private static AnalysisException badOutput(String problem) {
    // The content itself is personal data (a summary of someone's messages): named, never quoted.
    return new AnalysisException("bad_output", problem, false, null, null);
  }
}
