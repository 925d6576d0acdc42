package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_MESSAGE_KEYS;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.smskit.core.Nullable;

/**
 * Unique keys naming one message ({@code sms_message_keys}): a caller's idempotency key, or a provider's id of an
 * inbound message. Claiming is race-free: of concurrent transactions claiming one key, one wins and the others
 * wait for it and then see its message.
 */
public final class MessageKeyRepository {
  /** The kinds of key. */
  public enum Kind {
    IDEMPOTENCY("idempotency"),
    INBOUND("inbound"),
    /** {@code provider:id} of one part of a message the provider split itself. */
    PART("part");

    private final String value;

    Kind(String value) {
      this.value = value;
    }
  }

  private final DSLContext dsl;
  private final String tenant;

  MessageKeyRepository(DSLContext dsl, String tenant) {
    this.dsl = dsl;
    this.tenant = tenant;
  }

  /**
   * Claims {@code key} for {@code messageId}, whose {@code created_at} is {@code messageCreatedAt} (the message
   * may be written later in the same transaction; null when it exists already). Returns empty when the claim
   * succeeded, or the id of the message that already holds the key.
   */
  public Optional<UUID> claim(Kind kind, String key, UUID messageId, @Nullable Instant messageCreatedAt) {
    int inserted = dsl.insertInto(SMS_MESSAGE_KEYS)
        .set(SMS_MESSAGE_KEYS.TENANT_ID, tenant)
        .set(SMS_MESSAGE_KEYS.KIND, kind.value)
        .set(SMS_MESSAGE_KEYS.KEY, key)
        .set(SMS_MESSAGE_KEYS.MESSAGE_ID, messageId)
        .set(SMS_MESSAGE_KEYS.MESSAGE_CREATED_AT, messageCreatedAt)
        .onConflictDoNothing()
        .execute();
    return inserted == 1 ? Optional.empty() : find(kind, key);
  }

  /** Claims many keys at once; returns the keys this call claimed (the others were taken). */
  public java.util.Set<String> claimAll(Kind kind, java.util.Map<String, UUID> keys) {
    if (keys.isEmpty()) {
      return java.util.Set.of();
    }
    var insert = dsl.insertInto(SMS_MESSAGE_KEYS, SMS_MESSAGE_KEYS.TENANT_ID, SMS_MESSAGE_KEYS.KIND,
        SMS_MESSAGE_KEYS.KEY, SMS_MESSAGE_KEYS.MESSAGE_ID);
    for (var entry : keys.entrySet()) {
      insert = insert.values(tenant, kind.value, entry.getKey(), entry.getValue());
    }
    return new java.util.HashSet<>(insert.onConflictDoNothing().returning(SMS_MESSAGE_KEYS.KEY)
        .fetch(SMS_MESSAGE_KEYS.KEY));
  }

  public Optional<UUID> find(Kind kind, String key) {
    return dsl.select(SMS_MESSAGE_KEYS.MESSAGE_ID).from(SMS_MESSAGE_KEYS)
        .where(SMS_MESSAGE_KEYS.TENANT_ID.eq(tenant), SMS_MESSAGE_KEYS.KIND.eq(kind.value), SMS_MESSAGE_KEYS.KEY.eq(key))
        .fetchOptional(SMS_MESSAGE_KEYS.MESSAGE_ID);
  }
}
