package org.smskit.jooq.dispatch;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;

/**
 * A request about to be made.
 *
 * @param slotAt when its rate slot was taken; null when neither its number nor its account is rate limited
 */
record Call(Lease lease, int attempt, SmsProvider provider, OutboundMessage outbound, UUID accountId,
    boolean probe, MessageStatus before, @Nullable Instant slotAt) {
  UUID messageId() {
    return lease.messageId();
  }

  String tenant() {
    return lease.tenant();
  }
}
