package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.jooq.testing.Fixtures.OUR_NUMBER;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.NotFoundException;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.Priority;
import org.smskit.core.model.Reaction;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.Encoding;
import org.smskit.jooq.testing.DatabaseTest;
import org.smskit.jooq.testing.Fixtures;

/** Create, read, update and delete through every repository, values round-tripping exactly. */
class RepositoryCrudTest extends DatabaseTest {

  @Test
  void senderAccountRoundTripsWithEncryptedTokenAndJsonSettings() {
    EncryptedValue token = new EncryptedValue("k1", "AAECAwQFBgc=");
    SenderAccount created = SenderAccount.create("Main", "twilio", "AC123", token)
        .withSettingsJson("{\"edge\": \"dublin\"}");
    SenderAccount stored = tx((Repositories r) -> r.senderAccounts().insert(created));

    assertThat(stored.createdAt()).isNotNull();
    assertThat(stored.authToken()).isEqualTo(token);
    assertThat(stored.settingsJson()).isEqualTo("{\"edge\": \"dublin\"}");
    assertThat(tx((Repositories r) -> r.senderAccounts().get(created.id()))).isEqualTo(stored);

    SenderAccount deactivated = tx((Repositories r) -> r.senderAccounts().update(stored.withActive(false)));
    assertThat(deactivated.active()).isFalse();
    assertThat(deactivated.createdAt()).isEqualTo(stored.createdAt());
    assertThat(tx((Repositories r) -> r.senderAccounts().listActive())).extracting(SenderAccount::id).doesNotContain(created.id());
    assertThat(tx((Repositories r) -> r.senderAccounts().listByProvider("twilio"))).extracting(SenderAccount::id)
        .contains(created.id());

    assertThat(tx((Repositories r) -> r.senderAccounts().delete(created.id()))).isTrue();
    assertThat(tx((Repositories r) -> r.senderAccounts().find(created.id()))).isEmpty();
    assertThat(tx((Repositories r) -> r.senderAccounts().delete(created.id()))).isFalse();
  }

  @Test
  void phoneNumbersListPrimaryFirstAndFindByNumber() {
    UUID account = tx((Repositories r) -> Fixtures.account(r).id());
    SenderPhoneNumber second = tx((Repositories r) -> Fixtures.number(r, account, "+14155550201", false));
    SenderPhoneNumber primary = tx((Repositories r) -> Fixtures.number(r, account, "+14155550202", true));

    assertThat(tx((Repositories r) -> r.phoneNumbers().listByAccount(account))).extracting(SenderPhoneNumber::id)
        .containsExactly(primary.id(), second.id());
    assertThat(tx((Repositories r) -> r.phoneNumbers().activePrimary(account))).contains(primary);
    assertThat(tx((Repositories r) -> r.phoneNumbers().findByNumber(PhoneNumber.of("+14155550201")))).contains(second);

    tx((Repositories r) -> r.phoneNumbers().update(primary.withActive(false)));
    assertThat(tx((Repositories r) -> r.phoneNumbers().activePrimary(account))).isEmpty();
    assertThat(tx((Repositories r) -> r.phoneNumbers().listActiveByAccount(account))).extracting(SenderPhoneNumber::id)
        .containsExactly(second.id());

    SenderPhoneNumber assigned = tx((Repositories r) -> r.phoneNumbers().update(second.withAssignedTo("Support team")));
    assertThat(assigned.assignedTo()).isEqualTo("Support team");
    assertThat(assigned.updatedAt()).isAfterOrEqualTo(second.updatedAt());
  }

  @Test
  void serviceAccountsForCampaignAreTheActiveLinkedOnes() {
    UUID account = tx((Repositories r) -> Fixtures.account(r).id());
    db.execute("INSERT INTO public.mkt_campaigns VALUES (11, 'Autumn'), (12, 'Winter') ON CONFLICT DO NOTHING");
    ServiceAccount autumn = tx((Repositories r) -> r.serviceAccounts().insert(
        ServiceAccount.create(account, "Autumn", ServiceType.CAMPAIGN).withLinks(11L, null)));
    ServiceAccount autumnOff = tx((Repositories r) -> r.serviceAccounts().insert(
        ServiceAccount.create(account, "Autumn old", ServiceType.CAMPAIGN).withLinks(11L, null).withActive(false)));
    tx((Repositories r) -> r.serviceAccounts().insert(
        ServiceAccount.create(account, "Winter", ServiceType.MARKETING).withLinks(12L, null)));

    assertThat(tx((Repositories r) -> r.serviceAccounts().activeForCampaign(11))).extracting(ServiceAccount::id)
        .containsExactly(autumn.id());
    assertThat(tx((Repositories r) -> r.serviceAccounts().listBySenderAccount(account))).hasSize(3);

    ServiceAccount described = tx((Repositories r) -> r.serviceAccounts().update(
        autumnOff.withDescription("retired").withProviderServiceSid("MG123").withSettingsJson("{\"a\": 1}")));
    assertThat(tx((Repositories r) -> r.serviceAccounts().get(autumnOff.id()))).isEqualTo(described);
  }

