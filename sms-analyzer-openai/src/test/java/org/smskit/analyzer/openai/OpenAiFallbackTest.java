package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.analyzer.openai.Fixtures.CLOCK;
import static org.smskit.analyzer.openai.Fixtures.CONVERSATION;
import static org.smskit.analyzer.openai.Fixtures.answer;
import static org.smskit.analyzer.openai.Fixtures.completion;
import static org.smskit.analyzer.openai.Fixtures.error;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.analysis.AnalysisRequest;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.analysis.FallbackAnalyzer;

/** Behind sms-core's {@link FallbackAnalyzer}: a failing endpoint is answered locally and then left alone. */
class OpenAiFallbackTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  /** A stand-in for the offline lexicon analyzer. */
  private static final class Local implements ConversationAnalyzer {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "local";
    }

    @Override
    public String fingerprint() {
      return "local/1";
    }

    @Override
    public ConversationAnalysis analyze(AnalysisRequest request) {
      calls.incrementAndGet();
      return new ConversationAnalysis(ConversationAnalysis.Outcome.ANALYZED, null, List.of(), 0.0, null, null, "en",
          null, "local", "1", 0, 0);
    }
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(CLOCK.instant());

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void afterTwoFailedAnalysesTheServerIsNotAskedUntilTheCircuitCloses() {
    for (int i = 0; i < 2; i++) { // two analyses, each given up after maxAttempts = 2
      server.enqueue(error(503, "server_error", "overloaded"));
      server.enqueue(error(503, "server_error", "overloaded"));
    }
    server.enqueue(completion(answer()));
    Local local = new Local();
    MovableClock clock = new MovableClock();
    Fixtures.Waits waits = new Fixtures.Waits();

    try (FallbackAnalyzer analyzer = FallbackAnalyzer.of(Fixtures.analyzer(server, waits, "maxAttempts", "2"), local,
        2, Duration.ofMinutes(5), clock)) {
      assertThat(analyzer.fingerprint()).isEqualTo("openai/prompt-1/gpt-4o-mini/json_schema");

      assertThat(analyzer.analyze(CONVERSATION).model()).isEqualTo("local");
      assertThat(analyzer.open()).isFalse();
      assertThat(analyzer.analyze(CONVERSATION).model()).isEqualTo("local");
      assertThat(analyzer.open()).isTrue();
      assertThat(server.getRequestCount()).isEqualTo(4);

      for (int i = 0; i < 3; i++) {
        assertThat(analyzer.analyze(CONVERSATION).model()).isEqualTo("local");
      }
      assertThat(server.getRequestCount()).as("not asked while open").isEqualTo(4);
      assertThat(local.calls).hasValue(5);

      clock.now.set(clock.instant().plus(Duration.ofMinutes(5)));
      assertThat(analyzer.analyze(CONVERSATION).model()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(server.getRequestCount()).isEqualTo(5);
      assertThat(local.calls).hasValue(5);
    }
  }
}
