package org.smskit.jooq.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.status.StatusMachine;
import org.smskit.core.status.StatusOutcome;
import org.smskit.core.status.StatusTimestamps;
import org.smskit.core.status.StatusUpdate;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.repository.Repositories;

/**
 * The library's own status changes of outbound messages (a send failed, a retry, a refusal at send time, an
 * operator's decision), through the {@link StatusMachine} like every provider report: a change the machine does
 * not allow (a report got there first) is not written.
 */
public final class Transitions {
  private Transitions() {}

  /**
   * Moves a locked message forward to {@code status} (first-time timestamps set), with {@code errorCode};
   * empty, and nothing written, when the machine says the message is already past it.
   */
  public static Optional<Message> forward(Repositories r, Message message, MessageStatus status,
      @Nullable String errorCode, Instant at) {
    StatusUpdate update = StatusMachine.apply(message.direction(), message.status(), timestamps(message), status, at);
    if (update.outcome() != StatusOutcome.APPLY) {
      return Optional.empty();
    }
    StatusTimestamps t = update.timestamps();
    return Optional.of(r.messages().update(message.toBuilder().status(update.status()).sentAt(t.sentAt())
        .deliveredAt(t.deliveredAt()).failedAt(t.failedAt()).readAt(t.readAt()).providerErrorCode(errorCode)
        .build()));
  }

  /**
   * Puts a locked message that is {@code sending} back to {@code queued} (a retry, a request withdrawn, a held
   * message proved never sent); empty, and nothing written, from any other status.
   */
  public static Optional<Message> requeue(Repositories r, Message message, @Nullable String errorCode) {
    if (StatusMachine.requeue(message.status()) != StatusOutcome.APPLY) {
      return Optional.empty();
    }
    return Optional.of(r.messages().update(message.toBuilder().status(MessageStatus.QUEUED)
        .providerErrorCode(errorCode).build()));
  }

  /**
   * {@code message} with the price a provider reported, when it gave both an amount and an ISO 4217 currency
   * (any case); otherwise unchanged. A malformed price never fails the write of the outcome it came with.
   */
  public static Message withPrice(Message message, @Nullable java.math.BigDecimal price,
      @Nullable String currency) {
    if (price == null || currency == null || !currency.matches("[A-Za-z]{3}")) {
      return message;
    }
    return message.toBuilder().price(price.abs(), currency.toUpperCase(java.util.Locale.ROOT)).build();
  }

  private static StatusTimestamps timestamps(Message m) {
    return new StatusTimestamps(m.sentAt(), m.deliveredAt(), m.failedAt(), m.readAt());
  }

  /** A message after a status report, and what the state machine made of the report. */
  public record Applied(Message message, StatusOutcome outcome) {}

  /**
   * What a status report (or the provider's answer) does to a message, decided and not yet written: the message as
   * it becomes, the history row, and the events to publish. {@link #report} writes it; a batch writes many at once.
   */
  public record Decision(Message message, MessageStatusEvent history, StatusOutcome outcome, List<SmsEvent> events) {}

  /** Decides a report through the state machine (monotonic; first-time timestamps); writes nothing. */
  public static Decision decide(TenantId tenant, Message current, MessageStatus incoming,
      @Nullable String providerStatus, @Nullable String errorCode, Instant at, @Nullable String raw,
      @Nullable String provider, @Nullable String providerSid) {
    MessageStatus previous = current.status();
    StatusOutcome outcome = StatusMachine.isStatusOf(current.direction(), incoming)
        ? StatusMachine.decide(current.direction(), previous, incoming) : StatusOutcome.INVALID;
    Message next = current;
    if (outcome == StatusOutcome.APPLY) {
      StatusUpdate update = StatusMachine.apply(current.direction(), previous, timestamps(current), incoming, at);
      next = withTimestamps(current, update);
      if (errorCode != null) {
        next = next.toBuilder().providerErrorCode(errorCode).build();
      }
    }
    MessageStatusEvent history = new MessageStatusEvent(Ids.newId(), next.id(), provider, providerSid, incoming,
        providerStatus, at, errorCode, raw, null);
    List<SmsEvent> events = new ArrayList<>();
    if (outcome == StatusOutcome.APPLY && next.status() != previous) {
      events.add(new SmsEvent.MessageStatusChanged(tenant, next, previous));
      if (next.status() == MessageStatus.FAILED || next.status() == MessageStatus.UNDELIVERED) {
        events.add(new SmsEvent.SendFailed(tenant, next, errorCode,
            "the provider reported " + (providerStatus == null ? next.status().dbValue() : providerStatus)));
      }
    }
    return new Decision(next, history, outcome, List.copyOf(events));
  }

  /**
   * Applies a status report (or the provider's answer) to a locked message through the state machine (monotonic;
   * first-time timestamps), stores the message (with any other field changes the caller made) and the report in
   * the history.
   */
  public static Applied report(Tx tx, Message current, MessageStatus incoming,
      @Nullable String providerStatus, @Nullable String errorCode, Instant at, @Nullable String raw,
      @Nullable String provider, @Nullable String providerSid) {
    Decision decision = decide(tx.tenant(), current, incoming, providerStatus, errorCode, at, raw, provider,
        providerSid);
    Message stored = tx.r().messages().update(decision.message());
    tx.r().statusEvents().insert(decision.history());
    tx.events().addAll(decision.events().stream().map(e -> e instanceof SmsEvent.MessageStatusChanged c
        ? new SmsEvent.MessageStatusChanged(c.tenant(), stored, c.previous())
        : e instanceof SmsEvent.SendFailed f ? new SmsEvent.SendFailed(f.tenant(), stored, f.errorCode(), f.reason())
        : e).toList());
    return new Applied(stored, decision.outcome());
  }

  private static Message withTimestamps(Message m, StatusUpdate update) {
    StatusTimestamps t = update.timestamps();
    return m.toBuilder().status(update.status()).sentAt(t.sentAt()).deliveredAt(t.deliveredAt())
        .failedAt(t.failedAt()).readAt(t.readAt()).build();
  }
}
