package org.smskit.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;

class GuardedMetricsTest {

  /** Throws on every event, counting the calls that reached it. */
  static final class Throwing implements SmsMetrics {
    final AtomicInteger calls = new AtomicInteger();

    private void fail() {
      calls.incrementAndGet();
      throw new IllegalStateException("broken registry");
    }

    @Override
    public void providerRequest(String provider, Operation operation, RequestOutcome outcome,
        ProviderException.Kind error, long durationNanos) {
      fail();
    }

    @Override
    public void messagesQueued(String provider, MessageType type, int count) {
      fail();
    }

    @Override
    public void messageReceived(String provider, MessageType type) {
      fail();
    }

    @Override
    public void webhookHandled(String provider, WebhookKind kind, WebhookResult result) {
      fail();
    }

    @Override
    public void deliveryStatus(String provider, MessageStatus status) {
      fail();
    }

    @Override
    public void rateLimitWait(WaitScope scope, long waitNanos) {
      fail();
    }

    @Override
    public void dispatchLatency(String provider, long latencyNanos) {
      fail();
    }

    @Override
    public void analysisRun(String analyzer, AnalysisOutcome outcome, long durationNanos) {
      fail();
    }
  }

  @Test
  void aThrowingImplementationNeverReachesTheCaller() {
    Throwing broken = new Throwing();
    SmsMetrics guarded = SmsMetrics.guarded(broken);
    assertThatCode(() -> {
      guarded.providerRequest("simulated", SmsMetrics.Operation.SEND, SmsMetrics.RequestOutcome.FAILURE,
          ProviderException.Kind.RETRYABLE, 1_000);
      guarded.messagesQueued("simulated", MessageType.SMS, 1);
      guarded.messageReceived("simulated", MessageType.MMS);
      guarded.webhookHandled("simulated", SmsMetrics.WebhookKind.INBOUND, SmsMetrics.WebhookResult.OK);
      guarded.deliveryStatus("simulated", MessageStatus.DELIVERED);
      guarded.rateLimitWait(SmsMetrics.WaitScope.NUMBER, 5);
      guarded.dispatchLatency("simulated", 5);
      guarded.analysisRun("lexicon", SmsMetrics.AnalysisOutcome.UPDATED, 5);
      guarded.messagesQueued("simulated", MessageType.SMS, 1);
    }).doesNotThrowAnyException();
    assertThat(broken.calls).as("every event still reached the implementation").hasValue(9);
  }

  @Test
  void aThrowingImplementationIsWarnedAboutOnce() {
    SmsMetrics guarded = SmsMetrics.guarded(new Throwing());
    // slf4j-simple writes to the System.err of the moment (not a cached stream).
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 5; i++) {
        guarded.messagesQueued("simulated", MessageType.SMS, 1);
      }
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.split("WARN", -1)).as(log).hasSize(2);
    assertThat(log).contains("broken registry");
  }

  @Test
  void guardingIsIdempotentAndNoneStaysNone() {
    SmsMetrics guarded = SmsMetrics.guarded(new Throwing());
    assertThat(SmsMetrics.guarded(guarded)).isSameAs(guarded);
    assertThat(SmsMetrics.guarded(SmsMetrics.NONE)).isSameAs(SmsMetrics.NONE);
  }

  @Test
  void theDefaultsDoNothing() {
    assertThatCode(() -> SmsMetrics.NONE.providerRequest("x", SmsMetrics.Operation.LOOKUP,
        SmsMetrics.RequestOutcome.SUCCESS, null, 0)).doesNotThrowAnyException();
  }
}
