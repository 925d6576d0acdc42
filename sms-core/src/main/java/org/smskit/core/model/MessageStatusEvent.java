package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/**
 * One status report in a message's history ({@code sms_message_status_events}): what the provider said, when,
 * and with which error code. Events are kept even when they do not move the message (a late {@code sent} after
 * {@code delivered}), and even when the message is unknown ({@code messageId} null), for reconciliation.
 *
 * @param providerStatus the provider's own word for the status ({@code undelivered}, {@code expired}...)
 * @param occurredAt when the status happened, as far as known
 * @param recordedAt when we stored it; set by the database when null
 */
public record MessageStatusEvent(
    UUID id,
    @Nullable UUID messageId,
    @Nullable String provider,
    @Nullable String providerMessageSid,
    MessageStatus status,
    @Nullable String providerStatus,
    Instant occurredAt,
    @Nullable String providerErrorCode,
    @Nullable String rawPayload,
    @Nullable Instant recordedAt) {

  public MessageStatusEvent {
    Require.nonNull(id, "id");
    Require.nonNull(status, "status");
    Require.nonNull(occurredAt, "occurred_at");
  }
}
