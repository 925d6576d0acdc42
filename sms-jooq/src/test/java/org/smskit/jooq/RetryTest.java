package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.dispatch.DispatchStats;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.SendReceipt;

/** What the dispatcher does with each provider answer: retry with backoff, fail, record an opt-out, hold. */
class RetryTest extends DispatchTestBase {

  @Test
  void retryableFailuresBackOffExponentiallyWithJitterThenFailWithTheLastError() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().maxAttempts(4).backoff(Duration.ofSeconds(10), Duration.ofMinutes(15))
        .build());
    for (String code : List.of("e1", "e2", "e3", "e4")) {
      network().failNextSend(Kind.RETRYABLE, code);
    }
    SendReceipt receipt = queue(w, "try hard");

    long base = 10;
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(dispatcher.runOnce()).isEqualTo(1);
      Instant now = clock.instant();
      Message waiting = stored(receipt.messageId());
      assertThat(waiting.status()).isEqualTo(MessageStatus.QUEUED);
      assertThat(waiting.providerErrorCode()).isEqualTo("e" + attempt);
      assertThat(outbox(receipt.messageId())).hasValueSatisfying(e -> {
        assertThat(e.leaseOwner()).isNull();
        assertThat(e.lastError()).contains("scripted failure");
      });
      Duration wait = Duration.between(now, dueAt(receipt.messageId()));
      Duration expected = Duration.ofSeconds(base << (attempt - 1));
      assertThat(wait).as("backoff after attempt %d", attempt)
          .isBetween(expected.multipliedBy(8).dividedBy(10), expected.multipliedBy(12).dividedBy(10));

      assertThat(dispatcher.runOnce()).as("not due yet").isZero();
      clock.set(dueAt(receipt.messageId()));
    }
    assertThat(dispatcher.runOnce()).isEqualTo(1);

    Message failed = stored(receipt.messageId());
    assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(failed.providerErrorCode()).as("the last error").isEqualTo("e4");
    assertThat(failed.failedAt()).isEqualTo(clock.instant());
    assertThat(outbox(receipt.messageId())).isEmpty();
    assertThat(attempts(receipt.messageId())).containsExactly("1:retry", "2:retry", "3:retry", "4:failed");
    assertThat(db.strings("SELECT error_code FROM smskit.sms_send_attempts WHERE message_id = ? ORDER BY attempt",
        receipt.messageId())).containsExactly("e1", "e2", "e3", "e4");
    assertThat(events(SmsEvent.SendFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo("e4"));
    clock.advance(Duration.ofDays(1));
    assertThat(dispatcher.runOnce()).isZero();
    assertThat(providers.sendCalls).hasValue(4);
  }

  /** The quick start's honest answer: a send the provider refuses for now is queued, with its error and retry. */
  @Test
  void aSendRefusedForNowSaysItIsQueuedWithTheErrorAndWhenItIsTriedAgain() {
    World w = world();
    network().failNextSend(Kind.RETRYABLE, "30001");
    SendReceipt receipt = sms.send(org.smskit.jooq.sending.SendRequest.to(CUSTOMER).fromService(w.service())
        .body("Your order shipped").build());
    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(receipt.waitsForDispatcher()).isTrue();
    assertThat(receipt.errorCode()).isEqualTo("30001");
    assertThat(receipt.nextAttemptAt()).isAfter(clock.instant()).isEqualTo(dueAt(receipt.messageId()));

    SendReceipt delivered = sms.send(org.smskit.jooq.sending.SendRequest.to(CUSTOMER).fromService(w.service())
        .body("Second").build());
    assertThat(delivered.waitsForDispatcher()).isFalse();
    assertThat(delivered.nextAttemptAt()).isNull();
  }

  @Test
  void backoffDoublesWithTwentyPercentJitterUpToTheMaximum() {
    DispatcherConfig config = config().backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)).build();
    Set<Duration> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Duration third = config.backoffAfter(3, null);
      assertThat(third).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
      seen.add(third);
    }
    assertThat(seen).as("jittered, not a fixed delay").hasSizeGreaterThan(100);
    double mean = IntStream.range(0, 2000).mapToLong(i -> config.backoffAfter(1, null).toMillis()).average()
        .orElseThrow();
    assertThat(mean).isBetween(950.0, 1050.0);
    assertThat(config.backoffAfter(8, null)).as("128 s ± 20%, capped").isEqualTo(Duration.ofSeconds(60));
    assertThat(config.backoffAfter(5000, null)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void retryAfterLongerThanTheBackoffWins() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().backoff(Duration.ofSeconds(5), Duration.ofMinutes(15)).build());
    providers.onSend((message, simulated) -> {
      throw failure(Kind.RATE_LIMITED, "20429", Duration.ofMinutes(2));
    });
    SendReceipt receipt = queue(w, "slow down");

    dispatcher.runOnce();

    assertThat(dueAt(receipt.messageId())).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(attempts(receipt.messageId())).containsExactly("1:retry");
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"PERMANENT", "BAD_CREDENTIALS", "UNSUPPORTED"})
  void permanentFailureFailsAtOnce(Kind kind) {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().maxAttempts(5).build());
    network().failNextSend(kind, "21211");
    SendReceipt receipt = queue(w, "never");

    dispatcher.runOnce();
    clock.advance(Duration.ofHours(1));
    assertThat(drain(dispatcher)).isZero();

    Message failed = stored(receipt.messageId());
    assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(failed.providerErrorCode()).isEqualTo("21211");
    assertThat(failed.failedAt()).isEqualTo(T0);
    assertThat(attempts(receipt.messageId())).containsExactly("1:failed");
    assertThat(outbox(receipt.messageId())).isEmpty();
    assertThat(providers.sendCalls).hasValue(1);
    assertThat(events(SmsEvent.SendFailed.class)).hasSize(1);
  }

  @Test
  void recipientOptedOutFailsTheMessageAndRecordsTheOptOut() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().build());
    network().failNextSend(Kind.RECIPIENT_OPTED_OUT, "21610");
    SendReceipt receipt = queue(w, "unwanted");

    dispatcher.runOnce();

    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(attempts(receipt.messageId())).containsExactly("1:failed");
    assertThat(sms.activeOptOuts(CUSTOMER)).singleElement().satisfies(o -> {
      assertThat(o.scope()).isEqualTo(OptOutScope.SERVICE);
      assertThat(o.serviceAccountId()).isEqualTo(w.service());
      assertThat(o.source()).isEqualTo(OptOutSource.PROVIDER);
      assertThat(o.provider()).isEqualTo("simulated");
    });
    assertThat(events(SmsEvent.RecipientOptedOut.class)).singleElement()
        .extracting(SmsEvent.RecipientOptedOut::optOut).extracting(OptOut::serviceAccountId).isEqualTo(w.service());
    assertThatThrownBy(() -> queue(w, "again")).isInstanceOf(RecipientOptedOutException.class);
  }

  @Test
  void unknownOutcomeWithHoldIsNeverSentAgain() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().unknownOutcome(UnknownOutcome.HOLD).build());
    network().failNextSend(Kind.OUTCOME_UNKNOWN, null);
    SendReceipt receipt = queue(w, "did it go?");

    dispatcher.runOnce();
    clock.advance(Duration.ofDays(2));
    assertThat(drain(dispatcher)).isZero();
    SendReceipt again = sms.dispatch(receipt.messageId());

    Message held = stored(receipt.messageId());
    assertThat(held.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(held.providerErrorCode()).isEqualTo("outcome_unknown");
    assertThat(again.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(attempts(receipt.messageId())).containsExactly("1:held");
    assertThat(outbox(receipt.messageId())).isEmpty();
    assertThat(providers.sendCalls).hasValue(1);
    assertThat(events(SmsEvent.SendFailed.class)).isEmpty();
    assertThat(sms.dispatchStats().held()).isEqualTo(1);
    assertThat(sms.dispatchStats().sending()).isZero();
  }

  @Test
  void unknownOutcomeWithRetryIsSentAgainAfterTheBackoff() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().unknownOutcome(UnknownOutcome.RETRY)
        .backoff(Duration.ofSeconds(10), Duration.ofMinutes(1)).build());
    network().failNextSend(Kind.OUTCOME_UNKNOWN, null);
    SendReceipt receipt = queue(w, "did it go?");

    dispatcher.runOnce();
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(dueAt(receipt.messageId())).isBetween(T0.plusSeconds(8), T0.plusSeconds(12));
    clock.set(dueAt(receipt.messageId()));
    dispatcher.runOnce();

    assertThat(attempts(receipt.messageId())).containsExactly("1:unknown", "2:sent");
    assertThat(providers.sendCalls).hasValue(2);
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
  }

  @Test
  void unknownOutcomeWithRetryOnTheLastAttemptIsHeldNotFailed() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().unknownOutcome(UnknownOutcome.RETRY).maxAttempts(2)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
    network().failNextSend(Kind.OUTCOME_UNKNOWN, null);
    network().failNextSend(Kind.OUTCOME_UNKNOWN, null);
    SendReceipt receipt = queue(w, "did it go?");

    dispatcher.runOnce();
    clock.advance(Duration.ofSeconds(2));
    dispatcher.runOnce();
    clock.advance(Duration.ofDays(1));
    assertThat(drain(dispatcher)).isZero();

    // The last call may have gone through: failing the message would tell the host something untrue.
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(attempts(receipt.messageId())).containsExactly("1:unknown", "2:held");
    assertThat(providers.sendCalls).hasValue(2);
  }

  @Test
  void retryableFailureOfOneMessageDoesNotHoldBackTheOthers() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    network().failNextSend(Kind.RETRYABLE, "30001");
    SendReceipt first = queue(w, "first");
    SendReceipt second = queue(w, "second");

    assertThat(dispatcher.runOnce()).isEqualTo(2);

    assertThat(List.of(stored(first.messageId()).status(), stored(second.messageId()).status()))
        .containsExactlyInAnyOrder(MessageStatus.QUEUED, MessageStatus.SENDING);
    DispatchStats stats = sms.dispatchStats();
    assertThat(stats.retrying()).isEqualTo(1);
  }
}
