package org.smskit.jooq.sending;

import java.util.List;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.model.ServiceAccount;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.optout.OptOutPolicy;

/**
 * Queueing messages: one at a time, or one text to many recipients.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Sending {
  private final SmsContext ctx;
  private final TenantId tenant;
  private final SendPolicy policy;
  private final QuickQueue quick;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Sending(SmsContext ctx, TenantId tenant, ConversationScope conversationScope, boolean stickySender,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.policy = new SendPolicy(conversationScope, stickySender, quietHours, optOuts);
    this.quick = new QuickQueue(ctx, policy);
  }

  public SendReceipt queue(SendRequest request) {
    Require.nonNull(request, "request");
    SendReceipt receipt = quick.applies(tenant, request) ? quick.queue(tenant, request)
        : ctx.write(tenant, tx -> new Outbound(ctx, tx, policy).queue(request));
    ctx.wakeWorkers();
    return receipt;
  }

  /**
   * Queues the reply to a HELP keyword in the transaction that stores the request (see {@code Outbound}); the
   * caller sends it once that transaction committed.
   */
  public SendReceipt queueHelpReply(Tx tx, SendRequest request, @Nullable ServiceAccount service) {
    return new Outbound(ctx, tx, policy).queueHelpReply(request, service);
  }

  public List<BulkResult> bulkSend(BulkSendRequest request) {
    Require.nonNull(request, "request");
    List<BulkResult> results = ctx.write(tenant, tx -> Bulk.send(ctx, policy, tx, request));
    ctx.wakeWorkers();
    return results;
  }
}
