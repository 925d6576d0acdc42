package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.testing.DatabaseTest;
import org.smskit.jooq.testing.Fixtures;

/**
 * Bad input through the repositories: a typed error naming the field and the rule, and nothing written, not
 * even the earlier steps of the same transaction.
 */
class BadInputTest extends DatabaseTest {

  @Test
  void nullWhereNotNullIsRefusedBeforeSqlNamingTheColumn() {
    assertThatThrownBy(() -> Message.builder().direction(Direction.OUTBOUND).from(Fixtures.OUR_NUMBER)
        .to(PhoneNumber.of("+14155551000")).conversationId("x").build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("status: must not be null");
    assertThatThrownBy(() -> SenderAccount.create("a", null, "AC1", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("provider: must not be null");
  }

  @Test
  void nonE164ContactPhoneIsRefusedNamingTheField() {
    assertThatThrownBy(() -> Contact.create("Bob", PhoneNumber.of("415-555-1000")))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("phone_number"));
  }

  @Test
  void tooLongBodyRollsBackTheWholeTransaction() {
    long contacts = count("SELECT count(*) FROM smskit.sms_contacts");
    long conversations = count("SELECT count(*) FROM smskit.sms_meta_conversation");

    assertThatThrownBy(() -> run(r -> {
      Fixtures.contact(r, "Written first", "+14155551001");
      Fixtures.conversation(r, "bad-body");
      r.messages().insert(Message.builder()
          .direction(Direction.OUTBOUND)
          .from(Fixtures.OUR_NUMBER)
          .to(PhoneNumber.of("+14155551001"))
          .body("x".repeat(1601))
          .status(MessageStatus.QUEUED)
          .conversationId("bad-body")
          .build());
    }))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("body: must be at most 1600 characters");

    assertThat(count("SELECT count(*) FROM smskit.sms_contacts")).isEqualTo(contacts);
    assertThat(count("SELECT count(*) FROM smskit.sms_meta_conversation")).isEqualTo(conversations);
  }

  @Test
  void wrongStatusForTheDirectionIsRefused() {
    run(r -> Fixtures.conversation(r, "bad-status"));
    assertThatThrownBy(() -> run(r -> r.messages().insert(Message.builder()
        .direction(Direction.INBOUND)
        .from(PhoneNumber.of("+14155551002"))
        .to(Fixtures.OUR_NUMBER)
        .body("hi")
        .status(MessageStatus.DELIVERED)
        .conversationId("bad-status")
        .build())))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("status"));
  }

  @Test
  void invalidJsonAndOutOfRangeScoresAreRefused() {
    assertThatThrownBy(() -> run(r -> r.senderAccounts().insert(
        SenderAccount.create("a", "twilio", "AC1", null).withSettingsJson("[\"not\", \"an object\"]"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("settings: must be a JSON object");
    assertThatThrownBy(() -> run(r -> r.conversations().insert(Conversation.builder().conversationId("bad-score")
        .sentimentScore(new java.math.BigDecimal("1.5")).build())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("sentiment_score: must be between -1 and 1");
    assertThat(count("SELECT count(*) FROM smskit.sms_meta_conversation WHERE conversation_id = 'bad-score'"))
        .isZero();
  }

  @Test
  void unknownConversationIsRefusedNamingIt() {
    assertThatThrownBy(() -> run(r -> Fixtures.inbound(r, "never-created", "+14155551003", Instant.now())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("conversation_id: must name an existing conversation");
  }
}