  @Test
  void contactRoundTripsEveryColumn() {
    UUID account = tx((Repositories r) -> Fixtures.account(r).id());
    UUID number = tx((Repositories r) -> Fixtures.number(r, account, "+14155550301", false).id());
    Instant contacted = Instant.parse("2026-03-01T10:15:30.123456Z");
    Contact contact = Contact.create("Ada", PhoneNumber.of("+442079460958"))
        .withRegion("44", "20", "Europe/London")
        .withCrmId("crm-7")
        .withLastContactedAt(contacted)
        .withAssignedPhoneNumberId(number);
    Contact stored = tx((Repositories r) -> r.contacts().insert(contact));

    assertThat(stored).usingRecursiveComparison().ignoringFields("createdAt", "updatedAt").isEqualTo(contact);
    assertThat(tx((Repositories r) -> r.contacts().findByPhone(PhoneNumber.of("+442079460958")))).contains(stored);
    assertThat(tx((Repositories r) -> r.contacts().findByCrmId("crm-7"))).containsExactly(stored);

    Contact renamed = tx((Repositories r) -> r.contacts().update(stored.withName("Ada L.").withAssignedPhoneNumberId(null)));
    assertThat(renamed.name()).isEqualTo("Ada L.");
    assertThat(renamed.assignedPhoneNumberId()).isNull();
    assertThat(tx((Repositories r) -> r.contacts().delete(stored.id()))).isTrue();
  }

  @Test
  void conversationRoundTripsArraysScoresAndEnums() {
    Conversation conversation = Conversation.builder()
        .conversationId("crud-conv")
        .priority(Priority.HIGH)
        .state(ConversationState.PENDING)
        .tags(List.of("vip", "billing"))
        .keyPoints(List.of("wants refund"))
        .sentimentScore(new BigDecimal("-0.25"))
        .confidenceScore(new BigDecimal("0.9"))
        .aiModel("lexicon/1")
        .summaryText("Customer asks about a refund.")
        .conversationStart(Instant.parse("2026-01-01T00:00:00Z"))
        .build();
    Conversation stored = tx((Repositories r) -> r.conversations().insert(conversation));

    assertThat(stored).usingRecursiveComparison().ignoringFields("createdAt", "updatedAt", "lastMessageAt")
        .isEqualTo(conversation);
    assertThat(stored.lastMessageAt()).as("defaulted by the database").isNotNull();
    assertThat(tx((Repositories r) -> r.conversations().findByConversationId("crud-conv"))).contains(stored);

    Conversation closed = tx((Repositories r) -> r.conversations().update(
        stored.toBuilder().state(ConversationState.CLOSED).tags(List.of()).build()));
    assertThat(closed.state()).isEqualTo(ConversationState.CLOSED);
    assertThat(closed.tags()).isEmpty();
  }

  @Test
  void messageRoundTripsEveryColumnIncludingAddressKinds() {
    UUID account = tx((Repositories r) -> Fixtures.account(r).id());
    UUID number = tx((Repositories r) -> Fixtures.number(r, account, "+14155550401", false).id());
    UUID service = tx((Repositories r) -> Fixtures.service(r, account, ServiceType.SUPPORT).id());
    tx((Repositories r) -> Fixtures.conversation(r, "crud-msg"));
    Instant t = Instant.parse("2026-05-01T08:00:00.000001Z");
    Message message = Message.builder()
        .direction(Direction.OUTBOUND)
        .from(new AlphanumericSenderId("ACME"))
        .to(PhoneNumber.of("+4915123456789"))
        .body("Your code is 1234 €")
        .mediaCount(1)
        .status(MessageStatus.DELIVERED)
        .provider("twilio")
        .providerMessageSid("SM" + Fixtures.hex(32))
        .providerErrorCode(null)
        .providerPayload("{\"status\":\"delivered\"}")
        .sentAt(t)
        .deliveredAt(t.plusSeconds(3))
        .conversationId("crud-msg")
        .userId("user-9")
        .metadataJson("{\"order\": 42}")
        .messageType(MessageType.MMS)
        .senderPhoneNumberId(number)
        .serviceAccountId(service)
        .segmentCount(1)
        .encoding(Encoding.UCS2)
        .createdAt(t)
        .build();
    Message stored = tx((Repositories r) -> r.messages().insert(message));

    assertThat(stored).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(message);
    assertThat(tx((Repositories r) -> r.messages().findByProviderSid("twilio", message.providerMessageSid()))).contains(stored);

    Message read = tx((Repositories r) -> r.messages().update(stored.toBuilder().status(MessageStatus.READ).readAt(t.plusSeconds(9))
        .build()));
    assertThat(read.status()).isEqualTo(MessageStatus.READ);
    assertThat(read.createdAt()).isEqualTo(t);
  }

