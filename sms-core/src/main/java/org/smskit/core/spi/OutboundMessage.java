package org.smskit.core.spi;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * One message for a provider to send. Build it with {@link #builder(UUID, Address)} (or {@link #sms} for a plain
 * text from a number) and derive a changed copy with {@link #toBuilder()}, not with the canonical constructor: it
 * gains parameters when the SPI grows.
 *
 * @param messageId our id; providers send it as their client reference where they have one
 * @param to the recipient
 * @param from our sender (number, short code or sender ID); null when {@code messagingServiceSid} is given
 * @param messagingServiceSid the provider-side service to send through (Twilio {@code MessagingServiceSid})
 * @param body the text; null or empty only with media
 * @param mediaUrls public URLs of media for MMS, in order
 * @param statusCallbackUrl where the provider should report status changes (the host's public webhook URL)
 * @param options per-message provider options by the provider's own wire parameter name (for example Twilio's
 *     {@code ContentSid}); each provider documents the keys it reads. Senders give them per provider with
 *     {@link ProviderOptions}
 * @param validity how long the provider may keep trying to deliver; null for its default. Each provider maps it
 *     to its own parameter (Twilio {@code ValidityPeriod} in seconds, Vonage {@code ttl} in milliseconds)
 */
public record OutboundMessage(
    UUID messageId,
    Address to,
    @Nullable Address from,
    @Nullable String messagingServiceSid,
    @Nullable String body,
    List<URI> mediaUrls,
    @Nullable URI statusCallbackUrl,
    Map<String, String> options,
    @Nullable Duration validity) {

  public OutboundMessage {
    Require.nonNull(messageId, "message_id");
    Require.nonNull(to, "to_number");
    mediaUrls = List.copyOf(Require.nonNull(mediaUrls, "media_urls"));
    options = Map.copyOf(Require.nonNull(options, "options"));
    if (from == null && (messagingServiceSid == null || messagingServiceSid.isBlank())) {
      throw new InvalidInputException("from_number", "a sender or a messaging service is required");
    }
    if ((body == null || body.isEmpty()) && mediaUrls.isEmpty()) {
      throw new InvalidInputException("body", "must not be empty without media");
    }
    if (validity != null && (validity.isNegative() || validity.isZero())) {
      throw new InvalidInputException("options.validity", "must be positive");
    }
  }

  /** A plain SMS from {@code from} to {@code to}. */
  public static OutboundMessage sms(UUID messageId, Address from, Address to, String body) {
    return builder(messageId, to).from(from).body(body).build();
  }

  /** A builder for a message with our id {@code messageId} to {@code to}; it needs a sender and a body or media. */
  public static Builder builder(UUID messageId, Address to) {
    return new Builder(messageId, to);
  }

  /** A builder holding every value of this message. */
  public Builder toBuilder() {
    return builder(messageId, to).from(from).messagingServiceSid(messagingServiceSid).body(body).mediaUrls(mediaUrls)
        .statusCallbackUrl(statusCallbackUrl).options(options).validity(validity);
  }

  public Optional<Address> sender() {
    return Optional.ofNullable(from);
  }

  public boolean hasMedia() {
    return !mediaUrls.isEmpty();
  }

  /**
   * Builds an {@link OutboundMessage}. Defaults: no {@code from}, no {@code messagingServiceSid}, no {@code body},
   * no media, no {@code statusCallbackUrl}, no options, no validity. {@link #build()} refuses what the record refuses (a
   * message needs {@code from} or {@code messagingServiceSid}, and a body or media). Not thread-safe.
   */
  public static final class Builder {
    private UUID messageId;
    private Address to;
    private @Nullable Address from;
    private @Nullable String messagingServiceSid;
    private @Nullable String body;
    private List<URI> mediaUrls = List.of();
    private @Nullable URI statusCallbackUrl;
    private Map<String, String> options = Map.of();
    private @Nullable Duration validity;

    private Builder(UUID messageId, Address to) {
      this.messageId = messageId;
      this.to = to;
    }

    public Builder messageId(UUID value) { messageId = value; return this; }
    public Builder to(Address value) { to = value; return this; }
    public Builder from(@Nullable Address value) { from = value; return this; }
    public Builder messagingServiceSid(@Nullable String value) { messagingServiceSid = value; return this; }
    public Builder body(@Nullable String value) { body = value; return this; }
    public Builder mediaUrls(List<URI> value) { mediaUrls = value; return this; }
    public Builder statusCallbackUrl(@Nullable URI value) { statusCallbackUrl = value; return this; }
    public Builder options(Map<String, String> value) { options = value; return this; }
    public Builder validity(@Nullable Duration value) { validity = value; return this; }

    /** @throws InvalidInputException naming the field, as the record's constructor does */
    public OutboundMessage build() {
      return new OutboundMessage(messageId, to, from, messagingServiceSid, body, mediaUrls, statusCallbackUrl,
          options, validity);
    }
  }
}
