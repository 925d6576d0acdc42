package org.smskit.jooq.sending;

import java.util.UUID;
import org.smskit.core.Nullable;

/**
 * What became of one recipient of a {@link BulkSendRequest}, in the order given.
 *
 * @param input the recipient as given (null when it was)
 * @param number the recipient in E.164, when it could be read
 * @param messageId the queued message, for {@link Outcome#QUEUED}
 * @param reason why it was not queued, in words
 */
public record BulkResult(@Nullable String input, @Nullable String number, Outcome outcome, @Nullable UUID messageId,
    @Nullable String reason) {

  /** The fate of one recipient. */
  public enum Outcome {
    /** Stored and waiting for the dispatcher. */
    QUEUED,
    /** Not a phone number (the reason says why). */
    INVALID_NUMBER,
    /** Opted out of this service, its campaign, marketing, or all senders. */
    OPTED_OUT,
    /** Listed twice, or already sent to under the same campaign key. */
    DUPLICATE
  }
}
