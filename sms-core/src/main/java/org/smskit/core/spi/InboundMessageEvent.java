package org.smskit.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * A message someone sent to one of our numbers.
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

  public Optional<OptOutType> optOut() {
    return Optional.ofNullable(optOutType);
  }
}
