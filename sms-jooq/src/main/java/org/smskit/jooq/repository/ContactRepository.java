package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_CONTACTS;
import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.smskit.core.Nullable;
import org.smskit.core.model.Contact;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.generated.tables.records.SmsContactsRecord;
import org.smskit.jooq.inbox.Contacts;

/** The address book ({@code sms_contacts}); one contact per number and tenant. */
public final class ContactRepository extends TableRepository<SmsContactsRecord, Contact> {

  ContactRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "contact", SMS_CONTACTS, SMS_CONTACTS.TENANT_ID, SMS_CONTACTS.ID);
  }

  /** The spec's "find contact by phone". */
  public Optional<Contact> findByPhone(PhoneNumber phone) {
    return dsl.selectFrom(SMS_CONTACTS)
        .where(owned(), SMS_CONTACTS.PHONE.eq(phone.value()))
        .fetchOptional(this::toDomain);
  }

  /**
   * The contact with {@code contact}'s number, stored from {@code contact} when there is none yet. Safe when
   * several transactions meet the same new number at once: the later ones wait for the first and get its row
   * instead of failing on the unique number.
   */
  public Contact findOrInsert(Contact contact) {
    Optional<Contact> existing = findByPhone(contact.phone());
    if (existing.isPresent()) {
      return existing.get();
    }
    SmsContactsRecord record = dsl.newRecord(SMS_CONTACTS);
    fill(record, contact);
    record.setTenantId(tenant);
    if (contact.createdAt() == null) {
      record.changed(SMS_CONTACTS.CREATED_AT, false);
    }
    if (contact.updatedAt() == null) {
      record.changed(SMS_CONTACTS.UPDATED_AT, false);
    }
    return dsl.insertInto(SMS_CONTACTS).set(record)
        .onConflict(SMS_CONTACTS.TENANT_ID, SMS_CONTACTS.PHONE).doNothing()
        .returning()
        .fetchOptional(this::toDomain)
        .orElseGet(() -> findByPhone(contact.phone()).orElseThrow());
  }

  /**
   * Records that a message to or from the contact happened at {@code at}, and assigns it {@code assignNumberId}
   * when not null. Writes only those columns, so that a concurrent edit of the contact by the host is kept.
   */
  public void recordContact(UUID contactId, Instant at, @Nullable UUID assignNumberId) {
    var update = dsl.update(SMS_CONTACTS)
        .set(SMS_CONTACTS.LAST_CONTACTED_AT, DSL.greatest(SMS_CONTACTS.LAST_CONTACTED_AT, DSL.val(at)));
    if (assignNumberId != null) {
      update = update.set(SMS_CONTACTS.ASSIGNED_PHONE_NUMBER_ID, assignNumberId);
    }
    update.where(owned(), SMS_CONTACTS.ID.eq(contactId)).execute();
  }

  /** The contacts of many numbers, by number (numbers without a contact are absent). */
  public java.util.Map<String, Contact> findByPhones(java.util.Collection<PhoneNumber> phones) {
    java.util.Map<String, Contact> out = new java.util.HashMap<>();
    dsl.selectFrom(SMS_CONTACTS)
        .where(owned(), SMS_CONTACTS.PHONE.in(phones.stream().map(PhoneNumber::value).toList()))
        .fetch(this::toDomain)
        .forEach(c -> out.put(c.phone().value(), c));
    return out;
  }

  /** Stores the contacts whose numbers have none yet (concurrent creators of one number are harmless). */
  public void insertMissing(java.util.Collection<Contact> contacts) {
    var insert = dsl.insertInto(SMS_CONTACTS, SMS_CONTACTS.TENANT_ID, SMS_CONTACTS.ID, SMS_CONTACTS.NAME,
        SMS_CONTACTS.PHONE, SMS_CONTACTS.COUNTRY_CODE, SMS_CONTACTS.AREA_CODE, SMS_CONTACTS.TIMEZONE);
    for (Contact c : contacts) {
      insert = insert.values(tenant, c.id(), c.name(), c.phone().value(), c.countryCode(), c.areaCode(), c.timezone());
    }
    if (!contacts.isEmpty()) {
      insert.onConflictDoNothing().execute();
    }
  }

  /**
   * Sets {@code last_contacted_at} of many contacts, and assigns {@code stickyNumber} to those that have no
   * assigned number yet (when it is not null).
   */
  public void recordContacts(java.util.Collection<UUID> ids, Instant at, @org.smskit.core.Nullable UUID stickyNumber) {
    dsl.update(SMS_CONTACTS)
        .set(SMS_CONTACTS.LAST_CONTACTED_AT, DSL.greatest(DSL.coalesce(SMS_CONTACTS.LAST_CONTACTED_AT, DSL.val(at)),
            DSL.val(at)))
        .set(SMS_CONTACTS.ASSIGNED_PHONE_NUMBER_ID, stickyNumber == null ? SMS_CONTACTS.ASSIGNED_PHONE_NUMBER_ID
            : DSL.coalesce(SMS_CONTACTS.ASSIGNED_PHONE_NUMBER_ID, DSL.val(stickyNumber)))
        .where(owned(), SMS_CONTACTS.ID.in(ids))
        .execute();
  }

  /** Contacts with a CRM id, oldest first. */
  public List<Contact> findByCrmId(String crmId) {
    return dsl.selectFrom(SMS_CONTACTS)
        .where(owned(), SMS_CONTACTS.CRM_ID.eq(crmId))
        .orderBy(SMS_CONTACTS.CREATED_AT, SMS_CONTACTS.ID)
        .fetch(this::toDomain);
  }

  /**
   * The spec's "contacts with recent messages": contacts that sent or received a message in the last 30 days,
   * most recently contacted first (never-contacted last).
   */
  public List<Contact> withRecentMessages(int limit) {
    return withMessagesSince(DSL.field("now() - interval '30 days'", SQLDataType.INSTANT), limit);
  }

  /** Contacts that sent or received a message at or after {@code since}, most recently contacted first. */
  public List<Contact> withMessagesSince(Instant since, int limit) {
    return withMessagesSince(DSL.val(since), limit);
  }

  private List<Contact> withMessagesSince(Field<Instant> since, int limit) {
    // Two index probes (to_number, from_number; both lead with tenant and end with created_at) instead of the
    // spec's OR-join, which cannot use either index.
    var to = DSL.selectOne().from(SMS_MESSAGES).where(SMS_MESSAGES.TENANT_ID.eq(SMS_CONTACTS.TENANT_ID),
        SMS_MESSAGES.TO_NUMBER.eq(SMS_CONTACTS.PHONE), SMS_MESSAGES.CREATED_AT.ge(since));
    var from = DSL.selectOne().from(SMS_MESSAGES).where(SMS_MESSAGES.TENANT_ID.eq(SMS_CONTACTS.TENANT_ID),
        SMS_MESSAGES.FROM_NUMBER.eq(SMS_CONTACTS.PHONE), SMS_MESSAGES.CREATED_AT.ge(since));
    return dsl.selectFrom(SMS_CONTACTS)
        .where(owned(), DSL.exists(to).or(DSL.exists(from)))
        .orderBy(SMS_CONTACTS.LAST_CONTACTED_AT.desc().nullsLast(), SMS_CONTACTS.ID)
        .limit(limit)
        .fetch(this::toDomain);
  }

  @Override
  Contact toDomain(SmsContactsRecord r) {
    return new Contact(r.getId(), r.getName(), PhoneNumber.of(r.getPhone()), r.getCountryCode(), r.getAreaCode(),
        r.getTimezone(), r.getCrmId(), r.getLastContactedAt(), r.getAssignedPhoneNumberId(), r.getCreatedAt(),
        r.getUpdatedAt());
  }

  @Override
  void fill(SmsContactsRecord r, Contact c) {
    r.setId(c.id());
    r.setName(c.name());
    r.setPhone(c.phone().value());
    r.setCountryCode(c.countryCode());
    r.setAreaCode(c.areaCode());
    r.setTimezone(c.timezone());
    r.setCrmId(c.crmId());
    r.setLastContactedAt(c.lastContactedAt());
    r.setAssignedPhoneNumberId(c.assignedPhoneNumberId());
    r.setCreatedAt(c.createdAt());
    r.setUpdatedAt(c.updatedAt());
  }

  @Override
  UUID idOf(Contact value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_CONTACTS.CREATED_AT, SMS_CONTACTS.UPDATED_AT);
  }
}
