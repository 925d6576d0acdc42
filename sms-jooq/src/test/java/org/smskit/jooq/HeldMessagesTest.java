package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.PageRequest;
import org.smskit.core.crypto.DecryptionException;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.dispatch.HeldMessage;
import org.smskit.jooq.dispatch.HeldResolution;
import org.smskit.jooq.dispatch.ReconcileReport;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.SendRequest;

/**
 * Messages sent with an unknown outcome are held: listed for operators with their age and last attempt, looked up
 * at the provider by the reconciler (found: take its id and status; provably never created: queued again; else
 * left held), resolved by operators, every step in the status history. Never resent without proof or a decision.
 */
class HeldMessagesTest extends DispatchTestBase {

  private UUID held(World w, String body) {
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body(body).build()).messageId();
    assertThat(stored(id).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(stored(id).providerMessageSid()).isNull();
    return id;
  }

  private List<String> providerStatuses(UUID id) {
    return history(id).stream().map(MessageStatusEvent::providerStatus).toList();
  }

  @Test
  void heldMessagesAreListedWithTheirAgeAndLastAttemptAndCountedApart() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, "timeout");
    UUID id = held(w, "did it go?");
    clock.advance(Duration.ofMinutes(7));

    List<HeldMessage> page = sms.heldMessages(PageRequest.first(10)).items();

    assertThat(page).singleElement().satisfies(h -> {
      assertThat(h.messageId()).isEqualTo(id);
      assertThat(h.to().value()).isEqualTo(CUSTOMER);
      assertThat(h.age()).isEqualTo(Duration.ofMinutes(7));
      assertThat(h.attempt()).isEqualTo(1);
      assertThat(h.reason()).isEqualTo("outcome_unknown");
      assertThat(h.attemptStartedAt()).isEqualTo(T0);
      assertThat(h.attemptError()).isEqualTo("timeout");
      assertThat(h.checks()).isZero();
    });
    assertThat(sms.dispatchStats().held()).isEqualTo(1);
    assertThat(sms.dispatchStats().sending()).isZero();
    assertThat(sms.forTenant(org.smskit.core.TenantId.of("someone-else")).heldMessages(PageRequest.first(10))
        .items()).isEmpty();
  }

  @Test
  void reconcilerTakesTheProvidersIdAndStatusOfAMessageItFindsThere() {
    World w = world();
    network().loseNextAnswer(); // accepted by the provider, the answer lost on its way back
    UUID id = held(w, "accepted, answer lost");

    ReconcileReport report = sms.reconcileHeld();

    assertThat(report.found()).containsExactly(id);
    Message m = stored(id);
    assertThat(m.providerMessageSid()).isEqualTo(lastSid());
    assertThat(m.status()).isEqualTo(MessageStatus.SENT);
    assertThat(providerStatuses(id)).contains("reconciled");
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(network().sent()).as("never sent again").hasSize(1);
    assertThat(stranded()).isEmpty();
  }

  @Test
  void reconcilerRequeuesAMessageTheProviderProvesItNeverCreatedAndItIsSentOnce() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null); // lost before reaching the provider
    UUID id = held(w, "never arrived");

    ReconcileReport report = sms.reconcileHeld();
    assertThat(report.requeued()).containsExactly(id);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(providerStatuses(id)).contains("reconciled:requeue");
    drain(dispatcher(config().build()));

    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(id));
    assertThat(attempts(id)).containsExactly("1:held", "2:sent");
    assertThat(stored(id).providerMessageSid()).isEqualTo(lastSid());
  }

  @Test
  void reconcilerLeavesAMessageHeldWhenTheProviderCannotTellAndSaysWhy() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID id = held(w, "who knows");
    network().lookupsAnswer(false);

    ReconcileReport report = sms.reconcileHeld();

    assertThat(report.stillHeld()).containsExactly(id);
    assertThat(sms.heldMessages(PageRequest.first(10)).items()).singleElement().satisfies(h -> {
      assertThat(h.checks()).isEqualTo(1);
      assertThat(h.lastCheck()).contains("switched off");
    });
    assertThat(stored(id).status()).isEqualTo(MessageStatus.SENDING);
    drain(dispatcher(config().build()));
    assertThat(network().sent()).as("never resent without proof").isEmpty();
  }

  @Test
  void operatorsResolveHeldMessagesAndEachDecisionIsInTheHistory() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID sent = held(w, "seen in the console");
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID failed = held(w, "give up");
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID again = held(w, "send it again");

    assertThat(sms.resolveHeld(sent, HeldResolution.sent("SMconsole"), "checked the Twilio console").status())
        .isEqualTo(MessageStatus.SENT);
    assertThat(sms.resolveHeld(failed, HeldResolution.failed("customer called"), null).status())
        .isEqualTo(MessageStatus.FAILED);
    assertThat(sms.resolveHeld(again, HeldResolution.requeue(), "customer asked").status())
        .isEqualTo(MessageStatus.QUEUED);

    assertThat(stored(sent).providerMessageSid()).isEqualTo("SMconsole");
    assertThat(history(sent)).anySatisfy(e -> {
      assertThat(e.providerStatus()).isEqualTo("operator:sent");
      assertThat(e.rawPayload()).isEqualTo("checked the Twilio console");
    });
    assertThat(providerStatuses(failed)).contains("operator:failed");
    assertThat(events(SmsEvent.SendFailed.class)).extracting(e -> e.message().id()).containsExactly(failed);
    assertThat(providerStatuses(again)).contains("operator:requeue");
    assertThat(sms.dispatchStats().held()).isZero();
    assertThatThrownBy(() -> sms.resolveHeld(sent, HeldResolution.requeue(), null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not held");

    drain(dispatcher(config().build()));
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(again));
    assertThat(stranded()).isEmpty();
  }

  @Test
  void statusReportOfAHeldMessageReleasesIt() {
    World w = world();
    network().loseNextAnswer();
    UUID id = held(w, "report tells");

    callback(w, lastSid(), MessageStatus.DELIVERED, null);

    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(stranded()).isEmpty();
  }

  @Test
  void startedDispatcherReconcilesHeldMessagesOfEveryTenantPeriodically() throws Exception {
    SmsService realTime = otherNode(b -> b.clock(Clock.systemUTC()));
    World w = world(realTime);
    network().loseNextAnswer();
    UUID id = realTime.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("periodic").build()).messageId();
    assertThat(realTime.dispatchStats().held()).isEqualTo(1);

    dispatcher(realTime, DispatcherConfig.builder().reconcileInterval(Duration.ofMillis(100)).build()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (realTime.dispatchStats().held() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(realTime.dispatchStats().held()).isZero();
    assertThat(realTime.message(id).message().providerMessageSid()).isEqualTo(lastSid());
  }

  @Test
  void sendNowThatFailsBeforeTheProviderCallLeavesNoLeaseAndSendsAtOnceWhenFixed() {
    World w = world();
    UUID id = queue(w, "bad credential").messageId();
    // The stored token no longer decrypts (a key mix-up): the provider cannot even be set up.
    db.execute("UPDATE smskit.sms_sender_accounts SET auth_token = 'enc:v1:k1:"
        + java.util.Base64.getEncoder().encodeToString(new byte[48]) + "', updated_at = now()"
        + " WHERE id = '" + w.account() + "'");

    assertThatThrownBy(() -> sms.dispatch(id)).isInstanceOf(DecryptionException.class);

    assertThat(outbox(id)).hasValueSatisfying(e -> {
      assertThat(e.leaseOwner()).as("no lease left behind").isNull();
      assertThat(e.attempts()).as("no request was made").isZero();
      assertThat(e.dueAt()).isEqualTo(T0);
    });
    sms.updateAuthToken(w.account(), "token-" + tenant);
    assertThat(sms.dispatch(id).status()).as("sent at once").isEqualTo(MessageStatus.SENDING);
    assertThat(network().sent()).hasSize(1);
    assertThat(attempts(id)).containsExactly("1:sent");
  }
}
