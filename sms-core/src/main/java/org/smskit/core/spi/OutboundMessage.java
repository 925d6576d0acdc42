package org.smskit.core.spi;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * One message for a provider to send.
 *
 * @param messageId our id; providers send it as their client reference where they have one
 * @param to the recipient
 * @param from our sender (number, short code or sender ID); null when {@code messagingServiceSid} is given
 * @param messagingServiceSid the provider-side service to send through (Twilio {@code MessagingServiceSid})
 * @param body the text; null or empty only with media
 * @param mediaUrls public URLs of media for MMS, in order
 * @param statusCallbackUrl where the provider should report status changes (the host's public webhook URL)
 * @param options per-message provider options (for example Twilio's {@code ValidityPeriod}, {@code SendAt});
 *     each provider documents the keys it reads
 */
public record OutboundMessage(
    UUID messageId,
    Address to,
    @Nullable Address from,
    @Nullable String messagingServiceSid,
    @Nullable String body,
    List<URI> mediaUrls,
    @Nullable URI statusCallbackUrl,
    Map<String, String> options) {

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
  }

  /** A plain SMS from {@code from} to {@code to}. */
  public static OutboundMessage sms(UUID messageId, Address from, Address to, String body) {
    return new OutboundMessage(messageId, to, from, null, body, List.of(), null, Map.of());
  }

  public Optional<Address> sender() {
    return Optional.ofNullable(from);
  }

  public boolean hasMedia() {
    return !mediaUrls.isEmpty();
  }
}
