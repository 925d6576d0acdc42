package org.smskit.core.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.status.MessageStatus;

/**
 * A provider's report that a message we sent changed status. Plugins build it with
 * {@link #builder(String, String, MessageStatus, String, Instant)}, not with the canonical constructor: it gains
 * parameters when the SPI grows.
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

  /** A builder for {@code provider}'s report that its message {@code providerMessageId} reached {@code status}. */
  public static Builder builder(String provider, String providerMessageId, MessageStatus status,
      String providerStatus, Instant occurredAt) {
    return new Builder(provider, providerMessageId, status, providerStatus, occurredAt);
  }

  public Optional<UUID> clientReference() {
    return Optional.ofNullable(messageId);
  }

  /**
   * Builds a {@link StatusUpdateEvent}. Defaults: no {@code messageId}, no {@code errorCode}, {@code rawPayload}
   * empty. {@link #build()} refuses what the record refuses. Not thread-safe.
   */
  public static final class Builder {
    private final String provider;
    private final String providerMessageId;
    private final MessageStatus status;
    private final String providerStatus;
    private final Instant occurredAt;
    private @Nullable UUID messageId;
    private @Nullable String errorCode;
    private String rawPayload = "";

    private Builder(String provider, String providerMessageId, MessageStatus status, String providerStatus,
        Instant occurredAt) {
      this.provider = provider;
      this.providerMessageId = providerMessageId;
      this.status = status;
      this.providerStatus = providerStatus;
      this.occurredAt = occurredAt;
    }

    public Builder messageId(@Nullable UUID value) { messageId = value; return this; }
    public Builder errorCode(@Nullable String value) { errorCode = value; return this; }
    public Builder rawPayload(String value) { rawPayload = value; return this; }

    /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
    public StatusUpdateEvent build() {
      return new StatusUpdateEvent(provider, providerMessageId, messageId, status, providerStatus, errorCode,
          occurredAt, rawPayload);
    }
  }
}
