package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Inbound messages: stored once, with contact, conversation, attachments and rollup. */
class InboundTest extends ServiceTestBase {
  private static final String KEY = "n:" + OUR_PRIMARY + ":" + CUSTOMER;

  @Test
  void theSameWebhookDeliveredFiveTimesStoresOneMessage() {
    World w = world();
    WebhookRequest request = inbound(w, CUSTOMER, OUR_PRIMARY, "Is my order ready?");

    List<WebhookOutcome> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      outcomes.add(sms.handleWebhook(w.account(), request));
    }

    assertThat(outcomes).extracting(WebhookOutcome::result)
        .containsExactly(Result.STORED, Result.DUPLICATE, Result.DUPLICATE, Result.DUPLICATE, Result.DUPLICATE);
    assertThat(outcomes).extracting(WebhookOutcome::messageId).containsOnly(outcomes.get(0).messageId());
    assertThat(rows("sms_messages")).isEqualTo(1);
    assertThat(rows("sms_message_status_events")).isEqualTo(1);
    assertThat(rows("sms_contacts")).isEqualTo(1);
    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.messageCount()).isEqualTo(1);
    assertThat(c.unreadCount()).isEqualTo(1);
    assertThat(events(SmsEvent.InboundMessageReceived.class)).hasSize(1);
  }

  @Test
  void inboundMessageIsStoredWithEverythingTheProviderSaid() {
    World w = world();
    WebhookOutcome outcome = receive(w, CUSTOMER, "Is my order ready?");

    Message m = stored(outcome.messageId());
    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
    assertThat(m.status()).isEqualTo(MessageStatus.RECEIVED);
    assertThat(m.from().value()).isEqualTo(CUSTOMER);
    assertThat(m.to().value()).isEqualTo(OUR_PRIMARY);
    assertThat(m.body()).isEqualTo("Is my order ready?");
    assertThat(m.provider()).isEqualTo("simulated");
    assertThat(m.providerMessageSid()).startsWith("SM");
    assertThat(m.providerPayload()).contains("Body=Is+my+order+ready");
    assertThat(m.receivedAt()).isNotNull();
    assertThat(m.senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(m.serviceAccountId()).isEqualTo(w.service());
    assertThat(m.conversationId()).isEqualTo(KEY);
    assertThat(m.readAt()).isNull();
    assertThat(history(m.id())).extracting(MessageStatusEvent::status).containsExactly(MessageStatus.RECEIVED);
  }

  @Test
  void unknownSenderBecomesAContactWithRegionDetails() {
    World w = world();
    receive(w, CUSTOMER, "Hi");

    Contact c = sms.findContact(CUSTOMER).orElseThrow();
    assertThat(c.name()).isNull();
    assertThat(c.countryCode()).isEqualTo("1");
    assertThat(c.areaCode()).isEqualTo("415");
    assertThat(c.timezone()).isEqualTo("America/Los_Angeles");
    assertThat(c.lastContactedAt()).isEqualTo(T0);
  }

  @Test
  void knownSenderIsFoundNotDuplicated() {
    World w = world();
    Contact ann = sms.createContact("Ann", "(415) 555-0123");
    clock.advance(Duration.ofMinutes(3));

    receive(w, CUSTOMER, "Hi");

    assertThat(rows("sms_contacts")).isEqualTo(1);
    Contact c = sms.findContact(CUSTOMER).orElseThrow();
    assertThat(c.id()).isEqualTo(ann.id());
    assertThat(c.name()).isEqualTo("Ann");
    assertThat(c.lastContactedAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
  }

  @Test
  void conversationIsCreatedThenRolledUpExactly() {
    World w = world();
    receive(w, CUSTOMER, "one");
    Conversation first = sms.conversation(KEY).orElseThrow();
    assertThat(first.messageCount()).isEqualTo(1);
    assertThat(first.unreadCount()).isEqualTo(1);
    assertThat(first.conversationStart()).isEqualTo(T0);
    assertThat(first.lastMessageAt()).isEqualTo(T0);
    assertThat(first.state()).isEqualTo(ConversationState.OPEN);

    clock.advance(Duration.ofMinutes(5));
    receive(w, CUSTOMER, "two");

    Conversation second = sms.conversation(KEY).orElseThrow();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.messageCount()).isEqualTo(2);
    assertThat(second.unreadCount()).isEqualTo(2);
    assertThat(second.conversationStart()).isEqualTo(T0);
    assertThat(second.lastMessageAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(rows("sms_meta_conversation")).isEqualTo(1);
  }

  @Test
  void mediaBecomeAttachmentsWithTheProvidersMediaIds() {
    World w = world();
    WebhookOutcome outcome = sms.handleWebhook(w.account(), inbound(w, CUSTOMER, OUR_PRIMARY, "Photos",
        new InboundMedia("https://media.example.com/ME1", "image/jpeg", "ME1"),
        new InboundMedia("https://media.example.com/ME2", "video/mp4", "ME2"),
        new InboundMedia("https://media.example.com/ME3", null, null)));

    MessageView view = sms.message(outcome.messageId());
    assertThat(view.message().messageType()).isEqualTo(MessageType.MMS);
    assertThat(view.message().mediaCount()).isEqualTo(3);
    assertThat(view.attachments())
        .extracting(Attachment::fileUrl, Attachment::mimeType, Attachment::fileType, Attachment::providerMediaSid)
        .containsExactlyInAnyOrder(
            tuple("https://media.example.com/ME1", "image/jpeg", "image", "ME1"),
            tuple("https://media.example.com/ME2", "video/mp4", "video", "ME2"),
            tuple("https://media.example.com/ME3", null, null, null));
    assertThat(events(SmsEvent.InboundMessageReceived.class)).singleElement()
        .satisfies(e -> assertThat(e.attachments()).hasSize(3));
  }

  @Test
  void mediaOnlyMessageHasNoBody() {
    World w = world();
    WebhookOutcome outcome = sms.handleWebhook(w.account(), inbound(w, CUSTOMER, OUR_PRIMARY, "",
        new InboundMedia("https://media.example.com/ME1", "image/png", "ME1")));

    assertThat(stored(outcome.messageId()).body()).isNull();
    assertThat(stored(outcome.messageId()).messageType()).isEqualTo(MessageType.MMS);
  }

  @Test
  void unusualMediaContentTypeDoesNotLoseTheMessage() {
    World w = world();
    WebhookOutcome outcome = sms.handleWebhook(w.account(), inbound(w, CUSTOMER, OUR_PRIMARY, "Scan",
        new InboundMedia("https://media.example.com/ME1", "Image/JPEG; name=scan.jpg", "ME1")));

    assertThat(outcome.result()).isEqualTo(Result.STORED);
    assertThat(sms.message(outcome.messageId()).attachments()).singleElement().satisfies(a -> {
      assertThat(a.mimeType()).isEqualTo("image/jpeg");
      assertThat(a.fileType()).isEqualTo("image");
      assertThat(a.providerMediaSid()).isEqualTo("ME1");
    });
  }

  @Test
  void bodyThatCannotBeStoredAsIsIsSanitisedNotRefused() {
    World w = world();
    WebhookOutcome outcome = receive(w, CUSTOMER, "a\u0000b");

    assertThat(outcome.result()).isEqualTo(Result.STORED);
    assertThat(stored(outcome.messageId()).body()).isEqualTo("a\uFFFDb");
  }

  @Test
  void inboundReopensAClosedConversation() {
    World w = world();
    receive(w, CUSTOMER, "one");
    clock.advance(Duration.ofMinutes(1));
    sms.closeConversation(KEY);
    assertThat(sms.conversation(KEY).orElseThrow().conversationEnd()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    events.clear();
    clock.advance(Duration.ofMinutes(1));

    receive(w, CUSTOMER, "two");

    Conversation c = sms.conversation(KEY).orElseThrow();
    assertThat(c.state()).isEqualTo(ConversationState.OPEN);
    assertThat(c.conversationEnd()).isNull();
    assertThat(c.messageCount()).isEqualTo(2);
    assertThat(events(SmsEvent.ConversationReopened.class)).singleElement()
        .satisfies(e -> assertThat(e.conversation().conversationId()).isEqualTo(KEY));
  }

  @Test
  void inboundToAnOpenConversationRaisesNoReopenedEvent() {
    World w = world();
    receive(w, CUSTOMER, "one");
    receive(w, CUSTOMER, "two");

    assertThat(events(SmsEvent.ConversationReopened.class)).isEmpty();
  }

  @Test
  void webhookThatFailsVerificationRecordsNothing() {
    World w = world();
    WebhookRequest genuine = inbound(w, CUSTOMER, OUR_PRIMARY, "Hi");
    List<Long> before = allRows();
    WebhookRequest tampered = WebhookRequest.of("POST", genuine.url(), genuine.headers(),
        genuine.bodyText().replace("Body=Hi", "Body=Pay+now").getBytes(StandardCharsets.UTF_8));
    WebhookRequest elsewhere = WebhookRequest.of("POST", URI.create(genuine.url() + "x"), genuine.headers(),
        genuine.body());
    WebhookRequest unsigned = WebhookRequest.form(genuine.url(), Map.of(), genuine.formParameters());

    for (WebhookRequest bad : List.of(tampered, elsewhere, unsigned)) {
      assertThatThrownBy(() -> sms.handleWebhook(w.account(), bad)).isInstanceOf(WebhookVerificationException.class);
    }
    assertThat(allRows()).isEqualTo(before);
    assertThat(events).isEmpty();
  }

  @Test
  void webhookSignedWithAnotherAccountsTokenIsRefused() {
    World w = world();
    UUID other = sms.registerSenderAccount("Other", "simulated", "SIM-O", "other-token").id();
    WebhookRequest fromOther = simulated(sms, other).inboundMessage(w.hook(),
        org.smskit.core.phone.PhoneNumber.of(CUSTOMER), org.smskit.core.phone.PhoneNumber.of(OUR_PRIMARY), "Hi",
        List.of());

    assertThatThrownBy(() -> sms.handleWebhook(w.account(), fromOther))
        .isInstanceOf(WebhookVerificationException.class);
    assertThat(rows("sms_messages")).isZero();
  }
}
