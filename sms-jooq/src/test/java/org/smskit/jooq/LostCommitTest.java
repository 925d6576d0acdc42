package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.StorageException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.testing.LostCommits;

/**
 * The commit that marks a batch {@code sending} goes through, but its answer is lost (the connection drops between
 * the server's commit and the driver): the worker makes no request, so the attempt it counted is withdrawn and the
 * message goes again, rather than being found {@code sending} later and held as if it might have been sent.
 */
class LostCommitTest extends DispatchTestBase {
  /** The prepare's transaction, and only it, starts attempts. */
  private static final String PREPARE = "insert into \"smskit\".\"sms_send_attempts\"";

  private final LostCommits faults = new LostCommits();
  private SmsService lossy;

  @BeforeEach
  void lossyService() {
    lossy = service(builder(faults::wrap), b -> {});
  }

  @Test
  void aDispatcherWhosePrepareCommitIsLostSendsTheMessageOnceWithOneAttempt() {
    World w = world(lossy);
    UUID id = queue(w, "prepared, answer lost").messageId();
    Dispatcher dispatcher = dispatcher(lossy, config().unknownOutcome(UnknownOutcome.HOLD).build());

    faults.loseNextCommitAfter(PREPARE);
    assertThat(dispatcher.runOnce()).isEqualTo(1);

    assertThat(faults.lost()).as("the fault was injected").isTrue();
    assertThat(providers.sendCalls).as("no request after an unconfirmed prepare").hasValue(0);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(attempts(id)).as("the counted attempt is withdrawn").isEmpty();
    assertThat(outbox(id)).hasValueSatisfying(e -> {
      assertThat(e.leaseOwner()).isNull();
      assertThat(e.attempts()).isZero();
      assertThat(e.dueAt()).isBeforeOrEqualTo(clock.instant());
    });
    assertThat(history(id)).extracting(h -> h.providerStatus()).contains("withdrawn");

    clock.advance(Duration.ofSeconds(5)); // the rate slot the lost prepare took is spent
    assertThat(drain(dispatcher)).isEqualTo(1);
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(id));
    assertThat(attempts(id)).containsExactly("1:sent");
    assertThat(stored(id).providerMessageSid()).isEqualTo(lastSid());
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(stranded()).isEmpty();
  }

  @Test
  void aSendNowWhosePrepareCommitIsLostFailsAndCanBeRetried() {
    World w = world(lossy);
    UUID id = queue(w, "send now, answer lost").messageId();

    faults.loseNextCommitAfter(PREPARE);
    assertThatThrownBy(() -> lossy.dispatch(id)).isInstanceOf(StorageException.class);

    assertThat(faults.lost()).isTrue();
    assertThat(providers.sendCalls).hasValue(0);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(attempts(id)).isEmpty();
    assertThat(outbox(id)).hasValueSatisfying(e -> assertThat(e.leaseOwner()).isNull());

    assertThat(lossy.dispatch(id).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(attempts(id)).containsExactly("1:sent");
    assertThat(network().sent()).hasSize(1);
    assertThat(stranded()).isEmpty();
  }

  @Test
  void anInterruptedMessageStaysSendingWhenItsRetrysPrepareCommitIsLost() {
    // At least once: attempt 1 was interrupted (its worker died mid-call), so the message is sending; attempt 2's
    // prepare commits unconfirmed. Withdrawing attempt 2 must not pretend the message was never sent.
    World w = world(lossy);
    UUID id = queue(w, "interrupted, then answer lost").messageId();
    DispatcherConfig config = config().lease(Duration.ofMinutes(2)).unknownOutcome(UnknownOutcome.RETRY).build();
    providers.onSend((message, simulated) -> {
      throw new DispatcherTest.WorkerKilled();
    });
    assertThatThrownBy(dispatcher(lossy, config)::runOnce).isInstanceOf(DispatcherTest.WorkerKilled.class);
    providers.onSend(null);
    clock.advance(Duration.ofMinutes(2).plusMillis(1));
    Dispatcher survivor = dispatcher(lossy, config);

    faults.loseNextCommitAfter(PREPARE);
    assertThat(survivor.runOnce()).isEqualTo(1);

    assertThat(faults.lost()).isTrue();
    assertThat(providers.sendCalls).as("only the interrupted call").hasValue(1);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(attempts(id)).containsExactly("1:-");
    assertThat(outbox(id)).hasValueSatisfying(e -> {
      assertThat(e.leaseOwner()).isNull();
      assertThat(e.attempts()).isEqualTo(1);
    });

    clock.advance(Duration.ofSeconds(5));
    assertThat(drain(survivor)).isEqualTo(1);
    assertThat(attempts(id)).containsExactly("1:-", "2:sent");
    assertThat(network().sent()).hasSize(1);
    assertThat(stranded()).isEmpty();
  }
}
