package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.model.Contact;
import org.smskit.core.phone.InvalidPhoneNumberException;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.sending.SendRequest;

/** The address book: create, update, find in any format, merge, and last contact kept on every message. */
class ContactTest extends ServiceTestBase {

  @Test
  void createdContactIsNormalisedAndDescribed() {
    Contact c = sms.createContact("Ann", "(415) 555-0123");

    assertThat(c.phone().value()).isEqualTo(CUSTOMER);
    assertThat(c.name()).isEqualTo("Ann");
    assertThat(c.countryCode()).isEqualTo("1");
    assertThat(c.areaCode()).isEqualTo("415");
    assertThat(c.timezone()).isEqualTo("America/Los_Angeles");
    assertThat(c.lastContactedAt()).isNull();
    assertThat(c.createdAt()).isNotNull();
  }

  @Test
  void foreignNumberGetsItsOwnCountry() {
    Contact c = sms.createContact("Bob", "+44 20 7946 0018");

    assertThat(c.phone().value()).isEqualTo("+442079460018");
    assertThat(c.countryCode()).isEqualTo("44");
    assertThat(c.timezone()).isEqualTo("Europe/London");
  }

  @ParameterizedTest
  @ValueSource(strings = {"+14155550123", "(415) 555-0123", "415.555.0123", "1-415-555-0123", "+1 415 555 0123"})
  void contactIsFoundByItsNumberTypedAnyWay(String typed) {
    Contact ann = sms.createContact("Ann", CUSTOMER);

    assertThat(sms.findContact(typed)).get().extracting(Contact::id).isEqualTo(ann.id());
    assertThat(sms.findContact("+14155550199")).isEmpty();
  }

  @Test
  void secondContactWithTheSameNumberInAnotherFormatIsAConflict() {
    sms.createContact("Ann", CUSTOMER);

    assertThatThrownBy(() -> sms.createContact("Ann again", "415-555-0123"))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.field()).isEqualTo("phone"));
    assertThat(rows("sms_contacts")).isEqualTo(1);
  }

  @Test
  void invalidNumberIsRefusedNamingTheField() {
    assertThatThrownBy(() -> sms.createContact("X", "not a phone"))
        .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.field()).isEqualTo("phone"));
    assertThatThrownBy(() -> sms.findContact("123"))
        .isInstanceOfSatisfying(InvalidPhoneNumberException.class, e -> assertThat(e.field()).isEqualTo("phone"));
    assertThat(rows("sms_contacts")).isZero();
  }

  @Test
  void updateWritesTheHostsChanges() {
    World w = world();
    Contact ann = sms.createContact("Ann", CUSTOMER);

    Contact updated = sms.updateContact(ann.withName("Ann Lee").withCrmId("CRM-77")
        .withAssignedPhoneNumberId(w.second().id()));

    assertThat(updated.name()).isEqualTo("Ann Lee");
    Contact reread = sms.findContact(CUSTOMER).orElseThrow();
    assertThat(reread.name()).isEqualTo("Ann Lee");
    assertThat(reread.crmId()).isEqualTo("CRM-77");
    assertThat(reread.assignedPhoneNumberId()).isEqualTo(w.second().id());
  }

  @Test
  void updatingAContactThatDoesNotExistIsNotFound() {
    assertThatThrownBy(() -> sms.updateContact(Contact.create("Ghost", PhoneNumber.of(CUSTOMER))))
        .isInstanceOf(NotFoundException.class);
    assertThat(rows("sms_contacts")).isZero();
  }

  @Test
  void mergeFillsWhatTheKeptContactLacksAndDeletesTheDuplicate() {
    World w = world();
    Contact keep = sms.createContact(null, CUSTOMER);
    Contact dup = sms.createContact("Ann", "+14155550124");
    sms.updateContact(dup.withCrmId("CRM-9").withAssignedPhoneNumberId(w.second().id()));
    clock.advance(Duration.ofHours(1));
    sms.send(SendRequest.to("+14155550124").fromNumber(w.second().id()).body("Hi").build());

    Contact merged = sms.mergeContacts(keep.id(), dup.id());

    assertThat(merged.id()).isEqualTo(keep.id());
    assertThat(merged.phone().value()).isEqualTo(CUSTOMER);
    assertThat(merged.name()).isEqualTo("Ann");
    assertThat(merged.crmId()).isEqualTo("CRM-9");
    assertThat(merged.assignedPhoneNumberId()).isEqualTo(w.second().id());
    assertThat(merged.lastContactedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(sms.findContact("+14155550124")).isEmpty();
    assertThat(rows("sms_contacts")).isEqualTo(1);
    assertThat(rows("sms_messages")).isEqualTo(1);
  }

  @Test
  void mergeKeepsTheKeptContactsOwnValues() {
    Contact keep = sms.createContact("Ann Lee", CUSTOMER);
    sms.updateContact(keep.withCrmId("CRM-1"));
    Contact dup = sms.createContact("A. Lee", "+14155550124");
    sms.updateContact(dup.withCrmId("CRM-2"));

    Contact merged = sms.mergeContacts(keep.id(), dup.id());

    assertThat(merged.name()).isEqualTo("Ann Lee");
    assertThat(merged.crmId()).isEqualTo("CRM-1");
  }

  @Test
  void mergeRefusesTheSameContactTwiceAndUnknownContacts() {
    Contact keep = sms.createContact("Ann", CUSTOMER);

    assertThatThrownBy(() -> sms.mergeContacts(keep.id(), keep.id()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("duplicate_id"));
    assertThatThrownBy(() -> sms.mergeContacts(keep.id(), UUID.randomUUID())).isInstanceOf(NotFoundException.class);
    assertThat(sms.findContact(CUSTOMER)).isPresent();
  }

  @Test
  void lastContactedAtFollowsEveryMessageInAndOut() {
    World w = world();
    sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("one").build());
    assertThat(sms.findContact(CUSTOMER).orElseThrow().lastContactedAt()).isEqualTo(T0);

    clock.advance(Duration.ofHours(1));
    receive(w, CUSTOMER, "two");
    assertThat(sms.findContact(CUSTOMER).orElseThrow().lastContactedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));

    clock.advance(Duration.ofHours(1));
    sms.send(SendRequest.to(CUSTOMER).fromNumber(w.second().id()).body("three").build());
    assertThat(sms.findContact(CUSTOMER).orElseThrow().lastContactedAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
  }

  @Test
  void sendingKeepsTheHostsContactDetails() {
    World w = world();
    Contact ann = sms.createContact("Ann", CUSTOMER);
    sms.updateContact(ann.withCrmId("CRM-5"));

    sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build());
    receive(w, CUSTOMER, "Hello");

    Contact after = sms.findContact(CUSTOMER).orElseThrow();
    assertThat(after.name()).isEqualTo("Ann");
    assertThat(after.crmId()).isEqualTo("CRM-5");
    assertThat(after.assignedPhoneNumberId()).isEqualTo(w.primary().id());
  }
}
