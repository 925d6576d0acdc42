package org.smskit.jooq.webhooks;

import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.spi.WebhookEvent;

/**
 * What a verified webhook did. Every outcome is a success for the provider (answer 2xx): duplicates and
 * reports for unknown messages are expected, and are kept or ignored on purpose.
 */
public record WebhookOutcome(WebhookEvent event, Result result, @Nullable UUID messageId) {
  /** What happened to the event. */
  public enum Result {
    /** A new inbound message was stored. */
    STORED,
    /** The same inbound message arrived before; nothing changed. */
    DUPLICATE,
    /** A status report moved the message. */
    APPLIED,
    /** A status report was older than what we know, or repeated it; kept in the history only. */
    STALE,
    /** A status report for a message we do not know; kept for reconciliation. */
    UNMATCHED,
    /** Nothing to store yet (for example one part of a message delivered in pieces). */
    ACKNOWLEDGED
  }

  public Optional<UUID> message() {
    return Optional.ofNullable(messageId);
  }
}
