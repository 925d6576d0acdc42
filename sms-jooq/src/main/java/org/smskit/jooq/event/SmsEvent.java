package org.smskit.jooq.event;

import java.util.List;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.status.MessageStatus;

/**
 * Something that happened, told to {@link SmsListener}s after the transaction that did it committed (never for
 * work that rolled back). Every event names its tenant.
 */
public sealed interface SmsEvent {

  TenantId tenant();

  /** A message arrived (once, however often the provider delivered the webhook). */
  record InboundMessageReceived(TenantId tenant, Message message, List<Attachment> attachments)
      implements SmsEvent {}

  /** A message moved to a new status (monotonically; stale reports produce no event). */
  record MessageStatusChanged(TenantId tenant, Message message, MessageStatus previous) implements SmsEvent {}

  /** An outbound message failed for good: refused by the provider, or reported undelivered or failed. */
  record SendFailed(TenantId tenant, Message message, @Nullable String errorCode, String reason)
      implements SmsEvent {}

  /** A recipient opted out (keyword, provider report or API). */
  record RecipientOptedOut(TenantId tenant, OptOut optOut) implements SmsEvent {}

  /** A recipient opted back in; {@code ended} are the opt-outs that ended. */
  record RecipientOptedIn(TenantId tenant, List<OptOut> ended) implements SmsEvent {}

  /** A conversation was assigned to a staff member, reassigned, or unassigned ({@code staffId} null). */
  record ConversationAssigned(TenantId tenant, Conversation conversation, @Nullable Integer previousStaffId)
      implements SmsEvent {}

  /** A closed conversation was reopened, by the host or by an inbound message. */
  record ConversationReopened(TenantId tenant, Conversation conversation) implements SmsEvent {}

  /** A conversation was closed. */
  record ConversationClosed(TenantId tenant, Conversation conversation) implements SmsEvent {}
}