  @Test
  void deletingAMessageDeletesItsAttachmentsReactionsAndHistory() {
    tx((Repositories r) -> Fixtures.conversation(r, "crud-cascade"));
    Message message = tx((Repositories r) -> Fixtures.inbound(r, "crud-cascade", "+14155550501", Instant.now()));
    Attachment attachment = tx((Repositories r) -> r.attachments().insert(new Attachment(Ids.newId(), message.id(),
        "https://api.twilio.com/media/ME1", "cat.jpg", "image", 2048, "image/jpeg", "ME1", null)));
    Reaction reaction = tx((Repositories r) -> r.reactions().insert(Reaction.create(message.id(), "emoji", "👍", "user-1")));
    tx((Repositories r) -> r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), "twilio", "SM1",
        MessageStatus.RECEIVED, "received", Instant.now(), null, "From=...", null)));

    assertThat(tx((Repositories r) -> r.attachments().listByMessage(message.id()))).containsExactly(attachment);
    assertThat(tx((Repositories r) -> r.attachments().findByProviderMediaSid("ME1"))).contains(attachment);
    assertThat(tx((Repositories r) -> r.reactions().listByMessage(message.id()))).containsExactly(reaction);
    assertThat(tx((Repositories r) -> r.reactions().listByReactor("user-1", 10))).containsExactly(reaction);

    assertThat(tx((Repositories r) -> r.messages().delete(message.id()))).isTrue();
    assertThat(tx((Repositories r) -> r.attachments().find(attachment.id()))).isEmpty();
    assertThat(tx((Repositories r) -> r.reactions().find(reaction.id()))).isEmpty();
    assertThat(tx((Repositories r) -> r.statusEvents().listByMessage(message.id()))).isEmpty();
  }

  @Test
  void reactionIsRemovedByWhoWhatAndValue() {
    tx((Repositories r) -> Fixtures.conversation(r, "crud-react"));
    Message message = tx((Repositories r) -> Fixtures.inbound(r, "crud-react", "+14155550502", Instant.now()));
    tx((Repositories r) -> r.reactions().insert(Reaction.create(message.id(), "emoji", "👍", "user-1")));
    Reaction heart = tx((Repositories r) -> r.reactions().insert(Reaction.create(message.id(), "emoji", "❤️", "user-1")));

    assertThat(tx((Repositories r) -> r.reactions().remove(message.id(), "user-1", "emoji", "👍"))).isTrue();
    assertThat(tx((Repositories r) -> r.reactions().remove(message.id(), "user-1", "emoji", "👍"))).isFalse();
    assertThat(tx((Repositories r) -> r.reactions().listByMessage(message.id()))).containsExactly(heart);
  }

  @Test
  void unmatchedStatusEventsWaitAndAttachToTheirMessageLater() {
    Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
    MessageStatusEvent orphan = tx((Repositories r) -> r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), null, "vonage",
        "0A0000001234", MessageStatus.DELIVERED, "delivered", t, null, "{}", null)));
    assertThat(tx((Repositories r) -> r.statusEvents().listUnmatched("vonage", "0A0000001234", Ids.newId()))).containsExactly(orphan);

    tx((Repositories r) -> Fixtures.conversation(r, "crud-orphan"));
    Message message = tx((Repositories r) -> Fixtures.outbound(r, "crud-orphan", "+14155550503", MessageStatus.SENT, t));
    assertThat(tx((Repositories r) -> r.statusEvents().attachUnmatched("vonage", "0A0000001234", message.id()))).isEqualTo(1);
    assertThat(tx((Repositories r) -> r.statusEvents().listUnmatched("vonage", "0A0000001234", Ids.newId()))).isEmpty();
    assertThat(tx((Repositories r) -> r.statusEvents().listByMessage(message.id()))).extracting(MessageStatusEvent::id)
        .containsExactly(orphan.id());
  }

  @Test
  void deletingAConversationDeletesItsMessages() {
    Conversation conversation = tx((Repositories r) -> Fixtures.conversation(r, "crud-conv-cascade"));
    Message message = tx((Repositories r) -> Fixtures.inbound(r, "crud-conv-cascade", "+14155550504", Instant.now()));
    assertThat(tx((Repositories r) -> r.conversations().delete(conversation.id()))).isTrue();
    assertThat(tx((Repositories r) -> r.messages().find(message.id()))).isEmpty();
  }

  @Test
  void missingRowsAreNotFound() {
    UUID missing = Ids.newId();
    assertThatThrownBy(() -> tx((Repositories r) -> r.contacts().get(missing))).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("contact");
    Contact ghost = Contact.create("Ghost", PhoneNumber.of("+14155550599"));
    assertThatThrownBy(() -> tx((Repositories r) -> r.contacts().update(ghost))).isInstanceOf(NotFoundException.class);
    assertThat(count("SELECT count(*) FROM smskit.sms_contacts WHERE phone = '+14155550599'")).isZero();
  }

  @Test
  void ourNumberFixtureIsE164() {
    assertThat(OUR_NUMBER.value()).startsWith("+1");
    Optional<Contact> none = tx((Repositories r) -> r.contacts().findByPhone(OUR_NUMBER));
    assertThat(none).isEmpty();
  }
}
