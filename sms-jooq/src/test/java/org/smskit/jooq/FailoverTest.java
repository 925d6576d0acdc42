package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.dispatch.Dispatcher;

/**
 * A service account names a fallback sender account; when its own account's provider keeps failing (the circuit
 * opens) its messages go out through the fallback, and they go back once the primary recovers.
 */
class FailoverTest extends DispatchTestBase {
  private static final String BACKUP_NUMBER = "+12125550199";
  private static final Duration OPEN = Duration.ofSeconds(60);

  /** What the primary account's provider does; null when it works. */
  private final AtomicReference<Kind> primaryFails = new AtomicReference<>();
  private World w;
  private UUID backup;
  private SenderPhoneNumber backupNumber;

  @BeforeEach
  void twoAccounts() {
    w = world();
    backup = sms.registerSenderAccount("Backup", "simulated", "SIM-B-" + tenant, "token-b").id();
    backupNumber = sms.addPhoneNumber(backup, BACKUP_NUMBER, "Backup line", true);
    primaryFails.set(null);
    providers.onSend((message, simulated) -> {
      Kind failure = primaryFails.get();
      if (failure != null && !message.from().value().equals(BACKUP_NUMBER)) {
        throw new ProviderException("simulated", failure, "30008", "primary is down");
      }
      return simulated.send(message);
    });
  }

  private void setFallback(UUID service, UUID account) {
    assertThat(sms.setFallbackAccount(service, account).fallbackSenderAccountId()).isEqualTo(account);
  }

