package org.smskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.SmsException;
import org.smskit.core.model.Message;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

class SmsTestKitTest extends KitTestBase {

  private SendReceipt send(Sender from, String to, String body) {
    return kit.service().send(SendRequest.to(to).fromService(from.serviceId()).body(body).build());
  }

  private SendReceipt queue(Sender from, String to, String body) {
    return kit.service().queue(SendRequest.to(to).fromService(from.serviceId()).body(body).build());
  }

  private Message stored(UUID messageId) {
    return kit.service().message(messageId).message();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Senders and sending

  @Test
  void addSenderRegistersASimulatedAccountNumberAndServiceInOneCall() {
    Sender sender = kit.addSender("(415) 555-0100");

    assertThat(sender.number().value()).isEqualTo(OURS);
    assertThat(kit.service().provider(sender.accountId()).name()).isEqualTo("simulated");
    assertThat(sender.webhookUrl().toString()).isEqualTo(SmsTestKit.DEFAULT_WEBHOOK_BASE_URL + "/"
        + kit.service().tenant().value() + "/" + sender.accountId());
    assertThat(kit.senders()).containsExactly(sender);
  }

  @Test
  void addSenderWithANumberTheServiceRefusesLeavesNoAccountBehind() {
    String tenant = kit.service().tenant().value();
    kit.addSender(OURS);

    assertThatThrownBy(() -> kit.addSender("not a number"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("phone_number"));
    assertThatThrownBy(() -> kit.addSender(OURS)).as("a number another account of the tenant holds")
        .isInstanceOf(SmsException.class);

    // The first sender's account, number and service only: the refused calls wrote nothing.
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_sender_accounts WHERE tenant_id = ?", tenant))
        .containsExactly("1");
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_service_accounts WHERE tenant_id = ?", tenant))
        .containsExactly("1");
    assertThat(kit.senders()).hasSize(1);
    Sender second = kit.addSender(OUR_SECOND);
    assertThat(kit.service().provider(second.accountId()).name()).isEqualTo("simulated");
  }

  @Test
  void sendGoesThroughTheSimulatedNetworkAndIsRecordedAsSent() {
    Sender sender = kit.addSender(OURS);

    SendReceipt receipt = send(sender, "(415) 555-0123", "Your order 42 has shipped");

    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    SentSms sent = SmsAssertions.assertThat(kit).sentTo(CUSTOMER).withBodyContaining("order 42").single();
    assertThat(sent.messageId()).isEqualTo(receipt.messageId());
    assertThat(sent.from()).isEqualTo(OURS);
    assertThat(sent.segments()).isEqualTo(1);
    assertThat(sent.providerMessageId()).isEqualTo(stored(receipt.messageId()).providerMessageSid());
    assertThat(kit.lastSent()).isEqualTo(sent);
  }

  @Test
  void queuedMessagesWaitForFlushWhichSendsThemOnTheCallingThread() {
    Sender sender = kit.addSender(OURS);
    SendReceipt first = queue(sender, CUSTOMER, "one");
    queue(sender, CUSTOMER, "two");
    queue(sender, OTHER_CUSTOMER, "three");

    assertThat(kit.sent()).isEmpty();
    assertThat(stored(first.messageId()).status()).isEqualTo(MessageStatus.QUEUED);

    assertThat(kit.flush()).isEqualTo(3);

    SmsAssertions.assertThat(kit).hasSent(3).sentTo(CUSTOMER).hasSent(2);
    assertThat(kit.sent()).extracting(SentSms::body).containsExactlyInAnyOrder("one", "two", "three");
    assertThat(stored(first.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(kit.flush()).isZero();
  }

  @Test
  void flushIsNotHeldBackByRateLimits() {
    Sender sender = kit.addSender(OURS);
    for (int i = 0; i < 5; i++) {
      queue(sender, CUSTOMER, "message " + i);
    }
    assertThat(kit.flush()).isEqualTo(5); // one long code at a fixed clock: a dispatcher at 1 per second sends one
    SmsAssertions.assertThat(kit).sentTo(CUSTOMER).hasSent(5);
  }

  @Test
  void flushSendsOnlyTheKitTenantsMessagesSoKitsCanShareADatabase() {
    SmsTestKit other = kit(b -> {});
    Sender theirs = other.addSender(OURS);
    UUID waiting = other.service().queue(SendRequest.to(CUSTOMER).fromService(theirs.serviceId()).body("theirs")
        .build()).messageId();
    Sender ours = kit.addSender(OURS);
    queue(ours, CUSTOMER, "ours");

    assertThat(kit.flush()).isEqualTo(1);

    SmsAssertions.assertThat(kit).once().withBody("ours");
    assertThat(other.service().message(waiting).message().status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(other.flush()).isEqualTo(1);
    SmsAssertions.assertThat(other).once().withBody("theirs");
  }

  @Test
  void flushLeavesScheduledMessagesUntilTheirTimeOnTheServiceClock() {
    Sender sender = kit.addSender(OURS);
    kit.service().queue(SendRequest.to(CUSTOMER).fromService(sender.serviceId()).body("later")
        .sendAt(T0.plus(Duration.ofHours(1))).build());

    assertThat(kit.flush()).isZero();
    kit.advanceClock(Duration.ofMinutes(59));
    assertThat(kit.flush()).isZero();
    kit.advanceClock(Duration.ofMinutes(1));
    assertThat(kit.now()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(kit.flush()).isEqualTo(1);
    SmsAssertions.assertThat(kit).sentTo(CUSTOMER).withBody("later").once();
    assertThatThrownBy(() -> kit.advanceClock(Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void mmsAndLongBodiesAreRecordedWithMediaAndSegments() {
    Sender sender = kit.addSender(OURS);
    kit.service().send(SendRequest.to(CUSTOMER).fromService(sender.serviceId()).body("Your invoice")
        .media(MediaItem.of("https://erp.test/invoices/42.png", "image/png")).build());
    send(sender, OTHER_CUSTOMER, "x".repeat(200));

    SmsAssertions.assertThat(kit).sentTo(CUSTOMER).withMedia("https://erp.test/invoices/42.png").withMediaCount(1)
        .once();
    SmsAssertions.assertThat(kit).sentTo(OTHER_CUSTOMER).withSegments(2).withMediaCount(0).once();
  }

  @Test
  void aBackgroundDispatcherRunsOnlyWhenAskedAndAwaitSentWaitsForIt() {
    Sender sender = kit.addSender(OURS);
    queue(sender, CUSTOMER, "in the background");

    assertThat(kit.startDispatcher().running()).isTrue();
    assertThat(kit.startDispatcher()).isSameAs(kit.startDispatcher());

    assertThat(kit.awaitSent(1, Duration.ofSeconds(20))).isNotEmpty();
    // A dispatcher works for every tenant: another test's leftovers in the class database may go out with it.
    SmsAssertions.assertThat(kit).withBody("in the background").once();
  }

  @Test
  void awaitSentFailsWithWhatWasSent() {
    Sender sender = kit.addSender(OURS);
    send(sender, CUSTOMER, "only one");

    assertThatThrownBy(() -> kit.awaitSent(2, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected 2 message(s) sent within PT0.05S, but 1 were.")
        .hasMessageContaining("1. to " + CUSTOMER + " from " + OURS + ": \"only one\"");
  }

  @Test
  void aFailedAssertionOnTheKitListsWhatTheNetworkAccepted() {
    Sender sender = kit.addSender(OURS);
    send(sender, CUSTOMER, "Your order 41 has shipped");

    assertThatThrownBy(() -> SmsAssertions.assertThat(kit).sentTo(CUSTOMER).withBodyContaining("order 42"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a message sent to " + CUSTOMER + " with body containing \"order 42\", but"
            + " none was.")
        .hasMessageContaining("1. to " + CUSTOMER + " from " + OURS + ": \"Your order 41 has shipped\"");
  }

  @Test
  void lastSentFailsWhenNothingWasSent() {
    assertThatThrownBy(kit::lastSent).isInstanceOf(AssertionError.class).hasMessage("Expected a message sent, but"
        + " nothing was.");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Scripted failures

  @Test
  void aServerErrorQueuesTheMessageForARetryThatFlushSendsWhenDue() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSend(SendFailure.serverError());

    SendReceipt receipt = send(sender, CUSTOMER, "retry me");

    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(receipt.nextAttemptAt()).isAfter(T0);
    SmsAssertions.assertThat(kit).hasSentNothing();
    assertThat(kit.flush()).isZero(); // not due yet

    kit.advanceClock(Duration.between(kit.now(), receipt.nextAttemptAt()));
    assertThat(kit.flush()).isEqualTo(1);
    SmsAssertions.assertThat(kit).withMessageId(receipt.messageId()).withBody("retry me").once();
  }

  @Test
  void aRateLimitWaitsAtLeastTheRetryAfterTheProviderAskedFor() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSend(SendFailure.rateLimited(Duration.ofSeconds(30)));

    SendReceipt receipt = send(sender, CUSTOMER, "slow down");

    assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
    assertThat(receipt.nextAttemptAt()).isAfterOrEqualTo(T0.plusSeconds(30));
  }

  @Test
  void anOptOutAtTheCarrierFailsTheMessageAndRecordsTheOptOut() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSend(SendFailure.recipientOptedOut());

    SendReceipt receipt = send(sender, CUSTOMER, "hello?");

    assertThat(receipt.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(receipt.errorCode()).isEqualTo("21610");
    assertThat(kit.service().activeOptOuts(CUSTOMER)).hasSize(1);
    assertThatThrownBy(() -> send(sender, CUSTOMER, "again")).isInstanceOf(RecipientOptedOutException.class);
  }

  @Test
  void aPermanentRefusalFailsTheMessageWithTheProviderCode() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSend(SendFailure.permanent("21211"));

    SendReceipt receipt = send(sender, CUSTOMER, "to nowhere");

    assertThat(receipt.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(receipt.messageId()).providerErrorCode()).isEqualTo("21211");
  }

  @Test
  void aLostAnswerHoldsTheMessageThoughTheNetworkAcceptedIt() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSend(SendFailure.answerLost());

    SendReceipt receipt = send(sender, CUSTOMER, "did it go?");

    SmsAssertions.assertThat(kit).sentTo(CUSTOMER).once();
    assertThat(kit.service().heldMessages(PageRequest.first(10)).items()).hasSize(1);
    // The provider's report settles it, though smskit never learnt the provider's id.
    assertThat(kit.reportDelivered(receipt.messageId()).result()).isEqualTo(WebhookOutcome.Result.APPLIED);
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void scriptedFailuresAreUsedOneSendEachInOrder() {
    Sender sender = kit.addSender(OURS);
    kit.failNextSends(2, SendFailure.permanent("21211"));
    kit.failNextSend(SendFailure.badCredentials());

    assertThat(send(sender, CUSTOMER, "1").errorCode()).isEqualTo("21211");
    assertThat(send(sender, CUSTOMER, "2").errorCode()).isEqualTo("21211");
    assertThat(send(sender, CUSTOMER, "3").errorCode()).isEqualTo("20003");
    assertThat(send(sender, CUSTOMER, "4").status()).isEqualTo(MessageStatus.SENDING);
    assertThatThrownBy(() -> kit.failNextSends(0, SendFailure.serverError()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("times");
  }

  @Test
  void resetForgetsWhatWasSentAndTheScriptedFailuresLeft() {
    Sender sender = kit.addSender(OURS);
    send(sender, CUSTOMER, "before");
    kit.failNextSend(SendFailure.serverError());

    kit.reset();

    SmsAssertions.assertThat(kit).hasSentNothing();
    assertThat(send(sender, CUSTOMER, "after").status()).isEqualTo(MessageStatus.SENDING);
    SmsAssertions.assertThat(kit).once().withBody("after");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Inbound messages

  @Test
  void anInboundMessageIsSignedVerifiedAndStored() {
    kit.addSender(OURS);

    WebhookOutcome outcome = kit.inbound().from(CUSTOMER).body("Where is my order?").deliver();

    assertThat(outcome.result()).isEqualTo(WebhookOutcome.Result.STORED);
    Message message = stored(outcome.message().orElseThrow());
    assertThat(message.from().value()).isEqualTo(CUSTOMER);
    assertThat(message.to().value()).isEqualTo(OURS);
    assertThat(message.body()).isEqualTo("Where is my order?");
    assertThat(kit.service().unread(PageRequest.first(10)).items()).extracting(Message::id)
        .containsExactly(message.id());
  }

  @Test
  void anInboundMmsReachesTheNumberItNamesWithItsMedia() {
    kit.addSender(OURS);
    Sender second = kit.addSender(OUR_SECOND);

    WebhookOutcome outcome = kit.inbound().from(CUSTOMER).to(OUR_SECOND)
        .media("https://media.test/box.jpg", "image/jpeg").deliver();

    MessageView view = kit.service().message(outcome.message().orElseThrow());
    assertThat(view.message().to().value()).isEqualTo(second.number().value());
    assertThat(view.message().body()).isNull();
    assertThat(view.attachments()).hasSize(1);
  }

  @Test
  void inboundReachesNumbersTheHostRegisteredItself() {
    SmsService sms = kit.service();
    UUID account = sms.registerSenderAccount("Host's own", "simulated", "AC-HOST", "host-token").id();
    sms.addPhoneNumber(account, OURS, null, true);

    WebhookOutcome outcome = kit.inbound().from(CUSTOMER).to(OURS).body("hi").deliver();

    assertThat(outcome.result()).isEqualTo(WebhookOutcome.Result.STORED);
  }

  @Test
  void aStopKeywordOptsTheCustomerOutThroughTheWebhookPath() {
    Sender sender = kit.addSender(OURS);

    kit.inbound().from(CUSTOMER).body("STOP").deliver();

    assertThat(kit.service().activeOptOuts(CUSTOMER)).hasSize(1);
    assertThatThrownBy(() -> send(sender, CUSTOMER, "Sale!")).isInstanceOf(RecipientOptedOutException.class);
    SmsAssertions.assertThat(kit).nothingSentTo(CUSTOMER);
  }

  @Test
  void anInboundWithAnInvalidSignatureIsRefusedAndRecordsNothing() {
    kit.addSender(OURS);

    assertThatThrownBy(() -> kit.inbound().from(CUSTOMER).body("forged").withInvalidSignature().deliver())
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("signature does not match");

    assertThat(kit.service().unread(PageRequest.first(10)).items()).isEmpty();
    assertThat(kit.service().inbox(PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void aTamperedRequestIsRefusedWhileTheSignedOneIsStoredOnce() {
    kit.addSender(OURS);
    WebhookRequest signed = kit.inbound().from(CUSTOMER).body("Please refund 10 USD").request();
    WebhookRequest tampered = WebhookRequest.of(signed.method(), signed.url(), signed.headers(),
        signed.bodyText().replace("10", "990").getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> kit.deliver(tampered)).isInstanceOf(WebhookVerificationException.class);
    assertThat(kit.service().unread(PageRequest.first(10)).items()).isEmpty();

    assertThat(kit.deliver(signed).result()).isEqualTo(WebhookOutcome.Result.STORED);
    assertThat(kit.deliver(signed).result()).isEqualTo(WebhookOutcome.Result.DUPLICATE);
    assertThat(kit.service().unread(PageRequest.first(10)).items()).singleElement()
        .extracting(Message::body).isEqualTo("Please refund 10 USD");
  }

  @Test
  void inboundMisuseIsRefusedWithTypedExceptions() {
    assertThatThrownBy(() -> kit.inbound().from(CUSTOMER).body("hi").deliver())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("addSender()");
    kit.addSender(OURS);
    assertThatThrownBy(() -> kit.inbound().body("hi").deliver())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("from");
    assertThatThrownBy(() -> kit.inbound().from(CUSTOMER).to("+14155550177").body("hi").deliver())
        .isInstanceOf(NotFoundException.class).hasMessageContaining("sender phone number");
    WebhookRequest request = kit.inbound().from(CUSTOMER).body("hi").request();
    WebhookRequest unrouted = WebhookRequest.of("POST", SmsTestKit.DEFAULT_WEBHOOK_BASE_URL, request.headers(),
        request.body());
    assertThatThrownBy(() -> kit.deliver(unrouted)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("account id");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Status reports

  @Test
  void statusReportsMoveTheMessageAsTheProviderWould() {
    Sender sender = kit.addSender(OURS);
    UUID delivered = send(sender, CUSTOMER, "a").messageId();
    UUID failed = send(sender, OTHER_CUSTOMER, "b").messageId();

    assertThat(kit.reportDelivered(delivered).result()).isEqualTo(WebhookOutcome.Result.APPLIED);
    assertThat(kit.reportFailed(failed, "30008").result()).isEqualTo(WebhookOutcome.Result.APPLIED);

    assertThat(stored(delivered).status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(stored(failed).status()).isEqualTo(MessageStatus.FAILED);
    assertThat(stored(failed).providerErrorCode()).isEqualTo("30008");
  }

  @Test
  void anUndeliveredReportCarriesItsCodeAndALateSentReportIsStale() {
    Sender sender = kit.addSender(OURS);
    UUID id = send(sender, CUSTOMER, "a").messageId();

    kit.statusReport(id).undelivered("30003").deliver();
    WebhookOutcome late = kit.statusReport(id).sent().deliver();

    assertThat(stored(id).status()).isEqualTo(MessageStatus.UNDELIVERED);
    assertThat(stored(id).providerErrorCode()).isEqualTo("30003");
    assertThat(late.result()).isEqualTo(WebhookOutcome.Result.STALE);
  }

  @Test
  void aMessageSentThroughAProviderMessagingServiceIsAssertedAndReportedOnToo() {
    Sender sender = kit.addSender(OURS);
    UUID service = kit.service().createService(sender.accountId(), "Notifications",
        org.smskit.core.model.ServiceType.TRANSACTIONAL, "MG0001", null, null).id();
    UUID id = kit.service().send(SendRequest.to(CUSTOMER).fromService(service).body("via MG").build()).messageId();

    SentSms sent = SmsAssertions.assertThat(kit).withMessageId(id).single();
    assertThat(sent.messagingServiceSid()).isEqualTo("MG0001");
    assertThat(kit.reportDelivered(id).result()).isEqualTo(WebhookOutcome.Result.APPLIED);
    assertThat(stored(id).status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void aStatusReportWithAnInvalidSignatureIsRefusedAndChangesNothing() {
    Sender sender = kit.addSender(OURS);
    UUID id = send(sender, CUSTOMER, "a").messageId();

    assertThatThrownBy(() -> kit.statusReport(id).delivered().withInvalidSignature().deliver())
        .isInstanceOf(WebhookVerificationException.class);

    assertThat(stored(id).status()).isEqualTo(MessageStatus.SENDING);
  }

  @Test
  void aStatusReportForAMessageStillQueuedIsRefused() {
    Sender sender = kit.addSender(OURS);
    UUID id = queue(sender, CUSTOMER, "not yet").messageId();

    assertThatThrownBy(() -> kit.reportDelivered(id)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("never accepted").hasMessageContaining("flush()");
    assertThatThrownBy(() -> kit.reportDelivered(UUID.randomUUID())).isInstanceOf(NotFoundException.class);
  }
}
