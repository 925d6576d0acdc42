package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.smskit.analyzer.openai.Fixtures.CONVERSATION;
import static org.smskit.analyzer.openai.Fixtures.JSON;
import static org.smskit.analyzer.openai.Fixtures.analyzer;
import static org.smskit.analyzer.openai.Fixtures.answer;
import static org.smskit.analyzer.openai.Fixtures.completion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalysis.Outcome;

/** How an answer becomes a {@link ConversationAnalysis}, and which answers are failures. */
class OpenAiResponseTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private ConversationAnalysis analyze(MockResponse response) {
    server.enqueue(response);
    try (OpenAiAnalyzer analyzer = analyzer(server, new Fixtures.Waits())) {
      return analyzer.analyze(CONVERSATION);
    }
  }

  private AnalysisException failure(MockResponse response) {
    server.enqueue(response);
    server.enqueue(completion(answer())); // what a retry would get
    try (OpenAiAnalyzer analyzer = analyzer(server, new Fixtures.Waits())) {
      AnalysisException e = catchThrowableOfType(AnalysisException.class, () -> analyzer.analyze(CONVERSATION));
      assertThat(server.getRequestCount()).as("an answer that is not an analysis is not asked again").isEqualTo(1);
      return e;
    }
  }

  @Test
  void answerIsMappedWithTheModelThatRanThePromptVersionAndTheTokens() {
    ConversationAnalysis analysis = analyze(completion(answer()));

    assertThat(analysis).isEqualTo(new ConversationAnalysis(Outcome.ANALYZED,
        "The customer's order 42 was late; the business said it ships today. The customer is happy.",
        java.util.List.of("Order 42 late", "Ships today"), 0.8, "gratitude", "thanks", "en", 0.9,
        "gpt-4o-mini-2024-07-18", "prompt-1", 512, 64));
  }

  @Test
  void scoresAreClampedKeyPointsBoundedAndUnknownLabelsNormalised() {
    ObjectNode answer = answer().put("sentiment_score", -3.5).put("confidence", 1.7).put("emotion", "Elation")
        .put("intent", "REFUND_PLEASE").put("language", "und").put("summary", "  ");
    var points = answer.putArray("key_points");
    points.add("  " + "p".repeat(250) + "  ").add("");
    for (int i = 2; i <= 8; i++) {
      points.add("point " + i);
    }

    ConversationAnalysis analysis = analyze(completion(answer));

    assertThat(analysis.sentimentScore()).isEqualTo(-1.0);
    assertThat(analysis.confidence()).isEqualTo(1.0);
    assertThat(analysis.keyPoints()).hasSize(6)
        .containsExactly("p".repeat(199) + "…", "point 2", "point 3", "point 4", "point 5", "point 6");
    assertThat(analysis.emotion()).as("not one of the schema's emotions").isNull();
    assertThat(analysis.intent()).isEqualTo("other");
    assertThat(analysis.language()).as("und is no language").isNull();
    assertThat(analysis.outcome()).as("an LLM reads any language").isEqualTo(Outcome.ANALYZED);
    assertThat(analysis.summary()).isNull();

    assertThat(analyze(completion(answer().put("confidence", -0.2))).confidence()).isZero();
  }

  @Test
  void withoutModelOrUsageTheConfiguredModelAndZeroTokensAreRecorded() {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").put("content", answer().toString());

    ConversationAnalysis analysis = analyze(Fixtures.json(200, body));

    assertThat(analysis.model()).isEqualTo("gpt-4o-mini");
    assertThat(analysis.promptTokens()).isZero();
    assertThat(analysis.completionTokens()).isZero();
  }

  @Test
  void refusalIsRefusedAndNotRetried() {
    ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini-2024-07-18");
    body.putArray("choices").addObject().put("finish_reason", "stop").putObject("message")
        .put("role", "assistant").putNull("content").put("refusal", "I'm sorry, I can't help with that.");

    AnalysisException e = failure(Fixtures.json(200, body));

    assertThat(e.code()).isEqualTo("refused");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("I'm sorry, I can't help with that.");
  }

  @Test
  void contentFilterIsRefused() {
    AnalysisException e = failure(completion("", "content_filter"));

    assertThat(e.code()).isEqualTo("refused");
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void finishReasonLengthIsTruncated() {
    AnalysisException e = failure(completion("{\"summary\": \"The customer", "length"));

    assertThat(e.code()).isEqualTo("truncated");
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void contentThatIsNotJsonIsBadOutputWithoutQuotingIt() {
    AnalysisException e = failure(completion("Sure! Here is the summary: the customer is happy.", "stop"));

    assertThat(e.code()).isEqualTo("bad_output");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("not JSON").doesNotContain("Sure", "customer");
  }

  @Test
  void missingFieldIsBadOutput() {
    ObjectNode missing = answer();
    missing.remove("sentiment_score");
    AnalysisException e = failure(completion(missing));

    assertThat(e.code()).isEqualTo("bad_output");
    assertThat(e.getMessage()).contains("sentiment_score is missing or not a number");
  }

  @Test
  void mistypedFieldIsBadOutput() {
    AnalysisException e = failure(completion(answer().put("confidence", "high")));

    assertThat(e.code()).isEqualTo("bad_output");
    assertThat(e.getMessage()).contains("confidence is missing or not a number");
  }

  @Test
  void answerWithoutChoicesIsBadOutput() {
    assertThat(failure(Fixtures.json(200, JSON.createObjectNode().put("object", "chat.completion"))).code())
        .isEqualTo("bad_output");
  }
}
