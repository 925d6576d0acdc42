package org.smskit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.SendReceipt;

/** Real flows over the simulated provider and PostgreSQL, and the exact meters they leave. */
class MicrometerMetricsTest extends MetricsTestBase {

  private Timer requests(String outcome, String error) {
    return registry.get("smskit.provider.requests").tags("provider", "simulated", "operation", "send",
        "outcome", outcome, "error", error).timer();
  }

  /** The sum of the counters of {@code name} that have {@code tags}. */
  private double counter(String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void dispatchedSendsAreTimedByProviderOutcomeAndError() {
    sms.queue(text("one"));
    sms.queue(text("two"));
    sms.queue(text("three"));
    network.failNextSend(Kind.RETRYABLE, "30001");
    network.failNextSend(Kind.PERMANENT, "21211");
    clock.advance(Duration.ofSeconds(2));
    Dispatcher dispatcher = sms.dispatcher(DispatcherConfig.builder().workers(1).batchSize(50).longCodeRate(0)
        .build());

    dispatcher.runOnce();

    assertThat(counter("smskit.messages.queued", "provider", "simulated", "type", "sms")).isEqualTo(3);
    assertThat(requests("success", "none").count()).isEqualTo(1);
    assertThat(requests("failure", "retryable").count()).isEqualTo(1);
    assertThat(requests("failure", "permanent").count()).isEqualTo(1);
    assertThat(registry.find("smskit.provider.requests").timers()).hasSize(3);
    Timer latency = registry.get("smskit.dispatch.latency").tag("provider", "simulated").timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.SECONDS)).as("queued at the start, accepted 2 s later").isEqualTo(2.0);
    assertTagsAreBounded();
  }

  @Test
  void aQueueRolledBackInTheHostsTransactionIsNeverCounted() throws Exception {
    List<Runnable> afterCommit = new ArrayList<>();
    try (Connection connection = db.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      sms.joining(connection, afterCommit::add).queue(text("rolled back"));
      assertThat(counter("smskit.messages.queued")).as("not before the host commits").isZero();
      connection.rollback();
    }
    assertThat(counter("smskit.messages.queued")).isZero();

    afterCommit.clear();
    try (Connection connection = db.dataSource().getConnection()) {
      connection.setAutoCommit(false);
      sms.joining(connection, afterCommit::add).queue(text("committed"));
      assertThat(counter("smskit.messages.queued")).isZero();
      connection.commit();
    }
    afterCommit.forEach(Runnable::run);
    assertThat(counter("smskit.messages.queued", "provider", "simulated", "type", "sms")).isEqualTo(1);
  }

  @Test
  void inboundWebhooksGoodBadAndDuplicate() {
    WebhookRequest hello = inbound("hello");
    sms.handleWebhook(account, hello);
    sms.handleWebhook(account, hello); // the provider delivered it twice
    Map<String, List<String>> forged = new HashMap<>(hello.headers());
    forged.replaceAll((name, values) -> name.equalsIgnoreCase("X-Smskit-Signature") ? List.of("forged") : values);
    WebhookRequest bad = WebhookRequest.of(hello.method(), hello.url(), forged, hello.body());
    assertThatThrownBy(() -> sms.handleWebhook(account, bad)).isInstanceOf(WebhookVerificationException.class);

    assertThat(counter("smskit.webhooks.received", "provider", "simulated", "kind", "inbound", "outcome", "ok"))
        .isEqualTo(1);
    assertThat(counter("smskit.webhooks.received", "provider", "simulated", "kind", "inbound",
        "outcome", "duplicate")).isEqualTo(1);
    assertThat(counter("smskit.webhooks.received", "provider", "simulated", "kind", "unknown",
        "outcome", "bad_signature")).isEqualTo(1);
    assertThat(counter("smskit.webhooks.received")).as("nothing else").isEqualTo(3);
    assertThat(counter("smskit.messages.received", "provider", "simulated", "type", "sms")).isEqualTo(1);
    assertTagsAreBounded();
  }

  @Test
  void aWebhookForAnUnknownAccountIsRejected() {
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> sms.handleWebhook(unknown, inbound("hello"))).isNotNull();

    assertThat(counter("smskit.webhooks.received", "provider", "unknown", "kind", "unknown", "outcome", "rejected"))
        .isEqualTo(1);
    assertTagsAreBounded();
  }

  @Test
  void statusReportsCountTheStatusTheyApplied() {
    SendReceipt sent = sms.send(text("track me"));
    String sid = network.sent().get(0).providerMessageId();
    sms.handleWebhook(account, network.statusCallback(hook, sid, MessageStatus.DELIVERED, null));
    sms.handleWebhook(account, network.statusCallback(hook, sid, MessageStatus.SENT, null)); // late: stale

    assertThat(sent.status()).isNotNull();
    assertThat(counter("smskit.delivery.status", "provider", "simulated", "status", "delivered")).isEqualTo(1);
    assertThat(counter("smskit.delivery.status")).isEqualTo(1);
    assertThat(counter("smskit.webhooks.received", "kind", "status", "outcome", "ok")).isEqualTo(1);
    assertThat(counter("smskit.webhooks.received", "kind", "status", "outcome", "stale")).isEqualTo(1);
    assertThat(requests("success", "none").count()).isEqualTo(1);
    assertThat(registry.get("smskit.dispatch.latency").timer().totalTime(TimeUnit.SECONDS)).isZero();
    assertTagsAreBounded();
  }

  @Test
  void aSlowDownIsCountedAndTheNextMessageWaitsForIt() {
    network.failNextSend(Kind.RATE_LIMITED, null); // a 429 asking for 1 s
    UUID first = sms.queue(text("first")).messageId();
    UUID second = sms.queue(text("second")).messageId();

    sms.dispatch(first);
    SendReceipt waiting = sms.dispatch(second);

    assertThat(waiting.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(requests("failure", "rate_limited").count()).isEqualTo(1);
    assertThat(registry.find("smskit.provider.requests").timers()).hasSize(1);
    Timer account = registry.get("smskit.ratelimit.wait").tag("scope", "account").timer();
    assertThat(account.count()).isEqualTo(1);
    assertThat(account.totalTime(TimeUnit.SECONDS)).isEqualTo(1.0);
    assertThat(registry.get("smskit.ratelimit.wait").tag("scope", "number").timer().count()).isZero();
    assertTagsAreBounded();
  }

  @Test
  void anUnknownOutcomeAndTheReconcilersLookup() {
    network.loseNextAnswer();
    UUID lost = sms.queue(text("lost answer")).messageId();
    sms.dispatch(lost);
    sms.reconcileHeld();

    assertThat(requests("unknown", "outcome_unknown").count()).isEqualTo(1);
    assertThat(registry.get("smskit.provider.requests").tags("operation", "lookup", "outcome", "success",
        "error", "none").timer().count()).isEqualTo(1);
    assertTagsAreBounded();
  }

  @Test
  void messagesTheDispatcherDefersForTheNumbersRateAreWaits() {
    sms.queue(text("one"));
    sms.queue(text("two"));
    sms.queue(text("three"));
    Dispatcher dispatcher = sms.dispatcher(DispatcherConfig.builder().workers(1).batchSize(50).longCodeRate(1)
        .build());

    dispatcher.runOnce();

    assertThat(requests("success", "none").count()).isEqualTo(1);
    Timer number = registry.get("smskit.ratelimit.wait").tag("scope", "number").timer();
    assertThat(number.count()).as("deferred at claim, one second each").isEqualTo(2);
    assertThat(number.totalTime(TimeUnit.SECONDS)).isEqualTo(2.0);
    assertThat(registry.get("smskit.ratelimit.wait").tag("scope", "account").timer().count()).isZero();
  }
}
