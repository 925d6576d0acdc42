package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages API webhooks (JSON): status callbacks of the MMS we send, and inbound SMS/MMS when the account routes
 * inbound through the Messages API. Other channels (WhatsApp, Viber...) are acknowledged without an event.
 *
 * <p>Status: {@code submitted} → sent (handed to the carrier), {@code delivered} → delivered, {@code rejected}
 * → failed (refused by Vonage or the carrier, TTL expiry included), {@code undeliverable} → undelivered,
 * {@code read} → read; other words are acknowledged without an event.
 */
final class MessagesWebhooks {
  private static final Logger log = LoggerFactory.getLogger(MessagesWebhooks.class);
  private static final List<String> MEDIA = List.of("image", "video", "audio", "file", "vcard");

  private MessagesWebhooks() {}

  static boolean isMessagesApi(JsonNode root) {
    return root.hasNonNull("message_uuid");
  }

  static WebhookEvent parse(JsonNode root, String raw, Instant now) {
    String uuid = required(root, "message_uuid");
    Instant at = Timestamps.iso(text(root, "timestamp")).orElse(now);
    String status = text(root, "status");
    if (status != null) {
      MessageStatus ours = status(status);
      if (ours == null) {
        log.info("vonage messages status '{}' for {} acknowledged without an event", status, uuid);
        return new WebhookEvent.Acknowledged(VonageProvider.NAME, "status '" + status + "' is not tracked");
      }
      return StatusUpdateEvent.builder(VonageProvider.NAME, uuid, ours, status, at)
          .messageId(Timestamps.clientReference(text(root, "client_ref"))).errorCode(errorCode(root.get("error")))
          .rawPayload(raw).build();
    }
    String channel = text(root, "channel");
    if (channel == null || !(channel.equalsIgnoreCase("sms") || channel.equalsIgnoreCase("mms"))) {
      return new WebhookEvent.Acknowledged(VonageProvider.NAME, "channel '" + channel + "' is not handled");
    }
    List<InboundMedia> media = new ArrayList<>();
    String caption = null;
    for (String kind : MEDIA) {
      JsonNode node = root.get(kind);
      if (node != null && node.hasNonNull("url")) {
        media.add(new InboundMedia(node.get("url").asText(), null, null));
        caption = caption == null ? text(node, "caption") : caption;
      }
    }
    JsonNode content = root.get("content");
    if (content != null && content.isArray()) {
      for (JsonNode item : content) {
        if (item.hasNonNull("url")) {
          media.add(new InboundMedia(item.get("url").asText(), null, null));
        }
      }
    }
    String body = text(root, "text");
    body = SmsText.sanitizeInbound(body == null ? caption : body);
    return InboundMessageEvent.builder(VonageProvider.NAME, uuid,
            VonageAddresses.fromVonage("from", required(root, "from")),
            VonageAddresses.fromVonage("to", required(root, "to")), at)
        .body(body == null || body.isEmpty() ? null : body).media(media).rawPayload(raw).build();
  }

  static @Nullable MessageStatus status(String vonageStatus) {
    return switch (vonageStatus.strip().toLowerCase(Locale.ROOT)) {
      case "submitted" -> MessageStatus.SENT;
      case "delivered" -> MessageStatus.DELIVERED;
      case "rejected" -> MessageStatus.FAILED;
      case "undeliverable" -> MessageStatus.UNDELIVERED;
      case "read" -> MessageStatus.READ;
      default -> null;
    };
  }

  /** {@code error.type} ends in {@code #<code>}; else the title. */
  private static @Nullable String errorCode(@Nullable JsonNode error) {
    if (error == null || !error.isObject()) {
      return null;
    }
    String type = text(error, "type");
    if (type != null && type.contains("#") && !type.endsWith("#")) {
      return type.substring(type.indexOf('#') + 1);
    }
    return text(error, "title");
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank() ? null
        : value.asText();
  }

  private static String required(JsonNode node, String field) {
    String value = text(node, field);
    if (value == null) {
      throw new InvalidInputException(field, "is required");
    }
    return value.strip();
  }
}