  private Dispatcher dispatcher(UnknownOutcome policy) {
    return dispatcher(config().longCodeRate(0).circuit(3, OPEN).maxAttempts(20)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).unknownOutcome(policy).build());
  }

  private List<String> sentFrom() {
    return network().sent().stream().map(SimulatedNetwork.Sent::message).map(m -> m.from().value()).toList();
  }

  private String circuit(UUID account) {
    List<String> rows = db.strings("SELECT consecutive_failures || '/' || coalesce(to_char(open_until AT TIME ZONE"
        + " 'UTC', 'HH24:MI:SS'), '-') FROM smskit.sms_circuit_breakers WHERE tenant_id = ? AND account_id = ?",
        tenant.value(), account);
    return rows.isEmpty() ? "none" : rows.get(0);
  }

  @Test
  void openCircuitSendsThroughTheFallbackAndClosesWhenThePrimaryRecovers() {
    setFallback(w.service(), backup);
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    primaryFails.set(Kind.RETRYABLE);
    List<UUID> first = List.of(queue(w, "a").messageId(), queue(w, "b").messageId(), queue(w, "c").messageId());

    assertThat(dispatcher.runOnce()).isEqualTo(3);
    assertThat(circuit(w.account())).isEqualTo("3/10:01:00"); // open until T0 + 60 s
    assertThat(network().sent()).isEmpty();

    clock.advance(Duration.ofSeconds(2));
    UUID fourth = queue(w, "d").messageId();
    assertThat(dispatcher.runOnce()).isEqualTo(4);

    assertThat(sentFrom()).hasSize(4).containsOnly(BACKUP_NUMBER);
    for (UUID id : List.of(first.get(0), first.get(1), first.get(2), fourth)) {
      Message m = stored(id);
      assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
      assertThat(m.senderPhoneNumberId()).isEqualTo(backupNumber.id());
      assertThat(m.from().value()).isEqualTo(BACKUP_NUMBER);
    }
    assertThat(db.strings("SELECT sender_account_id::text FROM smskit.sms_send_attempts WHERE message_id = ?"
        + " ORDER BY attempt", first.get(0))).containsExactly(w.account().toString(), backup.toString());

    primaryFails.set(null); // recovered, but the circuit stays open for its full duration
    clock.set(T0.plusSeconds(30));
    queue(w, "e");
    dispatcher.runOnce();
    assertThat(sentFrom()).last().isEqualTo(BACKUP_NUMBER);

    clock.set(T0.plus(OPEN).plusSeconds(1));
    UUID back = queue(w, "f").messageId();
    dispatcher.runOnce();
    assertThat(sentFrom()).last().isEqualTo(OUR_PRIMARY);
    assertThat(stored(back).senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(circuit(w.account())).isEqualTo("0/-");
    queue(w, "g");
    dispatcher.runOnce();
    assertThat(sentFrom()).last().isEqualTo(OUR_PRIMARY);
  }

  @Test
  void failedTrialAfterTheOpenPeriodReopensTheCircuitAtOnce() {
    setFallback(w.service(), backup);
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    primaryFails.set(Kind.RETRYABLE);
    for (String body : List.of("a", "b", "c")) {
      queue(w, body);
    }
    dispatcher.runOnce();
    clock.advance(Duration.ofSeconds(2));
    dispatcher.runOnce(); // the three went through the fallback

    clock.set(T0.plus(OPEN).plusSeconds(1));
    Instant trial = clock.instant();
    UUID probe = queue(w, "probe").messageId();
    dispatcher.runOnce();

    assertThat(stored(probe).status()).as("the trial failed, to be retried").isEqualTo(MessageStatus.QUEUED);
    assertThat(circuit(w.account())).isEqualTo("4/" + trial.plus(OPEN).toString().substring(11, 19));
    clock.set(dueAt(probe));
    dispatcher.runOnce();
    assertThat(stored(probe).from().value()).isEqualTo(BACKUP_NUMBER);
    assertThat(sentFrom()).hasSize(4).containsOnly(BACKUP_NUMBER);
  }

  @Test
  void timeoutsOpenTheCircuitToo() {
    // A provider that hangs keeps failing as surely as one that answers 503; with HOLD each timed-out message is
    // held (never resent), and the messages after them go through the fallback.
    setFallback(w.service(), backup);
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    primaryFails.set(Kind.OUTCOME_UNKNOWN);
    List<UUID> held = List.of(queue(w, "a").messageId(), queue(w, "b").messageId(), queue(w, "c").messageId());
    dispatcher.runOnce();

    UUID next = queue(w, "d").messageId();
    dispatcher.runOnce();

    assertThat(held).allSatisfy(id -> assertThat(attempts(id)).containsExactly("1:held"));
    assertThat(stored(next).from().value()).isEqualTo(BACKUP_NUMBER);
    assertThat(sentFrom()).containsExactly(BACKUP_NUMBER);
  }

  @Test
  void withoutAFallbackMessagesWaitForTheCircuitWithoutSpendingAttemptsThenOneProbeCloses() {
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    primaryFails.set(Kind.RETRYABLE);
    UUID id = queue(w, "a").messageId();
    Instant opened = null;
    for (int i = 0; i < 3; i++) {
      opened = clock.instant();
      dispatcher.runOnce();
      clock.set(dueAt(id));
    }
    Instant openUntil = opened.plus(OPEN);
    assertThat(circuit(w.account())).isEqualTo("3/" + openUntil.toString().substring(11, 19));
    int calls = providers.sendCalls.get();

    // While it is open the messages wait for it, spending nothing: no request, no attempt.
    UUID other = queue(w, "b").messageId();
    dispatcher.runOnce();
    assertThat(providers.sendCalls).hasValue(calls);
    assertThat(dueAt(id)).isEqualTo(openUntil);
    assertThat(dueAt(other)).isEqualTo(openUntil);
    assertThat(attempts(id)).containsExactly("1:retry", "2:retry", "3:retry");
    assertThat(attempts(other)).isEmpty();

    // Half-open: exactly one request probes the provider; the other message waits for its answer.
    primaryFails.set(null);
    clock.set(openUntil);
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    assertThat(providers.sendCalls).hasValue(calls + 1);
    assertThat(circuit(w.account())).isEqualTo("0/-");
    clock.advance(Dispatcher.PROBE_WAIT);
    drain(dispatcher);
    assertThat(sentFrom()).containsExactly(OUR_PRIMARY, OUR_PRIMARY);
    assertThat(attempts(id)).containsExactly("1:retry", "2:retry", "3:retry", "4:sent");
    assertThat(attempts(other)).containsExactly("1:sent");
  }

  @Test
  void permanentFailuresDoNotOpenTheCircuit() {
    setFallback(w.service(), backup);
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    primaryFails.set(Kind.PERMANENT);
    for (String body : List.of("a", "b", "c", "d")) {
      queue(w, body);
    }
    dispatcher.runOnce();
    primaryFails.set(null);

    queue(w, "e");
    dispatcher.runOnce();

    assertThat(sentFrom()).containsExactly(OUR_PRIMARY);
  }

  @Test
  void fallbackThatIsAlsoOpenIsNotUsedAndMessagesWaitForTheirOwnCircuit() {
    setFallback(w.service(), backup);
    Dispatcher dispatcher = dispatcher(UnknownOutcome.HOLD);
    sms.inTransaction((Repositories r) -> r.outbox().recordFailure(backup, 1, T0, T0.plus(OPEN)));
    primaryFails.set(Kind.RETRYABLE);
    for (String body : List.of("a", "b", "c")) {
      queue(w, body);
    }
    dispatcher.runOnce();
    primaryFails.set(null);
    clock.advance(Duration.ofSeconds(2));

    dispatcher.runOnce();
    assertThat(sentFrom()).as("both circuits open: nothing goes").isEmpty();

    clock.set(T0.plus(OPEN));
    dispatcher.runOnce(); // the probe, through the primary, closes its circuit
    clock.advance(Dispatcher.PROBE_WAIT);
    drain(dispatcher);

    assertThat(sentFrom()).hasSize(3).containsOnly(OUR_PRIMARY);
  }
}
