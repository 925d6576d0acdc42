package org.smskit.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * A message someone sent to one of our numbers. Plugins build it with
 * {@link #builder(String, String, Address, Address, Instant)}, not with the canonical constructor: it gains
 * parameters when the SPI grows.
 *
 * @param providerMessageId the provider's id; the same id delivered twice is the same message
 * @param messagingServiceSid the provider-side service the message came through, when any
 * @param optOutType the provider's own opt-out signal, when it sent one
 * @param rawPayload the webhook body as received
 */
public record InboundMessageEvent(
    String provider,
    String providerMessageId,
    Address from,
    Address to,
    @Nullable String body,
    List<InboundMedia> media,
    @Nullable String messagingServiceSid,
    @Nullable OptOutType optOutType,
    Instant receivedAt,
    String rawPayload) implements WebhookEvent {

  public InboundMessageEvent {
    Require.nonNull(provider, "provider");
    Require.nonNull(providerMessageId, "provider_message_sid");
    Require.nonNull(from, "from_number");
    Require.nonNull(to, "to_number");
    media = List.copyOf(Require.nonNull(media, "media"));
    Require.nonNull(receivedAt, "received_at");
    Require.nonNull(rawPayload, "provider_payload");
  }

  /** A builder for the message {@code providerMessageId} that {@code from} sent to our {@code to}. */
  public static Builder builder(String provider, String providerMessageId, Address from, Address to,
      Instant receivedAt) {
    return new Builder(provider, providerMessageId, from, to, receivedAt);
  }

  public Optional<OptOutType> optOut() {
    return Optional.ofNullable(optOutType);
  }

  /**
   * Builds an {@link InboundMessageEvent}. Defaults: no {@code body}, no {@code media}, no
   * {@code messagingServiceSid}, no {@code optOutType}, {@code rawPayload} empty. {@link #build()} refuses what the
   * record refuses. Not thread-safe.
   */
  public static final class Builder {
    private final String provider;
    private final String providerMessageId;
    private final Address from;
    private final Address to;
    private final Instant receivedAt;
    private @Nullable String body;
    private List<InboundMedia> media = List.of();
    private @Nullable String messagingServiceSid;
    private @Nullable OptOutType optOutType;
    private String rawPayload = "";

    private Builder(String provider, String providerMessageId, Address from, Address to, Instant receivedAt) {
      this.provider = provider;
      this.providerMessageId = providerMessageId;
      this.from = from;
      this.to = to;
      this.receivedAt = receivedAt;
    }

    public Builder body(@Nullable String value) { body = value; return this; }
    public Builder media(List<InboundMedia> value) { media = value; return this; }
    public Builder messagingServiceSid(@Nullable String value) { messagingServiceSid = value; return this; }
    public Builder optOutType(@Nullable OptOutType value) { optOutType = value; return this; }
    public Builder rawPayload(String value) { rawPayload = value; return this; }

    /** @throws org.smskit.core.InvalidInputException naming the field, as the record's constructor does */
    public InboundMessageEvent build() {
      return new InboundMessageEvent(provider, providerMessageId, from, to, body, media, messagingServiceSid,
          optOutType, receivedAt, rawPayload);
    }
  }
}
