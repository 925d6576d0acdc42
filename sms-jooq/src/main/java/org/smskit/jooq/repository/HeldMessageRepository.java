package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_HELD_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_SEND_ATTEMPTS;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;

/**
 * Messages of one tenant whose send had an unknown outcome ({@code sms_held_messages}): sent to a provider that
 * never answered, so neither resent nor failed until the reconciler finds them at the provider or an operator
 * decides.
 */
public final class HeldMessageRepository {
  /**
   * A held message.
   *
   * @param attempt the attempt whose outcome is unknown
   * @param reason why it was held ({@code outcome_unknown}, {@code interrupted})
   * @param checks how often the reconciler looked it up at the provider
   * @param lastCheck what the last lookup said
   * @param attemptStartedAt when that attempt started
   * @param attemptFinishedAt when it ended (null when the worker died mid-call)
   * @param attemptError the error the attempt ended with, if any
   */
  public record Held(UUID messageId, Instant heldAt, int attempt, String reason, int checks,
      @Nullable Instant checkedAt, @Nullable String lastCheck, @Nullable Instant attemptStartedAt,
      @Nullable Instant attemptFinishedAt, @Nullable String attemptError) {}

  private final DSLContext dsl;
  private final String tenant;

  HeldMessageRepository(DSLContext dsl, String tenant) {
    this.dsl = dsl;
    this.tenant = tenant;
  }

  /** Holds a message after attempt {@code attempt}; holding it again changes nothing. */
  public void hold(UUID messageId, int attempt, String reason, Instant at) {
    var h = SMS_HELD_MESSAGES;
    dsl.insertInto(h)
        .set(h.TENANT_ID, tenant)
        .set(h.MESSAGE_ID, messageId)
        .set(h.HELD_AT, at)
        .set(h.ATTEMPT, attempt)
        .set(h.REASON, reason)
        .onConflictDoNothing()
        .execute();
  }

  /** Ends the hold; true when the message was held. */
  public boolean release(UUID messageId) {
    var h = SMS_HELD_MESSAGES;
    return dsl.deleteFrom(h).where(h.TENANT_ID.eq(tenant), h.MESSAGE_ID.eq(messageId)).execute() == 1;
  }

  /** The hold of a message, locked until the transaction ends. */
  public Optional<Held> lock(UUID messageId) {
    var h = SMS_HELD_MESSAGES;
    return select().where(h.TENANT_ID.eq(tenant), h.MESSAGE_ID.eq(messageId)).forUpdate().of(h)
        .fetchOptional(HeldMessageRepository::held);
  }

  /** Held messages, longest held first. */
  public Page<Held> list(PageRequest page) {
    var h = SMS_HELD_MESSAGES;
    List<Held> rows = select()
        .where(h.TENANT_ID.eq(tenant), Pages.after(page, h.HELD_AT, h.MESSAGE_ID, false))
        .orderBy(Pages.order(h.HELD_AT, h.MESSAGE_ID, false))
        .limit(page.limit() + 1)
        .fetch(HeldMessageRepository::held);
    return Pages.of(rows, page, Held::heldAt, Held::messageId);
  }

  /** Records what a lookup at the provider said. */
  public void recordCheck(UUID messageId, Instant at, String outcome) {
    var h = SMS_HELD_MESSAGES;
    dsl.update(h)
        .set(h.CHECKS, h.CHECKS.plus(1))
        .set(h.CHECKED_AT, at)
        .set(h.LAST_CHECK, outcome)
        .where(h.TENANT_ID.eq(tenant), h.MESSAGE_ID.eq(messageId))
        .execute();
  }

  public long count() {
    return dsl.fetchCount(SMS_HELD_MESSAGES, SMS_HELD_MESSAGES.TENANT_ID.eq(tenant));
  }

  private org.jooq.SelectOnConditionStep<Record> select() {
    var h = SMS_HELD_MESSAGES;
    var a = SMS_SEND_ATTEMPTS;
    return dsl.select(h.fields()).select(a.STARTED_AT, a.FINISHED_AT, a.ERROR_CODE)
        .from(h)
        .leftJoin(a).on(a.TENANT_ID.eq(h.TENANT_ID), a.MESSAGE_ID.eq(h.MESSAGE_ID), a.ATTEMPT.eq(h.ATTEMPT));
  }

  private static Held held(Record r) {
    var h = SMS_HELD_MESSAGES;
    var a = SMS_SEND_ATTEMPTS;
    return new Held(r.get(h.MESSAGE_ID), r.get(h.HELD_AT), r.get(h.ATTEMPT), r.get(h.REASON), r.get(h.CHECKS),
        r.get(h.CHECKED_AT), r.get(h.LAST_CHECK), r.get(a.STARTED_AT), r.get(a.FINISHED_AT), r.get(a.ERROR_CODE));
  }
}
