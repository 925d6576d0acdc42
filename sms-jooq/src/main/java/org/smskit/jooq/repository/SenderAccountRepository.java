package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_SENDER_ACCOUNTS;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.model.SenderAccount;
import org.smskit.jooq.generated.tables.records.SmsSenderAccountsRecord;

/** Provider accounts ({@code sms_sender_accounts}). Tokens are stored and returned encrypted. */
public final class SenderAccountRepository extends TableRepository<SmsSenderAccountsRecord, SenderAccount> {

  SenderAccountRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "sender account", SMS_SENDER_ACCOUNTS, SMS_SENDER_ACCOUNTS.TENANT_ID, SMS_SENDER_ACCOUNTS.ID);
  }

  /** Active accounts, oldest first. */
  public List<SenderAccount> listActive() {
    return dsl.selectFrom(SMS_SENDER_ACCOUNTS)
        .where(owned(), SMS_SENDER_ACCOUNTS.IS_ACTIVE.eq(1))
        .orderBy(SMS_SENDER_ACCOUNTS.CREATED_AT, SMS_SENDER_ACCOUNTS.ID)
        .fetch(this::toDomain);
  }

  /** Every account of a provider (active or not), oldest first. */
  public List<SenderAccount> listByProvider(String provider) {
    return dsl.selectFrom(SMS_SENDER_ACCOUNTS)
        .where(owned(), SMS_SENDER_ACCOUNTS.PROVIDER.eq(provider))
        .orderBy(SMS_SENDER_ACCOUNTS.CREATED_AT, SMS_SENDER_ACCOUNTS.ID)
        .fetch(this::toDomain);
  }

  @Override
  SenderAccount toDomain(SmsSenderAccountsRecord r) {
    return new SenderAccount(r.getId(), r.getAccountName(), r.getProvider(), r.getAccountSid(),
        r.getAuthToken() == null ? null : EncryptedValue.parse("auth_token", r.getAuthToken()),
        json(r.getSettings()), r.getIsActive() == 1, r.getCreatedAt(), r.getUpdatedAt());
  }

  @Override
  void fill(SmsSenderAccountsRecord r, SenderAccount a) {
    r.setId(a.id());
    r.setAccountName(a.accountName());
    r.setProvider(a.provider());
    r.setAccountSid(a.accountSid());
    r.setAuthToken(a.authToken() == null ? null : a.authToken().format());
    r.setSettings(JSONB.valueOf(a.settingsJson()));
    r.setIsActive(flag(a.active()));
    r.setCreatedAt(a.createdAt());
    r.setUpdatedAt(a.updatedAt());
  }

  @Override
  UUID idOf(SenderAccount value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_SENDER_ACCOUNTS.CREATED_AT, SMS_SENDER_ACCOUNTS.UPDATED_AT);
  }
}
