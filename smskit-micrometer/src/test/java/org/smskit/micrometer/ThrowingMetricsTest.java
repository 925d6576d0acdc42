package org.smskit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Metrics that throw never fail the work they count. */
class ThrowingMetricsTest extends MetricsTestBase {
  final AtomicInteger calls = new AtomicInteger();

  @Override
  SmsMetrics metrics(MeterRegistry registry) {
    return new SmsMetrics() {
      @Override
      public void providerRequest(String provider, Operation operation, RequestOutcome outcome,
          ProviderException.Kind error, long durationNanos) {
        calls.incrementAndGet();
        throw new IllegalStateException("registry closed");
      }

      @Override
      public void messagesQueued(String provider, MessageType type, int count) {
        calls.incrementAndGet();
        throw new IllegalStateException("registry closed");
      }

      @Override
      public void webhookHandled(String provider, WebhookKind kind, WebhookResult result) {
        calls.incrementAndGet();
        throw new IllegalStateException("registry closed");
      }
    };
  }

  @Test
  void sendsAndWebhooksSucceedAnyway() {
    SendReceipt receipt = sms.send(text("hello"));
    WebhookOutcome inbound = sms.handleWebhook(account, inbound("hi back"));

    assertThat(receipt.status()).isIn(MessageStatus.SENDING, MessageStatus.SENT);
    assertThat(inbound.result()).isEqualTo(WebhookOutcome.Result.STORED);
    assertThat(calls).as("queued, requested, webhook").hasValue(3);
  }
}
