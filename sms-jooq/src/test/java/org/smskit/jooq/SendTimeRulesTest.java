package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.dispatch.DispatchCodes;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.BulkResult;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.SendRequest;

/**
 * Rules that hold when a message leaves, not only when it was queued: opt-outs (a STOP after the message was
 * queued, scheduled, retried or sent in bulk), deactivated senders, the provider's own validation before the
 * request; and every order of the provider's answer, a timeout and a status report.
 */
class SendTimeRulesTest extends DispatchTestBase {

  private void assertRefused(UUID id, String code) {
    Message m = stored(id);
    assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(m.providerErrorCode()).isEqualTo(code);
    assertThat(m.failedAt()).isNotNull();
    assertThat(attempts(id)).as("no attempt spent").isEmpty();
    assertThat(outbox(id)).isEmpty();
    assertThat(events(SmsEvent.SendFailed.class)).extracting(e -> e.message().id()).contains(id);
  }

  @Test
  void stopAfterQueueingStopsAQueuedMessage() {
    World w = world();
    UUID id = queue(w, "queued before the STOP").messageId();
    receive(w, CUSTOMER, "STOP");

    drain(dispatcher(config().build()));

    assertThat(network().sent()).isEmpty();
    assertRefused(id, DispatchCodes.OPTED_OUT);
  }

  @Test
  void stopStopsAScheduledMessageAndASendNow() {
    World w = world();
    UUID scheduled = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("tomorrow")
        .sendAt(T0.plus(Duration.ofDays(1))).build()).messageId();
    UUID now = queue(w, "now").messageId();
    receive(w, CUSTOMER, "stop");

    assertThat(sms.dispatch(now).status()).isEqualTo(MessageStatus.FAILED);
    clock.advance(Duration.ofDays(1));
    drain(dispatcher(config().build()));

