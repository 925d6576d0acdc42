package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceType;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/** Which of our numbers a message goes out from, and how the choice sticks to the contact. */
class SenderSelectionTest extends ServiceTestBase {

  private Message send(SendRequest.Builder request) {
    return stored(sms.send(request.body("Hello").build()).messageId());
  }

  private Contact contact() {
    return sms.findContact(CUSTOMER).orElseThrow();
  }

  @Test
  void serviceSendsFromItsAccountsPrimaryNumberAndRecordsBoth() {
    World w = world();
    Message m = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(m.from().value()).isEqualTo(OUR_PRIMARY);
    assertThat(m.senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(m.serviceAccountId()).isEqualTo(w.service());
    assertThat(network().sent().get(0).message().from().value()).isEqualTo(OUR_PRIMARY);
  }

  @Test
  void namedNumberIsUsedAsIs() {
    World w = world();
    Message m = send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()));

    assertThat(m.from().value()).isEqualTo(OUR_SECOND);
    assertThat(m.senderPhoneNumberId()).isEqualTo(w.second().id());
    assertThat(m.serviceAccountId()).isNull();
  }

  @Test
  void accountSendsFromItsPrimaryNumber() {
    World w = world();
    Message m = send(SendRequest.to(CUSTOMER).fromAccount(w.account()));

    assertThat(m.senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(m.serviceAccountId()).isNull();
  }

  @Test
  void contactsActiveAssignedNumberWinsOverThePrimary() {
    World w = world();
    Contact c = sms.createContact("Ann", CUSTOMER);
    sms.updateContact(c.withAssignedPhoneNumberId(w.second().id()));

    Message m = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(m.senderPhoneNumberId()).isEqualTo(w.second().id());
    assertThat(contact().assignedPhoneNumberId()).isEqualTo(w.second().id());
  }

  @Test
  void deactivatedAssignedNumberFallsBackToThePrimaryAndIsReplaced() {
    World w = world();
    Contact c = sms.createContact("Ann", CUSTOMER);
    sms.updateContact(c.withAssignedPhoneNumberId(w.second().id()));
    sms.deactivatePhoneNumber(w.second().id());

    Message m = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(m.senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(contact().assignedPhoneNumberId()).isEqualTo(w.primary().id());
  }

  @Test
  void assignedNumberOfAnotherAccountIsNotUsedForThisAccountsService() {
    World w = world();
    UUID otherAccount = sms.registerSenderAccount("Other", "simulated", "SIM-O", "token-o").id();
    SenderPhoneNumber foreign = sms.addPhoneNumber(otherAccount, "+14155550199", "Other line", true);
    Contact c = sms.createContact("Ann", CUSTOMER);
    sms.updateContact(c.withAssignedPhoneNumberId(foreign.id()));

    Message m = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(m.senderPhoneNumberId()).isEqualTo(w.primary().id());
  }

  @Test
  void withoutAnActivePrimaryAnyActiveNumberOfTheAccountIsUsed() {
    World w = world();
    sms.deactivatePhoneNumber(w.primary().id());

    Message m = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(m.senderPhoneNumberId()).isEqualTo(w.second().id());
    assertThat(m.from().value()).isEqualTo(OUR_SECOND);
  }

  @Test
  void accountWithoutAnyActiveNumberIsRefusedWithNothingWritten() {
    World w = world();
    sms.deactivatePhoneNumber(w.primary().id());
    sms.deactivatePhoneNumber(w.second().id());
    List<Long> before = allRows();

    assertThatThrownBy(() -> send(SendRequest.to(CUSTOMER).fromService(w.service())))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("sender_phone_number_id"));
    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
  }

  @Test
  void serviceOfAnotherAccountUsesThatAccountsNumbers() {
    World w = world();
    UUID otherAccount = sms.registerSenderAccount("Other", "simulated", "SIM-O", "token-o").id();
    SenderPhoneNumber otherPrimary = sms.addPhoneNumber(otherAccount, "+14155550199", "Other line", true);
    UUID otherService = sms.createService(otherAccount, "Marketing", ServiceType.MARKETING, null, null, null).id();

    Message m = send(SendRequest.to(CUSTOMER).fromService(otherService));

    assertThat(m.senderPhoneNumberId()).isEqualTo(otherPrimary.id());
    assertThat(m.serviceAccountId()).isEqualTo(otherService);
    assertThat(w.primary().accountId()).isNotEqualTo(otherAccount);
  }

  @Test
  void stickySenderKeepsAnsweringFromTheFirstNumberAfterThePrimaryChanges() {
    World w = world();
    send(SendRequest.to(CUSTOMER).fromService(w.service()));
    assertThat(contact().assignedPhoneNumberId()).isEqualTo(w.primary().id());

    sms.makePrimary(w.second().id());
    Message second = send(SendRequest.to(CUSTOMER).fromService(w.service()));

    assertThat(second.senderPhoneNumberId()).isEqualTo(w.primary().id());
    // A new contact gets the new primary.
    Message other = send(SendRequest.to("+14155550124").fromService(w.service()));
    assertThat(other.senderPhoneNumberId()).isEqualTo(w.second().id());
  }

  @Test
  void explicitNumberDoesNotStealAContactsUsableAssignment() {
    World w = world();
    send(SendRequest.to(CUSTOMER).fromService(w.service()));

    send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()));

    assertThat(contact().assignedPhoneNumberId()).isEqualTo(w.primary().id());
  }

  @Test
  void withoutStickySenderTheContactGetsNoAssignedNumber() {
    SmsService plain = service(b -> b.stickySender(false));
    World w = world(plain);

    SendReceipt first = plain.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build());
    plain.makePrimary(w.second().id());
    SendReceipt second = plain.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build());

    assertThat(plain.findContact(CUSTOMER).orElseThrow().assignedPhoneNumberId()).isNull();
    assertThat(stored(first.messageId()).senderPhoneNumberId()).isEqualTo(w.primary().id());
    assertThat(stored(second.messageId()).senderPhoneNumberId()).isEqualTo(w.second().id());
  }

  @Test
  void deactivatedServiceOrAccountCannotSend() {
    World w = world();
    sms.deactivateService(w.service());
    assertThatThrownBy(() -> send(SendRequest.to(CUSTOMER).fromService(w.service())))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("service_account_id"));

    sms.deactivateSenderAccount(w.account());
    assertThatThrownBy(() -> send(SendRequest.to(CUSTOMER).fromAccount(w.account())))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("sender_account_id"));
    assertThatThrownBy(() -> send(SendRequest.to(CUSTOMER).fromNumber(w.primary().id())))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("sender_account_id"));
    assertThat(rows("sms_messages")).isZero();
  }
}
