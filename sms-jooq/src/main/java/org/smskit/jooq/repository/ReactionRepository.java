package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_REACTIONS;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.smskit.core.model.Reaction;
import org.smskit.jooq.generated.tables.records.SmsReactionsRecord;
import org.smskit.jooq.inbox.Reactions;

/** Reactions to messages ({@code sms_reactions}); deleted with their message by the schema. */
public final class ReactionRepository extends TableRepository<SmsReactionsRecord, Reaction> {

  ReactionRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "reaction", SMS_REACTIONS, SMS_REACTIONS.TENANT_ID, SMS_REACTIONS.ID);
  }

  /** A message's reactions, oldest first. */
  public List<Reaction> listByMessage(UUID messageId) {
    return dsl.selectFrom(SMS_REACTIONS)
        .where(owned(), SMS_REACTIONS.MESSAGE_ID.eq(messageId))
        .orderBy(SMS_REACTIONS.CREATED_AT, SMS_REACTIONS.ID)
        .fetch(this::toDomain);
  }

  /** The reactions to several messages, oldest first. */
  public List<Reaction> listByMessages(java.util.Collection<UUID> messageIds) {
    return dsl.selectFrom(SMS_REACTIONS)
        .where(owned(), SMS_REACTIONS.MESSAGE_ID.in(messageIds))
        .orderBy(SMS_REACTIONS.CREATED_AT, SMS_REACTIONS.ID)
        .fetch(this::toDomain);
  }

  /** Everything one person reacted with, newest first. */
  public List<Reaction> listByReactor(String reactedBy, int limit) {
    return dsl.selectFrom(SMS_REACTIONS)
        .where(owned(), SMS_REACTIONS.REACTED_BY.eq(reactedBy))
        .orderBy(SMS_REACTIONS.CREATED_AT.desc(), SMS_REACTIONS.ID.desc())
        .limit(limit)
        .fetch(this::toDomain);
  }

  /**
   * Stores a reaction unless the same person already gave the same reaction to the message (the unique key
   * {@code uq_sms_reactions_once}); returns the stored one either way.
   */
  public Reaction insertOnce(Reaction reaction) {
    var x = SMS_REACTIONS;
    SmsReactionsRecord record = dsl.newRecord(x);
    fill(record, reaction);
    record.setTenantId(tenant);
    record.changed(x.CREATED_AT, reaction.createdAt() != null);
    return dsl.insertInto(x).set(record)
        .onConflict(x.TENANT_ID, x.MESSAGE_ID, x.REACTED_BY, x.REACTION_TYPE, x.REACTION_VALUE).doNothing()
        .returning().fetchOptional().map(this::toDomain)
        .orElseGet(() -> dsl.selectFrom(x)
            .where(owned(), x.MESSAGE_ID.eq(reaction.messageId()), x.REACTED_BY.eq(reaction.reactedBy()),
                x.REACTION_TYPE.eq(reaction.reactionType()), x.REACTION_VALUE.eq(reaction.reactionValue()))
            .fetchSingle(this::toDomain));
  }

  /** Removes one person's reaction of a given type and value; true when it existed. */
  public boolean remove(UUID messageId, String reactedBy, String reactionType, String reactionValue) {
    return dsl.deleteFrom(SMS_REACTIONS)
        .where(owned(), SMS_REACTIONS.MESSAGE_ID.eq(messageId), SMS_REACTIONS.REACTED_BY.eq(reactedBy),
            SMS_REACTIONS.REACTION_TYPE.eq(reactionType), SMS_REACTIONS.REACTION_VALUE.eq(reactionValue))
        .execute() > 0;
  }

  @Override
  Reaction toDomain(SmsReactionsRecord r) {
    return new Reaction(r.getId(), r.getMessageId(), r.getReactionType(), r.getReactionValue(), r.getReactedBy(),
        r.getCreatedAt());
  }

  @Override
  void fill(SmsReactionsRecord r, Reaction x) {
    r.setId(x.id());
    r.setMessageId(x.messageId());
    r.setReactionType(x.reactionType());
    r.setReactionValue(x.reactionValue());
    r.setReactedBy(x.reactedBy());
    r.setCreatedAt(x.createdAt());
  }

  @Override
  UUID idOf(Reaction value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_REACTIONS.CREATED_AT);
  }
}
