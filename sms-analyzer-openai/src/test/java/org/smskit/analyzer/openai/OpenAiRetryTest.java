package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.smskit.analyzer.openai.Fixtures.CONVERSATION;
import static org.smskit.analyzer.openai.Fixtures.KEY;
import static org.smskit.analyzer.openai.Fixtures.analyzer;
import static org.smskit.analyzer.openai.Fixtures.answer;
import static org.smskit.analyzer.openai.Fixtures.completion;
import static org.smskit.analyzer.openai.Fixtures.error;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.ConversationAnalysis;

/** What is retried, how long it waits, and what the caller is told when it gives up. */
class OpenAiRetryTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();
  private final Fixtures.Waits waits = new Fixtures.Waits();

  private AnalysisException failure(OpenAiAnalyzer analyzer) {
    try (analyzer) {
      return catchThrowableOfType(AnalysisException.class, () -> analyzer.analyze(CONVERSATION));
    }
  }

  @Test
  void badRequestIsNotRetried() {
    server.enqueue(error(400, "invalid_request_error", "Invalid schema for response_format 'conversation_analysis'"));
    server.enqueue(completion(answer()));

    AnalysisException e = failure(analyzer(server, waits));

    assertThat(e.code()).isEqualTo("http_400");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("HTTP 400 invalid_request_error: Invalid schema for response_format");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void unauthorizedIsNotRetriedAndTheEchoedKeyIsNotRepeated() {
    // OpenAI echoes a masked key; a proxy might echo it whole.
    server.enqueue(error(401, "invalid_api_key", "Incorrect API key provided: sk-proj-Abc1*****0001 (" + KEY + ")."));

    AnalysisException e = failure(analyzer(server, waits));

    assertThat(e.code()).isEqualTo("http_401");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("Incorrect API key provided: sk-***")
        .doesNotContain(KEY, "Abc1", "0001");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void rateLimitWithRetryAfterWaitsThatLongThenSucceeds() throws Exception {
    server.enqueue(new MockResponse.Builder(error(429, "rate_limit_exceeded", "Rate limit reached"))
        .addHeader("Retry-After", "2").build());
    server.enqueue(completion(answer()));

    ConversationAnalysis analysis;
    try (OpenAiAnalyzer analyzer = analyzer(server, waits)) {
      analysis = analyzer.analyze(CONVERSATION);
    }

    assertThat(analysis.summary()).startsWith("The customer's order 42");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
    assertThat(server.takeRequest().getBody()).as("the same request again").isEqualTo(server.takeRequest().getBody());
  }

  @Test
  void retryAfterMillisecondsWinsOverSeconds() {
    server.enqueue(new MockResponse.Builder(error(429, "rate_limit_exceeded", "Rate limit reached"))
        .addHeader("retry-after-ms", "1250.5").addHeader("Retry-After", "2").build());
    server.enqueue(completion(answer()));

    try (OpenAiAnalyzer analyzer = analyzer(server, waits)) {
      analyzer.analyze(CONVERSATION);
    }
    assertThat(waits).containsExactly(Duration.ofMillis(1251));
  }

  @Test
  void serviceUnavailableThriceIsRetryableAfterMaxAttemptsWithExponentialWaits() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(error(503, "server_error", "The server is overloaded"));
    }
    server.enqueue(completion(answer()));

    AnalysisException e = failure(analyzer(server, waits));

    assertThat(e.code()).isEqualTo("http_503");
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isNull();
    assertThat(e.getMessage()).contains("HTTP 503", "3 attempts");
    assertThat(server.getRequestCount()).isEqualTo(3);
    // Full jitter draws from [0, bound]; the fixture's jitter takes the bound: 500 ms, then 1 s.
    assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void theLastRetryAfterIsHandedToTheCaller() {
    server.enqueue(new MockResponse.Builder(error(429, "rate_limit_exceeded", "Rate limit reached"))
        .addHeader("Retry-After", "3").build());
    server.enqueue(error(502, "bad_gateway", "Bad gateway"));

    AnalysisException e = failure(analyzer(server, waits, "maxAttempts", "2"));

    assertThat(e.code()).isEqualTo("http_502");
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(waits).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void retryAfterLongerThanTheCapIsLeftToTheCaller() {
    server.enqueue(new MockResponse.Builder(error(429, "rate_limit_exceeded", "Rate limit reached"))
        .addHeader("Retry-After", "60").build());
    server.enqueue(completion(answer()));

    AnalysisException e = failure(analyzer(server, waits));

    assertThat(e.code()).isEqualTo("http_429");
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(server.getRequestCount()).as("no worker held for a minute").isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void insufficientQuotaIsNotRetried() {
    server.enqueue(new MockResponse.Builder(error(429, "insufficient_quota", "You exceeded your current quota"))
        .addHeader("Retry-After", "1").build());
    server.enqueue(completion(answer()));

    AnalysisException e = failure(analyzer(server, waits));

    assertThat(e.code()).isEqualTo("http_429");
    assertThat(e.retryable()).isFalse();
    assertThat(e.retryAfter()).isNull();
    assertThat(e.getMessage()).contains("insufficient_quota");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void requestTimeoutIsRetried() {
    server.enqueue(new MockResponse.Builder().code(408).build());
    server.enqueue(completion(answer()));

    try (OpenAiAnalyzer analyzer = analyzer(server, waits)) {
      analyzer.analyze(CONVERSATION);
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(waits).containsExactly(Duration.ofMillis(500));
  }

  @Test
  void noAnswerWithinTheTimeoutIsARetryableTimeout() {
    server.enqueue(new MockResponse.Builder(completion(answer())).headersDelay(5, TimeUnit.SECONDS).build());
    server.enqueue(new MockResponse.Builder(completion(answer())).bodyDelay(5, TimeUnit.SECONDS).build());

    long start = System.nanoTime();
    AnalysisException e = failure(analyzer(server, waits, "timeoutSeconds", "1", "maxAttempts", "2"));

    assertThat(e.code()).isEqualTo("timeout");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("no answer within 1 s", "2 attempts");
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(waits).containsExactly(Duration.ofMillis(500));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void connectionRefusedIsRetryableIo() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> settings = Fixtures.settings(server);
    settings.put("baseUrl", "http://127.0.0.1:" + closedPort + "/v1");

    AnalysisException e = failure(analyzer(settings, KEY, waits));

    assertThat(e.code()).isEqualTo("io");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).doesNotContain(KEY);
    assertThat(waits).hasSize(2);
  }

  @Test
  void waitsGrowExponentiallyUpToTheCap() {
    Backoff backoff = new Backoff(Backoff.BASE, Backoff.CAP, bound -> bound, new Fixtures.Waits());
    assertThat(backoff.after(1, null)).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.after(2, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.after(6, null)).isEqualTo(Duration.ofSeconds(16));
    assertThat(backoff.after(7, null)).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.after(60, null)).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.after(1, Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.after(1, Duration.ofSeconds(21))).isNull();

    Backoff random = Backoff.standard();
    for (int i = 0; i < 100; i++) {
      assertThat(random.after(3, null)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
