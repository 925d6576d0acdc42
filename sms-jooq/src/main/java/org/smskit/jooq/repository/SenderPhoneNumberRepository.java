package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_SENDER_PHONE_NUMBERS;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.generated.tables.records.SmsSenderPhoneNumbersRecord;

/** Our numbers ({@code sms_sender_phone_numbers}); at most one primary per account, enforced by the schema. */
public final class SenderPhoneNumberRepository
    extends TableRepository<SmsSenderPhoneNumbersRecord, SenderPhoneNumber> {

  SenderPhoneNumberRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "sender phone number", SMS_SENDER_PHONE_NUMBERS, SMS_SENDER_PHONE_NUMBERS.TENANT_ID,
        SMS_SENDER_PHONE_NUMBERS.ID);
  }

  public Optional<SenderPhoneNumber> findByNumber(PhoneNumber number) {
    return dsl.selectFrom(SMS_SENDER_PHONE_NUMBERS)
        .where(owned(), SMS_SENDER_PHONE_NUMBERS.PHONE_NUMBER.eq(number.value()))
        .fetchOptional(this::toDomain);
  }

  /** Marks the number primary or not; nothing else of it is written. */
  public SenderPhoneNumber updatePrimary(UUID id, boolean primary) {
    return set(id, SMS_SENDER_PHONE_NUMBERS.IS_PRIMARY, flag(primary));
  }

  /** Activates or deactivates the number; nothing else of it is written. */
  public SenderPhoneNumber updateActive(UUID id, boolean active) {
    return set(id, SMS_SENDER_PHONE_NUMBERS.IS_ACTIVE, flag(active));
  }

  /** The account's numbers: primary first, then oldest first. */
  public List<SenderPhoneNumber> listByAccount(UUID accountId) {
    return dsl.selectFrom(SMS_SENDER_PHONE_NUMBERS)
        .where(owned(), SMS_SENDER_PHONE_NUMBERS.ACCOUNT_ID.eq(accountId))
        .orderBy(SMS_SENDER_PHONE_NUMBERS.IS_PRIMARY.desc(), SMS_SENDER_PHONE_NUMBERS.CREATED_AT,
            SMS_SENDER_PHONE_NUMBERS.ID)
        .fetch(this::toDomain);
  }

  /** The account's primary number, if it has one and it is active. */
  public Optional<SenderPhoneNumber> activePrimary(UUID accountId) {
    return dsl.selectFrom(SMS_SENDER_PHONE_NUMBERS)
        .where(owned(), SMS_SENDER_PHONE_NUMBERS.ACCOUNT_ID.eq(accountId), SMS_SENDER_PHONE_NUMBERS.IS_PRIMARY.eq(1),
            SMS_SENDER_PHONE_NUMBERS.IS_ACTIVE.eq(1))
        .fetchOptional(this::toDomain);
  }

  /** The account's active numbers, primary first, then oldest first. */
  public List<SenderPhoneNumber> listActiveByAccount(UUID accountId) {
    return dsl.selectFrom(SMS_SENDER_PHONE_NUMBERS)
        .where(owned(), SMS_SENDER_PHONE_NUMBERS.ACCOUNT_ID.eq(accountId), SMS_SENDER_PHONE_NUMBERS.IS_ACTIVE.eq(1))
        .orderBy(SMS_SENDER_PHONE_NUMBERS.IS_PRIMARY.desc(), SMS_SENDER_PHONE_NUMBERS.CREATED_AT,
            SMS_SENDER_PHONE_NUMBERS.ID)
        .fetch(this::toDomain);
  }

  @Override
  SenderPhoneNumber toDomain(SmsSenderPhoneNumbersRecord r) {
    return new SenderPhoneNumber(r.getId(), r.getAccountId(), PhoneNumber.of(r.getPhoneNumber()),
        r.getFriendlyName(), r.getIsPrimary() == 1, r.getIsActive() == 1, r.getAssignedTo(), r.getCreatedAt(),
        r.getUpdatedAt());
  }

  @Override
  void fill(SmsSenderPhoneNumbersRecord r, SenderPhoneNumber n) {
    r.setId(n.id());
    r.setAccountId(n.accountId());
    r.setPhoneNumber(n.phoneNumber().value());
    r.setFriendlyName(n.friendlyName());
    r.setIsPrimary(flag(n.primary()));
    r.setIsActive(flag(n.active()));
    r.setAssignedTo(n.assignedTo());
    r.setCreatedAt(n.createdAt());
    r.setUpdatedAt(n.updatedAt());
  }

  @Override
  UUID idOf(SenderPhoneNumber value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_SENDER_PHONE_NUMBERS.CREATED_AT, SMS_SENDER_PHONE_NUMBERS.UPDATED_AT);
  }
}
