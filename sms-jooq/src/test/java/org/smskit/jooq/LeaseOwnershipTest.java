package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.dispatch.DispatchCodes;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.dispatch.HeldMessage;
import org.smskit.jooq.dispatch.ReconcileReport;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/**
 * A worker owns a message for the whole of its provider call: a provider slower than the lease never lets another
 * worker take the message over, an outcome written after the lease was lost changes nothing, and a claim that
 * made no request spends no attempt.
 */
class LeaseOwnershipTest extends DispatchTestBase {

  @ParameterizedTest
  @EnumSource(UnknownOutcome.class)
  void providerSlowerThanTheLeaseAcrossSeveralDispatchersLosesNothingAndSendsNothingTwice(UnknownOutcome policy)
      throws Exception {
    // Real time; leases of 1 s and answers that take 1.2 to 2 s: without a heartbeat every lease runs out mid-call
    // and another dispatcher takes the message over (holding it, or sending it again).
    SmsService nodeA = otherNode(b -> b.clock(Clock.systemUTC()));
    SmsService nodeB = otherNode(b -> b.clock(Clock.systemUTC()));
    World w = world(nodeA);
    providers.onSend((message, simulated) -> {
      sleep(1200 + ThreadLocalRandom.current().nextInt(800));
      return simulated.send(message);
    });
    DispatcherConfig config = DispatcherConfig.builder().workers(2).batchSize(5).lease(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(50)).longCodeRate(0)
        .unknownOutcome(policy).build();
    dispatcher(nodeA, config).start();
    dispatcher(nodeB, config).start();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      SmsService on = i % 2 == 0 ? nodeA : nodeB;
      ids.add(on.queue(SendRequest.to(String.format("+1415555%04d", 300 + i)).fromNumber(w.primary().id())
          .body("slow " + i).build()).messageId());
    }

    awaitAllSent(ids.size(), Duration.ofSeconds(60));

