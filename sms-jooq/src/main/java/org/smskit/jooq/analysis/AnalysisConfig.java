package org.smskit.jooq.analysis;

import java.time.Duration;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;

/**
 * How the background {@link AnalysisWorker} works. Build with {@link #builder()}; {@link #defaults()} suits most
 * hosts.
 *
 * @param debounce how long after a conversation's latest message it is analysed (each new message moves it on)
 * @param maxDelay the longest a busy conversation waits for analysis from its first unanalysed message
 * @param batchSize conversations one claim takes
 * @param lease how long a claimed conversation is the worker's; it must outlast one analysis (a remote analyzer's
 *     timeouts and retries), or another worker analyses it again and the slower result is dropped
 * @param pollInterval how often an idle worker looks for stale conversations and due tasks
 * @param windowMessages the most recent messages an analysis reads
 * @param windowChars the most characters of text it reads (the newest messages first)
 * @param maxAttempts analyses of one conversation that may fail (retryably) before it waits for its next message
 * @param retryBackoff the wait after a first retryable failure, doubled for each further one
 */
public record AnalysisConfig(Duration debounce, Duration maxDelay, int batchSize, Duration lease,
    Duration pollInterval, int windowMessages, int windowChars, int maxAttempts, Duration retryBackoff) {

  public AnalysisConfig {
    nonNegative("debounce", debounce);
    positive("max_delay", maxDelay);
    range("batch_size", batchSize, 1, 1_000);
    positive("lease", lease);
    positive("poll_interval", pollInterval);
    range("window_messages", windowMessages, 1, 1_000);
    range("window_chars", windowChars, 100, 1_000_000);
    range("max_attempts", maxAttempts, 1, 100);
    positive("retry_backoff", retryBackoff);
    if (maxDelay.compareTo(debounce) < 0) {
      throw new InvalidInputException("max_delay", "at least the debounce");
    }
  }

  /** Debounce 30 s, longest delay 10 min, batches of 10, lease 5 min, poll every second, 50 messages or 12,000 characters, 5 attempts from a 1 min backoff. */
  public static AnalysisConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void nonNegative(String field, Duration value) {
    if (Require.nonNull(value, field).isNegative()) {
      throw new InvalidInputException(field, "not negative");
    }
  }

  private static void positive(String field, Duration value) {
    if (Require.nonNull(value, field).isNegative() || value.isZero()) {
      throw new InvalidInputException(field, "positive");
    }
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidInputException(field, "between " + min + " and " + max);
    }
  }

  /** Builds an {@link AnalysisConfig}; every value starts at its default. Not thread-safe. */
  public static final class Builder {
    private Duration debounce = Duration.ofSeconds(30);
    private Duration maxDelay = Duration.ofMinutes(10);
    private int batchSize = 10;
    private Duration lease = Duration.ofMinutes(5);
    private Duration pollInterval = Duration.ofSeconds(1);
    private int windowMessages = 50;
    private int windowChars = 12_000;
    private int maxAttempts = 5;
    private Duration retryBackoff = Duration.ofMinutes(1);

    private Builder() {}

    public Builder debounce(Duration value) { debounce = value; return this; }
    public Builder maxDelay(Duration value) { maxDelay = value; return this; }
    public Builder batchSize(int value) { batchSize = value; return this; }
    public Builder lease(Duration value) { lease = value; return this; }
    public Builder pollInterval(Duration value) { pollInterval = value; return this; }
    public Builder windowMessages(int value) { windowMessages = value; return this; }
    public Builder windowChars(int value) { windowChars = value; return this; }
    public Builder maxAttempts(int value) { maxAttempts = value; return this; }
    public Builder retryBackoff(Duration value) { retryBackoff = value; return this; }

    /** @throws InvalidInputException naming the value out of range */
    public AnalysisConfig build() {
      return new AnalysisConfig(debounce, maxDelay, batchSize, lease, pollInterval, windowMessages, windowChars,
          maxAttempts, retryBackoff);
    }
  }
}
