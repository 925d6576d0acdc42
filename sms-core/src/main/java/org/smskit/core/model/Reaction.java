package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

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
    Require.nonNull(id, "id");
    Require.nonNull(messageId, "message_id");
    Require.nonNull(reactionType, "reaction_type");
    Require.nonNull(reactionValue, "reaction_value");
    Require.nonNull(reactedBy, "reacted_by");
  }

  public static Reaction create(UUID messageId, String reactionType, String reactionValue, String reactedBy) {
    return new Reaction(Ids.newId(), messageId, reactionType, reactionValue, reactedBy, null);
  }
}
