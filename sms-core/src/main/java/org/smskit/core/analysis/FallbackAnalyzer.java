package org.smskit.core.analysis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary analyzer (usually remote) behind a circuit, with a fallback (usually the offline lexicon analyzer):
 * a request the primary fails is answered by the fallback; after {@code failuresToOpen} failures in a row the
 * primary is not asked for {@code openFor}, then one request probes it again. Its fingerprint is the primary's: a
 * fallback result is cached like a primary one and replaced at the conversation's next message or on demand.
 * Thread-safe.
 */
public final class FallbackAnalyzer implements ConversationAnalyzer {
  private static final Logger log = LoggerFactory.getLogger(FallbackAnalyzer.class);

  private final ConversationAnalyzer primary;
  private final ConversationAnalyzer fallback;
  private final int failuresToOpen;
  private final Duration openFor;
  private final Clock clock;
  private int failures;
  private Instant openUntil = Instant.MIN;

  private FallbackAnalyzer(ConversationAnalyzer primary, ConversationAnalyzer fallback, int failuresToOpen,
      Duration openFor, Clock clock) {
    this.primary = Require.nonNull(primary, "primary");
    this.fallback = Require.nonNull(fallback, "fallback");
    if (failuresToOpen < 1) {
      throw new InvalidInputException("failures_to_open", "at least 1");
    }
    if (Require.nonNull(openFor, "open_for").isNegative() || openFor.isZero()) {
      throw new InvalidInputException("open_for", "positive");
    }
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.clock = Require.nonNull(clock, "clock");
  }

  /** {@code primary} with {@code fallback}: the circuit opens after 3 failures in a row, for 5 minutes. */
  public static FallbackAnalyzer of(ConversationAnalyzer primary, ConversationAnalyzer fallback) {
    return of(primary, fallback, 3, Duration.ofMinutes(5), Clock.systemUTC());
  }

  public static FallbackAnalyzer of(ConversationAnalyzer primary, ConversationAnalyzer fallback, int failuresToOpen,
      Duration openFor, Clock clock) {
    return new FallbackAnalyzer(primary, fallback, failuresToOpen, openFor, clock);
  }

  @Override
  public String name() {
    return primary.name();
  }

  @Override
  public String fingerprint() {
    return primary.fingerprint();
  }

  /** Whether the primary is not being asked now. */
  public synchronized boolean open() {
    return clock.instant().isBefore(openUntil);
  }

  @Override
  public ConversationAnalysis analyze(AnalysisRequest request) {
    if (open()) {
      return fallback.analyze(request);
    }
    try {
      ConversationAnalysis analysis = primary.analyze(request);
      synchronized (this) {
        failures = 0;
      }
      return analysis;
    } catch (AnalysisException e) {
      synchronized (this) {
        if (++failures >= failuresToOpen) {
          openUntil = clock.instant().plus(openFor);
          failures = 0;
          log.warn("smskit analyzer '{}' failed {} times in a row ({}); using '{}' for {}", primary.name(),
              failuresToOpen, e.code(), fallback.name(), openFor);
        }
      }
      return fallback.analyze(request);
    }
  }

  @Override
  public void close() {
    try {
      primary.close();
    } finally {
      fallback.close();
    }
  }
}
