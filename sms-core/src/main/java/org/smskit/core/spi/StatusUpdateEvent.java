package org.smskit.core.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/**
 * A provider's report that a message we sent changed status.
 *
 * @param providerMessageId the provider's id of the message (or of one of its parts)
 * @param messageId our id, when the provider echoed our client reference
 * @param status the report mapped onto our statuses
 * @param providerStatus the provider's own word ({@code undelivered}, {@code expired}...)
 * @param errorCode the provider's error code, when the report carries one
 * @param occurredAt when the status happened, or when the report arrived if the provider does not say
 */
public record StatusUpdateEvent(
    String provider,
    String providerMessageId,
    @Nullable UUID messageId,
    MessageStatus status,
    String providerStatus,
    @Nullable String errorCode,
    Instant occurredAt,
    String rawPayload) implements WebhookEvent {

  public StatusUpdateEvent {
    Require.nonNull(provider, "provider");
    Require.nonNull(providerMessageId, "provider_message_sid");
    Require.nonNull(status, "status");
    Require.nonNull(providerStatus, "provider_status");
    Require.nonNull(occurredAt, "occurred_at");
    Require.nonNull(rawPayload, "provider_payload");
  }

  public Optional<UUID> clientReference() {
    return Optional.ofNullable(messageId);
  }
}