    assertThat(network().sent()).isEmpty();
    assertRefused(scheduled, DispatchCodes.OPTED_OUT);
    assertRefused(now, DispatchCodes.OPTED_OUT);
  }

  @Test
  void stopStopsARetryAfterTheFirstAttempt() {
    World w = world();
    network().failNextSend(ProviderException.Kind.RETRYABLE, "30001");
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    UUID id = queue(w, "retried").messageId();
    dispatcher.runOnce();
    receive(w, CUSTOMER, "STOP");

    clock.set(dueAt(id));
    dispatcher.runOnce();

    assertThat(network().sent()).isEmpty();
    assertThat(stored(id).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(id).providerErrorCode()).isEqualTo(DispatchCodes.OPTED_OUT);
    assertThat(attempts(id)).as("the retry made no request").containsExactly("1:retry");
  }

  @Test
  void optOutsAfterABulkSendStopTheirRecipientsOnly() {
    World w = world();
    UUID campaign = sms.createService(w.account(), "Spring", ServiceType.MARKETING, null, null, null).id();
    List<BulkResult> results = sms.bulkSend(BulkSendRequest.of(campaign, "20% off",
        List.of("+14155550141", "+14155550142", "+14155550143"), "spring"));
    sms.optOut("+14155550142", OptOutScope.MARKETING, null, null);
    sms.optOut("+14155550143", OptOutScope.SERVICE, w.service(), null); // another service: does not apply

    drain(dispatcher(config().longCodeRate(0).build()));

    assertThat(network().sent()).extracting(s -> s.message().to().value())
        .containsExactlyInAnyOrder("+14155550141", "+14155550143");
    assertRefused(results.get(1).messageId(), DispatchCodes.OPTED_OUT);
  }

  @Test
  void helpReplyStillGoesToARecipientWhoOptedOut() {
    SmsService withHelp = service(b -> b.helpReply("Acme: reply STOP to stop. Help: acme.example"));
    World w = world(withHelp);
    withHelp.handleWebhook(w.account(), inbound(withHelp, w, CUSTOMER, OUR_PRIMARY, "STOP"));
    withHelp.handleWebhook(w.account(), inbound(withHelp, w, CUSTOMER, OUR_PRIMARY, "HELP"));

    drain(dispatcher(withHelp, config().build()));

    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().body()).startsWith("Acme: reply STOP"));
  }

  enum Deactivated { ACCOUNT, NUMBER, SERVICE }

  @ParameterizedTest
  @EnumSource(Deactivated.class)
  void messagesQueuedForADeactivatedSenderFailWithTheReason(Deactivated what) {
    World w = world();
    UUID id = queue(w, "queued before deactivation").messageId();
    switch (what) {
      case ACCOUNT -> sms.deactivateSenderAccount(w.account());
      case NUMBER -> sms.deactivatePhoneNumber(stored(id).senderPhoneNumberId());
      case SERVICE -> sms.deactivateService(w.service());
    }

    drain(dispatcher(config().build()));

    assertThat(network().sent()).isEmpty();
    assertRefused(id, DispatchCodes.SENDER_DEACTIVATED);
    assertThat(history(id)).anySatisfy(e -> assertThat(e.rawPayload()).contains(what.name().toLowerCase()));
  }

  @Test
  void providerValidationBeforeTheRequestIsPermanentNotAnUnknownOutcome() {
    World w = world();
    providers.onSend((message, simulated) -> {
      throw new InvalidInputException("to_number", "is not a mobile number this provider can reach");
    });
    Dispatcher dispatcher = dispatcher(config().circuit(1, Duration.ofMinutes(1)).build());
    UUID id = queue(w, "refused by the provider").messageId();

    dispatcher.runOnce();

    Message m = stored(id);
    assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(m.providerErrorCode()).isEqualTo(DispatchCodes.INVALID_REQUEST);
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(attempts(id)).containsExactly("1:failed");
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_circuit_breakers WHERE account_id = ?", w.account()))
        .as("not counted against the account's circuit").containsExactly("0");
  }

  @Test
  void aProviderBugIsLoggedAndFailsTheMessageRatherThanHoldingIt() {
    World w = world();
    providers.onSend((message, simulated) -> {
      throw new NullPointerException("bug in a plugin");
    });
    UUID id = queue(w, "meets a bug").messageId();

    dispatcher(config().unknownOutcome(UnknownOutcome.RETRY).build()).runOnce();

    assertThat(stored(id).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(id).providerErrorCode()).isEqualTo(DispatchCodes.PROVIDER_ERROR);
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(providers.sendCalls).as("not retried as an unknown outcome").hasValue(1);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Every order of (the provider's answer, a timeout, a status report)

  @ParameterizedTest
  @EnumSource(UnknownOutcome.class)
  void reportDuringTheCallThenATimeoutKeepsTheReportAndNeverResends(UnknownOutcome policy) {
    World w = world();
    providers.onSend((message, simulated) -> {
      simulated.send(message);
      // The provider took it and reported delivery (naming our message) before its answer timed out.
      callbackFor(w, lastSid(), message.messageId(), MessageStatus.DELIVERED);
      throw new ProviderException("simulated", ProviderException.Kind.OUTCOME_UNKNOWN, null, "read timed out");
    });
    Dispatcher dispatcher = dispatcher(config().unknownOutcome(policy).build());
    UUID id = queue(w, "delivered, then a timeout").messageId();

    dispatcher.runOnce();
    clock.advance(Duration.ofHours(1));
    drain(dispatcher);

    Message m = stored(id);
    assertThat(m.status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(m.deliveredAt()).isNotNull();
    assertThat(providers.sendCalls).as("never sent again").hasValue(1);
    assertThat(attempts(id)).containsExactly("1:reported");
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(stranded()).isEmpty();
  }

  @Test
  void reportDuringTheCallThenTheAnswerEndsDelivered() {
    World w = world();
    providers.onSend((message, simulated) -> {
      var result = simulated.send(message);
      callbackFor(w, result.providerMessageId(), message.messageId(), MessageStatus.DELIVERED);
      return result;
    });
    UUID id = queue(w, "report first").messageId();

    dispatcher(config().build()).runOnce();

    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(stored(id).providerMessageSid()).isEqualTo(lastSid());
    assertThat(attempts(id)).containsExactly("1:sent");
  }

  @Test
  void answerThenReportThenALateDuplicateReportEndsDelivered() {
    World w = world();
    UUID id = queue(w, "answer first").messageId();
    dispatcher(config().build()).runOnce();

    callback(w, lastSid(), MessageStatus.DELIVERED, null);
    callback(w, lastSid(), MessageStatus.SENT, null);

    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @ParameterizedTest
  @EnumSource(UnknownOutcome.class)
  void timeoutThenAReportDeliversTheMessageAndItIsNeverResent(UnknownOutcome policy) {
    World w = world();
    network().loseNextAnswer(); // accepted, answer lost: held (HOLD) or queued for a retry (RETRY)
    Dispatcher dispatcher = dispatcher(config().unknownOutcome(policy).backoff(Duration.ofMinutes(5),
        Duration.ofMinutes(5)).build());
    UUID id = queue(w, "timeout first").messageId();
    dispatcher.runOnce();

    callbackFor(w, lastSid(), id, MessageStatus.DELIVERED);
    clock.advance(Duration.ofHours(1));
    drain(dispatcher);

    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(network().sent()).as("never sent again").hasSize(1);
    assertThat(sms.dispatchStats().held()).isZero();
    assertThat(outbox(id)).isEmpty();
    assertThat(stranded()).isEmpty();
  }

  /** A signed status report that names our message (as a callback URL with our id, or Vonage's client-ref). */
  private void callbackFor(World w, String sid, UUID ourId, MessageStatus status) {
    sms.recordEvent(w.account(), new org.smskit.core.spi.StatusUpdateEvent("simulated", sid, ourId, status,
        status.dbValue(), null, clock.instant(), "{}"));
  }
}
