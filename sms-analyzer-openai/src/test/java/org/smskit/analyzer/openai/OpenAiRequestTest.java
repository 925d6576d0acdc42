package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.analyzer.openai.Fixtures.CONVERSATION;
import static org.smskit.analyzer.openai.Fixtures.CONVERSATION_TEXT;
import static org.smskit.analyzer.openai.Fixtures.KEY;
import static org.smskit.analyzer.openai.Fixtures.analyzer;
import static org.smskit.analyzer.openai.Fixtures.answer;
import static org.smskit.analyzer.openai.Fixtures.completion;
import static org.smskit.analyzer.openai.Fixtures.settings;
import static org.smskit.analyzer.openai.Fixtures.tree;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.analysis.AnalysisMessage;
import org.smskit.core.analysis.AnalysisRequest;
import org.smskit.core.model.Direction;

/** The exact request: method, path, headers and the whole JSON body. */
class OpenAiRequestTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  /** The schema of section 2.4 of the research notes, trimmed to this analyzer's fields, written out by hand. */
  private static final String SCHEMA = """
      {"type": "object", "additionalProperties": false,
       "required": ["summary", "key_points", "sentiment_score", "emotion", "intent", "language", "confidence"],
       "properties": {
         "summary": {"type": "string",
           "description": "2-4 plain sentences for an agent with no prior context, in the conversation's language."},
         "key_points": {"type": "array", "items": {"type": "string"},
           "description": "Up to 6 short facts, commitments or open questions, most important first."},
         "sentiment_score": {"type": "number",
           "description": "The customer's sentiment at the end of the conversation, -1 (negative) to 1 (positive)."},
         "emotion": {"type": "string", "description": "The customer's dominant emotion at the end.",
           "enum": ["anger", "frustration", "fear", "sadness", "confusion", "neutral", "trust", "joy", "gratitude",
                    "surprise"]},
         "intent": {"type": "string", "description": "What the customer mainly wants.",
           "enum": ["question", "complaint", "purchase", "support", "opt_out", "thanks", "other"]},
         "language": {"type": "string", "description": "BCP-47 tag of the conversation's language, e.g. en, es-MX."},
         "confidence": {"type": "number", "description": "0 to 1, how sure you are of the fields above."}}}
      """;

  private RecordedRequest analyzeOnce(OpenAiAnalyzer analyzer, AnalysisRequest request) throws Exception {
    server.enqueue(completion(answer()));
    try (analyzer) {
      analyzer.analyze(request);
    }
    assertThat(server.getRequestCount()).isEqualTo(1);
    return server.takeRequest();
  }

  @Test
  void postsChatCompletionsWithBearerKeyStrictSchemaAndTheOptionalParameters() throws Exception {
    RecordedRequest request = analyzeOnce(
        analyzer(server, new Fixtures.Waits(), "temperature", "0.2", "maxTokens", "600"), CONVERSATION);

    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(request.getUrl().query()).isNull();
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");

    JsonNode body = tree(request.getBody().utf8());
    String system = body.path("messages").path(0).path("content").asText();
    assertThat(body).isEqualTo(tree("""
        {"model": "gpt-4o-mini",
         "messages": [{"role": "system", "content": %s}, {"role": "user", "content": %s}],
         "response_format": {"type": "json_schema",
           "json_schema": {"name": "conversation_analysis", "strict": true, "schema": %s}},
         "temperature": 0.2,
         "max_tokens": 600}
        """.formatted(quote(system), quote(CONVERSATION_TEXT), SCHEMA)));
    assertThat(system).startsWith("You summarise an SMS conversation between a business and one of its customers")
        .contains("sentiment at the END", "Ignore greetings", "opt-out boilerplate", "in that language")
        .endsWith("Today is 2030-03-04.")
        .doesNotContain("\"properties\""); // strict mode carries the schema; no need to paste it
  }

  @Test
  void withoutKeyTemperatureOrMaxTokensNoneIsSent() throws Exception {
    RecordedRequest request = analyzeOnce(analyzer(settings(server), null, new Fixtures.Waits()), CONVERSATION);

    assertThat(request.getHeaders().names()).doesNotContain("Authorization");
    JsonNode body = tree(request.getBody().utf8());
    assertThat(body.properties()).extracting(java.util.Map.Entry::getKey)
        .containsExactly("model", "messages", "response_format");
  }

  @Test
  void jsonObjectFormatPastesTheSchemaIntoTheSystemPrompt() throws Exception {
    RecordedRequest request = analyzeOnce(analyzer(server, new Fixtures.Waits(), "responseFormat", "json_object"),
        CONVERSATION);

    JsonNode body = tree(request.getBody().utf8());
    assertThat(body.get("response_format")).isEqualTo(tree("{\"type\": \"json_object\"}"));
    String system = body.path("messages").path(0).path("content").asText();
    String pasted = system.substring(system.indexOf("JSON schema exactly:\n") + "JSON schema exactly:\n".length());
    assertThat(tree(pasted)).isEqualTo(tree(SCHEMA));
    assertThat(body.path("messages").path(1).path("content").asText()).isEqualTo(CONVERSATION_TEXT);
  }

  @Test
  void baseUrlWithTrailingSlashOrWithoutPrefixMeansTheSamePath() throws Exception {
    var slash = settings(server);
    slash.put("baseUrl", server.url("/openai/v1/").toString());
    assertThat(analyzeOnce(analyzer(slash, null, new Fixtures.Waits()), CONVERSATION).getUrl().encodedPath())
        .isEqualTo("/openai/v1/chat/completions");

    var bare = settings(server);
    bare.put("baseUrl", "http://" + server.getHostName() + ":" + server.getPort());
    server.enqueue(completion(answer()));
    try (OpenAiAnalyzer analyzer = analyzer(bare, null, new Fixtures.Waits())) {
      analyzer.analyze(CONVERSATION);
    }
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/chat/completions");
  }

  @Test
  void overTheBudgetTheOldestMessagesAreDroppedAndTheRestStaysChronological() throws Exception {
    List<AnalysisMessage> messages = new ArrayList<>();
    Instant start = Instant.parse("2030-03-01T08:00:00Z");
    for (int i = 0; i < 10; i++) {
      messages.add(new AnalysisMessage(i % 2 == 0 ? Direction.INBOUND : Direction.OUTBOUND,
          start.plusSeconds(60L * i), "message " + i + " " + "x".repeat(70)));
    }
    // Each line is 109 characters: "[2030-03-01 08:0i] CUSTOMER: message i xxx...". 500 fit four lines and the
    // three line breaks between them (439), not a fifth (549).
    RecordedRequest request = analyzeOnce(analyzer(server, new Fixtures.Waits(), "maxChars", "500"),
        new AnalysisRequest("conv-2", messages));

    String user = tree(request.getBody().utf8()).path("messages").path(1).path("content").asText();
    assertThat(user).isEqualTo(String.join("\n",
        "[2030-03-01 08:06] CUSTOMER: message 6 " + "x".repeat(70),
        "[2030-03-01 08:07] BUSINESS: message 7 " + "x".repeat(70),
        "[2030-03-01 08:08] CUSTOMER: message 8 " + "x".repeat(70),
        "[2030-03-01 08:09] BUSINESS: message 9 " + "x".repeat(70)));
  }

  @Test
  void aNewestMessageLongerThanTheBudgetIsCutNotDropped() throws Exception {
    AnalysisRequest request = new AnalysisRequest("conv-3", List.of(
        new AnalysisMessage(Direction.INBOUND, Instant.parse("2030-03-01T08:00:00Z"), "older"),
        new AnalysisMessage(Direction.INBOUND, Instant.parse("2030-03-01T08:01:00Z"), "y".repeat(2_000))));

    String user = tree(analyzeOnce(analyzer(server, new Fixtures.Waits(), "maxChars", "500"), request).getBody()
        .utf8()).path("messages").path(1).path("content").asText();
    assertThat(user).hasSize(500).startsWith("[2030-03-01 08:01] CUSTOMER: yyy").endsWith("y…");
  }

  private static String quote(String text) {
    return Fixtures.JSON.getNodeFactory().textNode(text).toString();
  }
}
