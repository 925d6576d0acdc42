package org.smskit.jooq;

import java.time.Instant;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.model.Message;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.status.StatusMachine;
import org.smskit.core.status.StatusOutcome;
import org.smskit.core.status.StatusTimestamps;
import org.smskit.core.status.StatusUpdate;
import org.smskit.jooq.repository.Repositories;

/**
 * The library's own status changes of outbound messages (a send failed, a retry, a refusal at send time, an
 * operator's decision), through the {@link StatusMachine} like every provider report: a change the machine does
 * not allow (a report got there first) is not written.
 */
final class Transitions {
  private Transitions() {}

  /**
   * Moves a locked message forward to {@code status} (first-time timestamps set), with {@code errorCode};
   * empty, and nothing written, when the machine says the message is already past it.
   */
  static Optional<Message> forward(Repositories r, Message message, MessageStatus status, @Nullable String errorCode,
      Instant at) {
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
  static Optional<Message> requeue(Repositories r, Message message, @Nullable String errorCode) {
    if (StatusMachine.requeue(message.status()) != StatusOutcome.APPLY) {
      return Optional.empty();
    }
    return Optional.of(r.messages().update(message.toBuilder().status(MessageStatus.QUEUED)
        .providerErrorCode(errorCode).build()));
  }

  private static StatusTimestamps timestamps(Message m) {
    return new StatusTimestamps(m.sentAt(), m.deliveredAt(), m.failedAt(), m.readAt());
  }
}
