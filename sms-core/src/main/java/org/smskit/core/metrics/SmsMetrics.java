package org.smskit.core.metrics;

import org.smskit.core.Nullable;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;

/**
 * What smskit tells a metrics system, as events with bounded arguments: enums, provider and analyzer names (one per
 * installed implementation), durations. Never an id, a phone number or free text, so that every argument can
 * become a tag. {@code smskit-micrometer} implements it over Micrometer; sms-core itself depends on no metrics
 * library.
 *
 * <p>Every method does nothing by default: implement those you need. The library calls them on its own threads
 * (request threads, dispatcher and analysis workers), after the transaction that did the work committed where the
 * work writes (a queue the host's transaction rolls back is never counted). Implementations must be thread-safe and
 * cheap (no I/O, no locks held for long), and should not throw: the library wraps the instance it is given in
 * {@link #guarded}, so that an exception is logged once and swallowed rather than reaching the work it measures.
 *
 * <p>Durations are in nanoseconds ({@link System#nanoTime()} differences, or the service clock's for waits), so
 * that no call allocates.
 */
public interface SmsMetrics {

  /** Records nothing: the default of {@code SmsService.Builder.metrics}. */
  SmsMetrics NONE = new SmsMetrics() {};

  /** What a request to a provider was for. */
  enum Operation {
    /** Sending a message. */
    SEND,
    /** Looking a message up (the reconciler, for a message held with an unknown outcome). */
    LOOKUP
  }

  /** How a request to a provider ended. */
  enum RequestOutcome {
    /** The provider answered yes (accepted the message, found it). */
    SUCCESS,
    /** The provider answered no, or could not be reached before the request left. */
    FAILURE,
    /** The request left but no answer came: the provider may or may not have acted on it. */
    UNKNOWN
  }

  /** What a webhook carried. */
  enum WebhookKind {
    /** An inbound message. */
    INBOUND,
    /** A status report about a message we sent. */
    STATUS,
    /** Anything else the provider sends (a part of a message delivered in pieces, a ping). */
    OTHER,
    /** Not known: the webhook failed before it was parsed (a bad signature, an unknown account). */
    UNKNOWN
  }

  /** What became of a webhook. */
  enum WebhookResult {
    /** Stored or applied. */
    OK,
    /** The same inbound message arrived before; nothing changed. */
    DUPLICATE,
    /** A status report older than what is known, or repeating it; kept in the history only. */
    STALE,
    /** A status report for a message not known (yet); kept for reconciliation. */
    UNMATCHED,
    /** Its signature did not verify: refused, nothing written. */
    BAD_SIGNATURE,
    /** Refused as invalid (an unknown account, a malformed request): nothing written. */
    REJECTED,
    /** Failed on our side (the database unreachable): nothing written, the provider will retry. */
    ERROR
  }

  /** What held a message back: the limit it waited for. */
  enum WaitScope {
    /** The sender number's rate. */
    NUMBER,
    /** The provider account's rate (including the burst after a slow-down). */
    ACCOUNT,
    /** The provider asked to slow down (a 429) and the request was not made. */
    SLOW_DOWN
  }

  /** What became of one conversation analysis. */
  enum AnalysisOutcome {
    /** The analyzer ran and its result was stored. */
    UPDATED,
    /** Nothing new to read since the last analysis: the analyzer did not run. */
    UNCHANGED,
    /** The analyzer failed (retried later, or given up). */
    FAILED,
    /** The result was dropped: another worker took the task over meanwhile. */
    DROPPED
  }

  /**
   * A request to a provider finished.
   *
   * @param provider the provider's name ({@code twilio}, {@code vonage}, {@code simulated})
   * @param error how it failed, null on success
   * @param durationNanos how long the request took
   */
  default void providerRequest(String provider, Operation operation, RequestOutcome outcome,
      @Nullable ProviderException.Kind error, long durationNanos) {}

  /** {@code count} outbound messages were queued (a single send, or a bulk send's queued recipients). */
  default void messagesQueued(String provider, MessageType type, int count) {}

  /** A new inbound message was stored (once, however often the provider delivered it). */
  default void messageReceived(String provider, MessageType type) {}

  /** A webhook was handled (or refused). */
  default void webhookHandled(String provider, WebhookKind kind, WebhookResult result) {}

  /** A status report moved an outbound message to {@code status}. */
  default void deliveryStatus(String provider, MessageStatus status) {}

  /**
   * A message that was due waits for a rate limit: postponed without spending an attempt.
   *
   * @param waitNanos how long it was postponed by
   */
  default void rateLimitWait(WaitScope scope, long waitNanos) {}

  /**
   * A provider accepted a message: {@code latencyNanos} from its queuing (by the service clock) to the provider's
   * acceptance, retries included. Scheduled messages are not measured (they wait on purpose).
   */
  default void dispatchLatency(String provider, long latencyNanos) {}

  /** One conversation analysis finished; {@code durationNanos} is the analyzer's time (0 when it did not run). */
  default void analysisRun(String analyzer, AnalysisOutcome outcome, long durationNanos) {}

  /**
   * {@code metrics}, guarded: an exception it throws is logged (the first time, with its stack trace) and
   * swallowed, never propagated into the work it measures. Returns {@link #NONE} itself for {@link #NONE}.
   */
  static SmsMetrics guarded(SmsMetrics metrics) {
    if (metrics == NONE || metrics instanceof GuardedMetrics) {
      return metrics;
    }
    return new GuardedMetrics(metrics);
  }
}
