package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.status.MessageStatus;

/**
 * What became of a send. A message that is {@link MessageStatus#QUEUED} (or {@code SCHEDULED}) is stored and waits
 * for a {@code Dispatcher}: nothing sends it unless one runs ({@code SmsService.dispatcher(...).start()}, on this
 * node or another). That includes a {@code send} the provider refused retryably: it comes back {@code QUEUED} with
 * the provider's {@link #errorCode} and the {@link #nextAttemptAt} its retry is due.
 *
 * @param duplicate true when an earlier send with the same idempotency key is returned instead of a new one
 * @param errorCode the provider's error code when the provider refused it (for good, or for now)
 * @param nextAttemptAt when a dispatcher will try again after a retryable refusal; null otherwise
 */
public record SendReceipt(UUID messageId, MessageStatus status, boolean duplicate, @Nullable String errorCode,
    @Nullable Instant nextAttemptAt) {

  /** A receipt with no retry pending. */
  public SendReceipt(UUID messageId, MessageStatus status, boolean duplicate, @Nullable String errorCode) {
    this(messageId, status, duplicate, errorCode, null);
  }

  /** True when the message waits for a dispatcher: queued, scheduled, or refused for now and due again. */
  public boolean waitsForDispatcher() {
    return status == MessageStatus.QUEUED || status == MessageStatus.SCHEDULED;
  }
}
