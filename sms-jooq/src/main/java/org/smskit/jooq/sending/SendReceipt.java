package org.smskit.jooq.sending;

import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.status.MessageStatus;

/**
 * What became of a send.
 *
 * @param duplicate true when an earlier send with the same idempotency key is returned instead of a new one
 * @param errorCode the provider's error code when the provider refused it
 */
public record SendReceipt(UUID messageId, MessageStatus status, boolean duplicate, @Nullable String errorCode) {}
