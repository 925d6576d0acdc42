package org.smskit.analyzer.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.smskit.core.analysis.AnalysisMessage;
import org.smskit.core.analysis.AnalysisRequest;
import org.smskit.core.crypto.Secret;
import org.smskit.core.model.Direction;

/** Clocks, conversations, canned chat-completions answers and an analyzer whose waits are recorded, not slept. */
final class Fixtures {
  private Fixtures() {}

  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-proj-Abc123SecretKeyValue0001";
  static final Instant NOW = Instant.parse("2030-03-04T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String MODEL = "gpt-4o-mini";

  static final AnalysisRequest CONVERSATION = new AnalysisRequest("conv-1", List.of(
      new AnalysisMessage(Direction.INBOUND, Instant.parse("2030-03-03T14:03:10Z"), "Hi, my order 42 hasn't arrived"),
      new AnalysisMessage(Direction.OUTBOUND, Instant.parse("2030-03-03T14:05:00Z"), "Sorry! It ships today.\nTrack: x.co/42"),
      new AnalysisMessage(Direction.INBOUND, Instant.parse("2030-03-03T14:07:59Z"), "  Great, thanks  ")));
  static final String CONVERSATION_TEXT = """
      [2030-03-03 14:03] CUSTOMER: Hi, my order 42 hasn't arrived
      [2030-03-03 14:05] BUSINESS: Sorry! It ships today. Track: x.co/42
      [2030-03-03 14:07] CUSTOMER: Great, thanks""";

  /** The waits an analyzer asked for, in order. */
  static final class Waits extends CopyOnWriteArrayList<Duration> implements Backoff.Sleeper {
    private static final long serialVersionUID = 1L;

    @Override
    public void sleep(Duration duration) {
      add(duration);
    }
  }

  /** Settings pointing at {@code server} ({@code /v1} prefix) plus {@code extra} (alternating keys and values). */
  static Map<String, String> settings(MockWebServer server, String... extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("baseUrl", server.url("/v1").toString());
    settings.put("model", MODEL);
    for (int i = 0; i < extra.length; i += 2) {
      settings.put(extra[i], extra[i + 1]);
    }
    return settings;
  }

  /** An analyzer with key {@link #KEY} (or none when {@code key} is null); jitter always takes the full bound. */
  static OpenAiAnalyzer analyzer(Map<String, String> settings, String key, Waits waits) {
    Backoff backoff = new Backoff(Backoff.BASE, Backoff.CAP, bound -> bound, waits);
    return new OpenAiAnalyzer(OpenAiSettings.parse(settings), key == null ? null : Secret.of(key), CLOCK, backoff);
  }

  static OpenAiAnalyzer analyzer(MockWebServer server, Waits waits, String... extra) {
    return analyzer(settings(server, extra), KEY, waits);
  }

  /** The analysis the model is asked for, as the content string holds it. */
  static ObjectNode answer() {
    ObjectNode answer = JSON.createObjectNode()
        .put("summary", "The customer's order 42 was late; the business said it ships today. The customer is happy.");
    answer.putArray("key_points").add("Order 42 late").add("Ships today");
    return answer.put("sentiment_score", 0.8).put("emotion", "gratitude").put("intent", "thanks")
        .put("language", "en").put("confidence", 0.9);
  }

  /** A 200 chat completion whose {@code choices[0].message.content} is {@code content}. */
  static MockResponse completion(String content, String finishReason) {
    ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
        .put("created", NOW.getEpochSecond()).put("model", "gpt-4o-mini-2024-07-18");
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content).putNull("refusal");
    choice.put("finish_reason", finishReason);
    body.putObject("usage").put("prompt_tokens", 512).put("completion_tokens", 64).put("total_tokens", 576);
    return json(200, body);
  }

  static MockResponse completion(JsonNode answer) {
    return completion(answer.toString(), "stop");
  }

  /** OpenAI's error answer. */
  static MockResponse error(int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", code).putNull("param").put("code", code);
    return json(status, body);
  }

  static MockResponse json(int status, JsonNode body) {
    return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
        .body(body.toString()).build();
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
