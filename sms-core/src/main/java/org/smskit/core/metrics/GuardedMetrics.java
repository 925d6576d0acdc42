package org.smskit.core.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;

/**
 * A host's {@link SmsMetrics} behind a guard: metrics must never fail a send or a webhook, and a broken
 * implementation must not flood the log either (one warning with the stack trace, then debug lines). One try block
 * per method rather than a helper taking a lambda: a capturing lambda would allocate on every event.
 */
final class GuardedMetrics implements SmsMetrics {
  private static final Logger log = LoggerFactory.getLogger(GuardedMetrics.class);

  private final SmsMetrics delegate;
  private final AtomicBoolean warned = new AtomicBoolean();

  GuardedMetrics(SmsMetrics delegate) {
    this.delegate = Objects.requireNonNull(delegate, "metrics");
  }

  private void failed(String event, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn("smskit metrics {} failed on {}; further failures are logged at debug level",
          delegate.getClass().getName(), event, e);
    } else {
      log.debug("smskit metrics {} failed on {}: {}", delegate.getClass().getName(), event, e.toString());
    }
  }

  @Override
  public void providerRequest(String provider, Operation operation, RequestOutcome outcome,
      @Nullable ProviderException.Kind error, long durationNanos) {
    try {
      delegate.providerRequest(provider, operation, outcome, error, durationNanos);
    } catch (RuntimeException e) {
      failed("providerRequest", e);
    }
  }

  @Override
  public void messagesQueued(String provider, MessageType type, int count) {
    try {
      delegate.messagesQueued(provider, type, count);
    } catch (RuntimeException e) {
      failed("messagesQueued", e);
    }
  }

  @Override
  public void messageReceived(String provider, MessageType type) {
    try {
      delegate.messageReceived(provider, type);
    } catch (RuntimeException e) {
      failed("messageReceived", e);
    }
  }

  @Override
  public void webhookHandled(String provider, WebhookKind kind, WebhookResult result) {
    try {
      delegate.webhookHandled(provider, kind, result);
    } catch (RuntimeException e) {
      failed("webhookHandled", e);
    }
  }

  @Override
  public void deliveryStatus(String provider, MessageStatus status) {
    try {
      delegate.deliveryStatus(provider, status);
    } catch (RuntimeException e) {
      failed("deliveryStatus", e);
    }
  }

  @Override
  public void rateLimitWait(WaitScope scope, long waitNanos) {
    try {
      delegate.rateLimitWait(scope, waitNanos);
    } catch (RuntimeException e) {
      failed("rateLimitWait", e);
    }
  }

  @Override
  public void dispatchLatency(String provider, long latencyNanos) {
    try {
      delegate.dispatchLatency(provider, latencyNanos);
    } catch (RuntimeException e) {
      failed("dispatchLatency", e);
    }
  }

  @Override
  public void analysisRun(String analyzer, AnalysisOutcome outcome, long durationNanos) {
    try {
      delegate.analysisRun(analyzer, outcome, durationNanos);
    } catch (RuntimeException e) {
      failed("analysisRun", e);
    }
  }
}
