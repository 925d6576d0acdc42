package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_SENDER_ACCOUNTS;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
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

  /** Every account, active or not, oldest first. */
  public List<SenderAccount> listAll() {
    return dsl.selectFrom(SMS_SENDER_ACCOUNTS).where(owned())
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

  /** Reads the account and locks its row until the transaction ends (a concurrent change of it waits). */
  public SenderAccount lock(UUID id) {
    return dsl.selectFrom(SMS_SENDER_ACCOUNTS).where(owned(), SMS_SENDER_ACCOUNTS.ID.eq(id)).forUpdate()
        .fetchOptional(this::toDomain)
        .orElseThrow(() -> new org.smskit.core.NotFoundException("sender account", id));
  }

  // The writes below set only the columns they name, unlike update(): a rename, a new token, deactivation and
  // key rotation may run at the same time on one account, and none may put back what another just replaced
  // (a token under a retired key would be unreadable).

  /** Sets the name and the whole settings object (plain and encrypted members). */
  public SenderAccount updateNameAndSettings(UUID id, @Nullable String name, String settingsJson) {
    return set(id, Map.of(SMS_SENDER_ACCOUNTS.ACCOUNT_NAME, DSL.val(name, SMS_SENDER_ACCOUNTS.ACCOUNT_NAME),
        SMS_SENDER_ACCOUNTS.SETTINGS, DSL.val(JSONB.valueOf(settingsJson))));
  }

  /** Sets the encrypted token (null for none). */
  public SenderAccount updateAuthToken(UUID id, @Nullable EncryptedValue token) {
    return set(id, Map.of(SMS_SENDER_ACCOUNTS.AUTH_TOKEN,
        DSL.val(token == null ? null : token.format(), SMS_SENDER_ACCOUNTS.AUTH_TOKEN)));
  }

  public SenderAccount updateActive(UUID id, boolean active) {
    return set(id, Map.of(SMS_SENDER_ACCOUNTS.IS_ACTIVE, DSL.val(flag(active))));
  }

  private SenderAccount set(UUID id, Map<? extends Field<?>, ? extends Field<?>> values) {
    return dsl.update(SMS_SENDER_ACCOUNTS).set(values).where(owned(), SMS_SENDER_ACCOUNTS.ID.eq(id)).returning()
        .fetchOptional(this::toDomain)
        .orElseThrow(() -> new org.smskit.core.NotFoundException("sender account", id));
  }

  /**
   * Replaces the token with {@code replacement} if it is still {@code expected} (compare and set); false when
   * it changed meanwhile, or the account is gone.
   */
  public boolean replaceAuthToken(UUID id, EncryptedValue expected, EncryptedValue replacement) {
    var a = SMS_SENDER_ACCOUNTS;
    return dsl.update(a).set(a.AUTH_TOKEN, replacement.format())
        .where(owned(), a.ID.eq(id), a.AUTH_TOKEN.eq(expected.format())).execute() == 1;
  }

  /** Replaces one secret setting if it is still {@code expected}, leaving every other member as it is. */
  public boolean replaceSecretSetting(UUID id, String name, EncryptedValue expected, EncryptedValue replacement) {
    var a = SMS_SENDER_ACCOUNTS;
    Field<JSONB> replaced = DSL.field("jsonb_set({0}, {1}::text[], to_jsonb({2}::text))", JSONB.class, a.SETTINGS,
        DSL.val(new String[] {name}), DSL.val(replacement.format()));
    Field<String> current = DSL.field("{0} ->> {1}", String.class, a.SETTINGS, DSL.val(name));
    return dsl.update(a).set(a.SETTINGS, replaced)
        .where(owned(), a.ID.eq(id), current.eq(expected.format())).execute() == 1;
  }

  /** An account's settings split into the plain part and the settings stored encrypted ({@code enc:v1:...}). */
  public record SplitSettings(String plainJson, java.util.Map<String, EncryptedValue> secrets) {}

  /** Reads {@code settings} of an account, separating the encrypted values (top-level strings) from the rest. */
  public SplitSettings splitSettings(UUID id) {
    var a = SMS_SENDER_ACCOUNTS;
    var entries = DSL.table("jsonb_each_text({0})", a.SETTINGS).as("e", "key", "value");
    var key = DSL.field(DSL.name("e", "key"), String.class);
    var value = DSL.field(DSL.name("e", "value"), String.class);
    java.util.Map<String, EncryptedValue> secrets = new java.util.LinkedHashMap<>();
    dsl.select(key, value).from(a).crossJoin(entries)
        .where(owned(), a.ID.eq(id), value.startsWith(EncryptedValue.PREFIX))
        .forEach(r -> secrets.put(r.value1(), EncryptedValue.parse("settings." + r.value1(), r.value2())));
    String plain = dsl.select(DSL.field("{0} - {1}::text[]", String.class, a.SETTINGS,
            DSL.val(secrets.keySet().toArray(String[]::new))))
        .from(a).where(owned(), a.ID.eq(id)).fetchOptional(0, String.class)
        .orElseThrow(() -> new org.smskit.core.NotFoundException("sender account", id));
    return new SplitSettings(plain, secrets);
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
