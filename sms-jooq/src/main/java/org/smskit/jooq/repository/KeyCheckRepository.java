package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_KEY_CHECKS;
import static org.smskit.jooq.generated.Tables.SMS_SENDER_ACCOUNTS;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;

/**
 * The installation's key check values ({@code sms_key_checks}, one per key id, global to all tenants) and samples
 * of the credentials stored under each key id, for verifying the key provider at start.
 */
public final class KeyCheckRepository {
  private final DSLContext dsl;

  private KeyCheckRepository(DSLContext dsl) {
    this.dsl = dsl;
  }

  /** The key checks over a transaction that is not confined to a tenant. */
  public static KeyCheckRepository across(DSLContext dsl) {
    return new KeyCheckRepository(dsl);
  }

  public Optional<EncryptedValue> find(String keyId) {
    return dsl.select(SMS_KEY_CHECKS.CHECK_VALUE).from(SMS_KEY_CHECKS).where(SMS_KEY_CHECKS.KEY_ID.eq(keyId))
        .fetchOptional(r -> EncryptedValue.parse("check_value", r.value1()));
  }

  /**
   * Stores {@code check} for {@code keyId} unless one is stored, and returns the one stored. Safe under
   * concurrency: of two nodes inserting at once one wins, and the other reads the winner's value (the insert
   * waits for the winner's transaction, and the read that follows sees its commit).
   */
  public EncryptedValue insertIfAbsent(String keyId, EncryptedValue check) {
    dsl.insertInto(SMS_KEY_CHECKS).set(SMS_KEY_CHECKS.KEY_ID, keyId).set(SMS_KEY_CHECKS.CHECK_VALUE, check.format())
        .onConflict(SMS_KEY_CHECKS.KEY_ID).doNothing().execute();
    return find(keyId).orElseThrow(() -> new IllegalStateException("key check of " + keyId + " vanished"));
  }

  /**
   * A credential stored under some key id: where it is (for its {@code SecretContext}) and its value.
   *
   * @param setting the secret setting's name, or null for the account's {@code auth_token}
   */
  public record StoredSecret(TenantId tenant, UUID accountId, @Nullable String setting, EncryptedValue value) {}

  /**
   * One stored credential per key id in use (auth tokens and secret settings of every tenant), or only the one
   * of {@code keyId} when given. Reads the whole accounts table, which holds accounts, not messages.
   */
  public List<StoredSecret> onePerKeyId(@Nullable String keyId) {
    Condition only = keyId == null ? DSL.trueCondition() : DSL.field(DSL.name("key_id")).eq(keyId);
    return dsl.resultQuery("""
            SELECT DISTINCT ON (key_id) tenant_id, id, setting, value FROM (
              SELECT tenant_id, id, NULL::text AS setting, auth_token AS value,
                     split_part(auth_token, ':', 3) AS key_id
              FROM {0} WHERE auth_token IS NOT NULL
              UNION ALL
              SELECT a.tenant_id, a.id, e.key, e.value, split_part(e.value, ':', 3)
              FROM {0} a CROSS JOIN LATERAL jsonb_each_text(a.settings) e WHERE starts_with(e.value, {1})
            ) stored WHERE {2}
            ORDER BY key_id, tenant_id, id""", SMS_SENDER_ACCOUNTS, DSL.val(EncryptedValue.PREFIX), only)
        .fetch(r -> {
          String setting = r.get(2, String.class);
          return new StoredSecret(TenantId.of(r.get(0, String.class)), r.get(1, UUID.class), setting,
              EncryptedValue.parse(setting == null ? "auth_token" : "settings." + setting, r.get(3, String.class)));
        });
  }
}