    Map<UUID, Long> sends = network().sent().stream()
        .collect(Collectors.groupingBy(s -> s.message().messageId(), Collectors.counting()));
    assertThat(sends).as("every message sent").containsOnlyKeys(ids);
    assertThat(sends.values()).as("none twice").containsOnly(1L);
    for (UUID id : ids) {
      Message m = nodeA.message(id).message();
      assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
      assertThat(m.providerMessageSid()).isNotNull();
      assertThat(attempts(id)).as("one request, one attempt").containsExactly("1:sent");
    }
    assertThat(nodeA.dispatchStats().held()).isZero();
    assertThat(stranded()).isEmpty();
  }

  private void awaitAllSent(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (network().sent().size() >= count && db.strings("SELECT count(*) FROM smskit.sms_outbox").get(0).equals("0")) {
        Thread.sleep(200); // a late double send would show up now
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("sent " + network().sent().size() + " of " + count + "; outbox " + db.strings(
        "SELECT message_id || ' ' || attempts || ' ' || coalesce(lease_owner, '-') || ' ' || due_at"
            + " || ' ' || coalesce(last_error, '-') FROM smskit.sms_outbox") + "; held "
        + db.strings("SELECT message_id || ' ' || reason FROM smskit.sms_held_messages"));
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void providersAcceptanceAfterTheLeaseWasLostChangesNothingAndIsKeptForTheReconciler() {
    World w = world();
    DispatcherConfig config = config().lease(Duration.ofMinutes(1)).build();
    Dispatcher first = dispatcher(config);
    Dispatcher second = dispatcher(otherNode(b -> {}), config);
    SendReceipt receipt = queue(w, "contested");
    providers.onSend((message, simulated) -> {
      // The first worker stalls (a GC pause, a lost connection to the database) past its lease...
      clock.advance(Duration.ofMinutes(2));
      providers.onSend(null);
      // ...and another node finds the message sending with an unknown outcome: it holds it.
      assertThat(second.runOnce()).isEqualTo(1);
      return simulated.send(message);
    });

    first.runOnce();

    Message m = stored(receipt.messageId());
    assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(m.providerMessageSid()).as("the late answer changed nothing").isNull();
    assertThat(sms.heldMessages(org.smskit.core.PageRequest.first(10)).items())
        .extracting(HeldMessage::messageId).containsExactly(receipt.messageId());
    assertThat(history(receipt.messageId())).extracting(MessageStatusEvent::providerStatus)
        .contains(DispatchCodes.LEASE_LOST_ANSWER);
    assertThat(attempts(receipt.messageId())).containsExactly("1:held");
    assertThat(stranded()).isEmpty();

    // The reconciler finds the provider's id in the history and resolves the message with it.
    ReconcileReport report = sms.reconcileHeld();
    assertThat(report.found()).containsExactly(receipt.messageId());
    assertThat(providers.lookups).singleElement()
        .satisfies(l -> assertThat(l.providerMessageId()).isEqualTo(lastSid()));
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void failureAfterTheLeaseWasLostDoesNotRequeueAMessageAnotherWorkerOwns() {
    World w = world();
    DispatcherConfig config = config().lease(Duration.ofMinutes(1)).build();
    Dispatcher first = dispatcher(config);
    Dispatcher second = dispatcher(otherNode(b -> {}), config);
    SendReceipt receipt = queue(w, "contested");
    providers.onSend((message, simulated) -> {
      clock.advance(Duration.ofMinutes(2));
      providers.onSend(null);
      assertThat(second.runOnce()).isEqualTo(1);
      throw new ProviderException("simulated", ProviderException.Kind.RETRYABLE, "30001", "503 after all");
    });

    first.runOnce();

    // Before, the late failure put the message back to queued after the other worker had removed its outbox
    // row: stranded, never sent again and never counted.
    Message m = stored(receipt.messageId());
    assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(sms.dispatchStats().held()).isEqualTo(1);
    assertThat(outbox(receipt.messageId())).isEmpty();
    assertThat(stranded()).isEmpty();
  }

  @Test
  void claimsLostToLeaseExpirySpendNoAttempt() {
    World w = world();
    SendReceipt receipt = queue(w, "claimed by the dying");
    DispatcherConfig config = config().maxAttempts(2).longCodeRate(0).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .build();
    for (int i = 0; i < 3; i++) {
      assertThat(claimAsDeadWorker(Duration.ofSeconds(30))).isEqualTo(1);
      clock.advance(Duration.ofSeconds(31));
    }
    network().failNextSend(ProviderException.Kind.RETRYABLE, "30001");
    Dispatcher dispatcher = dispatcher(config);

    dispatcher.runOnce();
    clock.set(dueAt(receipt.messageId()));
    dispatcher.runOnce();

    // Three claims that made no request, then two requests: the second of two allowed attempts succeeds.
    assertThat(attempts(receipt.messageId())).containsExactly("1:retry", "2:sent");
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void messageTakenOverBeforeItsRequestIsNotCalledAndSinceNoRequestWasMadeItIsNotLeftHeld() {
    World w = world();
    SendReceipt first = queue(w, "first");
    SendReceipt second = queue(w, "second");
    DispatcherConfig config = config().lease(Duration.ofMinutes(2)).longCodeRate(0).build();
    Dispatcher slow = dispatcher(config);
    Dispatcher other = dispatcher(otherNode(b -> {}), config);
    List<String> requests = new ArrayList<>();
    providers.onSend((message, simulated) -> {
      requests.add(message.body());
      if (requests.size() == 1) {
        // The first request takes more than the whole lease; meanwhile the other node takes the batch's second
        // message over, finds it sending with an unknown outcome, and holds it.
        clock.advance(Duration.ofMinutes(3));
        // (A started dispatcher's heartbeat keeps the message in flight leased; runOnce has none, so do it here.)
        db.execute("UPDATE smskit.sms_outbox SET lease_until = lease_until + interval '1 hour',"
            + " due_at = due_at + interval '1 hour' WHERE message_id = '" + message.messageId() + "'");
        assertThat(other.runOnce()).isEqualTo(1);
        assertThat(sms.dispatchStats().held()).isEqualTo(1);
      }
      return simulated.send(message);
    });

    slow.runOnce();

    assertThat(requests).as("the second request was not made: its lease was gone").hasSize(1);
    UUID notCalled = requests.get(0).equals("first") ? second.messageId() : first.messageId();
    assertThat(stored(notCalled).status()).as("provably unsent, so queued again").isEqualTo(MessageStatus.QUEUED);
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(stranded()).isEmpty();
    drain(other);
    assertThat(network().sent()).extracting(s -> s.message().messageId())
        .containsExactlyInAnyOrder(first.messageId(), second.messageId());
    assertThat(attempts(notCalled)).containsExactly("1:sent");
  }
}
