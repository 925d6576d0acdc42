package org.smskit.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;

/**
 * A reaction to a message ({@code sms_reactions}); deleted with its message.
 *
 * @param reactionType the kind, such as {@code emoji} or {@code like}
 * @param reactionValue the value, such as {@code 👍}
 * @param reactedBy who reacted: a host user id, or the contact's number for reactions sent by SMS
 */
public record Reaction(
    UUID id,
    UUID messageId,
    String reactionType,
    String reactionValue,
    String reactedBy,
    @Nullable Instant createdAt) {

  public Reaction {
    requireNonNull(id, "id");
    requireNonNull(messageId, "messageId");
    requireNonNull(reactionType, "reactionType");
    requireNonNull(reactionValue, "reactionValue");
    requireNonNull(reactedBy, "reactedBy");
  }

  public static Reaction create(UUID messageId, String reactionType, String reactionValue, String reactedBy) {
    return new Reaction(Ids.newId(), messageId, reactionType, reactionValue, reactedBy, null);
  }
}
