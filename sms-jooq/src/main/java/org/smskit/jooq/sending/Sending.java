package org.smskit.jooq.sending;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.model.ServiceAccount;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.SmsDatabase.Unit;

/**
 * Queueing messages: one at a time, or one text to many recipients.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Sending {
  private final SmsContext ctx;
  private final TenantId tenant;
  private final SendPolicy policy;
  private final QuickQueue quick;
  private final Bulk bulk;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Sending(SmsContext ctx, TenantId tenant, ConversationScope conversationScope, boolean stickySender,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.policy = new SendPolicy(conversationScope, stickySender, quietHours, optOuts);
    this.quick = new QuickQueue(ctx, policy);
    this.bulk = new Bulk(ctx, policy);
  }

  public SendReceipt queue(SendRequest request) {
    return queued(request).value();
  }

  /**
   * Queues, then hands the message to {@code dispatch}; in the host's transaction only queues, since the message
   * may not reach the provider before the host commits it (the dispatcher, woken after that commit, sends it).
   */
  public SendReceipt send(SendRequest request, Function<UUID, SendReceipt> dispatch) {
    Unit<SendReceipt> queued = queued(request);
    SendReceipt receipt = queued.value();
    return receipt.duplicate() || queued.joined() ? receipt : dispatch.apply(receipt.messageId());
  }

  private Unit<SendReceipt> queued(SendRequest request) {
    Require.nonNull(request, "request");
    Unit<SendReceipt> queued = quick.applies(tenant, request) ? quick.queue(tenant, request)
        : ctx.writeUnit(tenant, tx -> new Outbound(ctx, tx, policy).queue(request));
    // Woken before the host's commit, the dispatcher would find nothing and sleep through its interval.
    ctx.afterCommit(queued.joined(), ctx::wakeWorkers);
    return queued;
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
    BulkResult[] results = new BulkResult[request.recipients().size()];
    Unit<?> unit = ctx.writeUnit(tenant, tx -> bulk.send(tx, request.message(), request.recipients().iterator(),
        new Bulk.Results() {
      @Override
      public void add(long ord, BulkResult result) {
        results[(int) ord] = result;
      }

      @Override
      public boolean wantsQueued() {
        return true;
      }
    }));
    ctx.afterCommit(unit.joined(), ctx::wakeWorkers);
    return List.of(results);
  }

  public BulkSummary bulkSend(BulkMessage message, Iterable<String> recipients, Consumer<BulkResult> notQueued) {
    Require.nonNull(message, "message");
    Require.nonNull(recipients, "recipients");
    Require.nonNull(notQueued, "not_queued");
    Unit<BulkSummary> summary = ctx.writeUnit(tenant, tx -> bulk.send(tx, message, recipients.iterator(),
        new Bulk.Results() {
      @Override
      public void add(long ord, BulkResult result) {
        notQueued.accept(result);
      }

      @Override
      public boolean wantsQueued() {
        return false;
      }
    }));
    ctx.afterCommit(summary.joined(), ctx::wakeWorkers);
    return summary.value();
  }
}
