package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.ConflictException;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.testing.DatabaseTest;
import org.smskit.jooq.testing.Fixtures;

/** Two tenants in one schema: the same keys coexist, and neither can read, change or reference the other's rows. */
class TenantConfinementTest extends DatabaseTest {

  private static <T> T as(TenantId tenant, SmsDatabase.Work<T> work) {
    return sms.inTransaction(tenant, work);
  }

  @Test
  void sameNumbersAndConversationKeysCoexistInTwoTenants() {
    for (TenantId tenant : new TenantId[] {TENANT, OTHER_TENANT}) {
      as(tenant, r -> {
        UUID account = Fixtures.account(r).id();
        Fixtures.number(r, account, "+14155550900", true);
        Fixtures.contact(r, "Same person", "+14155550901");
        Fixtures.conversation(r, "shared-key");
        return Fixtures.inbound(r, "shared-key", "+14155550901", Instant.now());
      });
    }
    Contact mine = as(TENANT, (Repositories r) -> r.contacts().findByPhone(PhoneNumber.of("+14155550901")))
        .orElseThrow();
    Contact theirs = as(OTHER_TENANT, (Repositories r) -> r.contacts().findByPhone(PhoneNumber.of("+14155550901")))
        .orElseThrow();
    assertThat(mine.id()).isNotEqualTo(theirs.id());
    assertThat(as(TENANT, (Repositories r) -> r.messages().conversationTimeline("shared-key", PageRequest.first(10)))
        .items()).hasSize(1);
  }

  @Test
  void aTenantCannotReadChangeOrDeleteAnothersRows() {
    Contact theirs = as(OTHER_TENANT, (Repositories r) -> Fixtures.contact(r, "Private", "+14155550902"));

    assertThat(as(TENANT, (Repositories r) -> r.contacts().find(theirs.id()))).isEmpty();
    assertThatThrownBy(() -> as(TENANT, (Repositories r) -> r.contacts().update(theirs.withName("Hijacked"))))
        .isInstanceOf(NotFoundException.class);
    assertThat(as(TENANT, (Repositories r) -> r.contacts().delete(theirs.id()))).isFalse();
    assertThat(as(OTHER_TENANT, (Repositories r) -> r.contacts().get(theirs.id())).name()).isEqualTo("Private");
  }

  @Test
  void aTenantCannotReferenceAnothersRows() {
    SenderPhoneNumber theirNumber = as(OTHER_TENANT, (Repositories r) ->
        Fixtures.number(r, Fixtures.account(r).id(), "+14155550903", false));
    Message theirMessage = as(OTHER_TENANT, (Repositories r) -> {
      Fixtures.conversation(r, "theirs-only");
      return Fixtures.inbound(r, "theirs-only", "+14155550904", Instant.now());
    });

    // The composite (tenant_id, ...) foreign keys make another tenant's ids unknown here.
    assertThatThrownBy(() -> as(TENANT, (Repositories r) -> r.contacts().insert(
        Contact.create("X", PhoneNumber.of("+14155550905")).withAssignedPhoneNumberId(theirNumber.id()))))
        .isInstanceOf(ConflictException.class).hasMessageStartingWith("assigned_phone_number_id:");
    assertThatThrownBy(() -> as(TENANT, (Repositories r) -> r.attachments().insert(
        Attachment.create(theirMessage.id(), "https://example.com/x.png", "image/png"))))
        .isInstanceOf(ConflictException.class).hasMessageStartingWith("message_id:");
    assertThatThrownBy(() -> as(TENANT, (Repositories r) ->
        Fixtures.inbound(r, "theirs-only", "+14155550904", Instant.now())))
        .isInstanceOf(ConflictException.class).hasMessageStartingWith("conversation_id:");
  }
}
