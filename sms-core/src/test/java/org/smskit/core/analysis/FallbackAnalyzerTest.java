package org.smskit.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;

class FallbackAnalyzerTest {
  private static final AnalysisRequest REQUEST = new AnalysisRequest("c1", List.of());

  /** An analyzer that answers with its own model name, or fails while {@code failing} is set. */
  static final class Stub implements ConversationAnalyzer {
    final String model;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();

    Stub(String model) {
      this.model = model;
    }

    @Override
    public String name() {
      return model;
    }

    @Override
    public String fingerprint() {
      return model + "/1";
    }

    @Override
    public ConversationAnalysis analyze(AnalysisRequest request) {
      calls.incrementAndGet();
      if (failing.get()) {
        throw new AnalysisException("http_503", "down", true, null, null);
      }
      return new ConversationAnalysis(ConversationAnalysis.Outcome.ANALYZED, "s", List.of(), 0.5, null, null, "en",
          0.9, model, "1", 0, 0);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void failuresAreAnsweredByTheFallbackAndOpenTheCircuitUntilItsTimeIsUp() {
    Stub remote = new Stub("remote");
    Stub local = new Stub("local");
    Ticking clock = new Ticking();
    FallbackAnalyzer analyzer = FallbackAnalyzer.of(remote, local, 2, Duration.ofMinutes(5), clock);
    assertThat(analyzer.analyze(REQUEST).model()).isEqualTo("remote");
    remote.failing.set(true);
    assertThat(analyzer.analyze(REQUEST).model()).isEqualTo("local");
    assertThat(analyzer.open()).as("one failure is not enough").isFalse();
    assertThat(analyzer.analyze(REQUEST).model()).isEqualTo("local");
    assertThat(analyzer.open()).isTrue();
    int asked = remote.calls.get();
    analyzer.analyze(REQUEST);
    assertThat(remote.calls.get()).as("not asked while open").isEqualTo(asked);

    clock.now = clock.now.plus(Duration.ofMinutes(5));
    remote.failing.set(false);
    assertThat(analyzer.analyze(REQUEST).model()).as("probed again, and answers").isEqualTo("remote");
    assertThat(analyzer.open()).isFalse();
  }

  @Test
  void aSuccessResetsTheCountOfFailures() {
    Stub remote = new Stub("remote");
    FallbackAnalyzer analyzer = FallbackAnalyzer.of(remote, new Stub("local"), 2, Duration.ofMinutes(5),
        new Ticking());
    remote.failing.set(true);
    analyzer.analyze(REQUEST);
    remote.failing.set(false);
    analyzer.analyze(REQUEST);
    remote.failing.set(true);
    analyzer.analyze(REQUEST);
    assertThat(analyzer.open()).as("failures must be in a row").isFalse();
  }

  @Test
  void itIsCachedUnderThePrimarysFingerprintAndClosesBoth() {
    Stub remote = new Stub("remote");
    Stub local = new Stub("local");
    FallbackAnalyzer analyzer = FallbackAnalyzer.of(remote, local);
    assertThat(analyzer.fingerprint()).isEqualTo("remote/1");
    assertThat(analyzer.name()).isEqualTo("remote");
    analyzer.close();
    assertThat(remote.closed).isTrue();
    assertThat(local.closed).isTrue();
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> FallbackAnalyzer.of(new Stub("a"), new Stub("b"), 0, Duration.ofMinutes(1),
        Clock.systemUTC())).isInstanceOf(InvalidInputException.class).hasMessageContaining("failures_to_open");
    assertThatThrownBy(() -> FallbackAnalyzer.of(new Stub("a"), new Stub("b"), 1, Duration.ZERO,
        Clock.systemUTC())).isInstanceOf(InvalidInputException.class).hasMessageContaining("open_for");
  }
}
