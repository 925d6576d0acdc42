package org.smskit.jooq.dispatch;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.model.Message;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;

/**
 * Handing queued messages to providers, now or in the background, and what became of those whose outcome is
 * unknown (held messages). Used through {@code SmsService}, which documents each operation; one instance acts for
 * one tenant (a {@link Dispatcher} for all).
 */
public final class Dispatch {
  private final SmsContext ctx;
  private final TenantId tenant;
  private final DispatcherConfig config;
  private final @Nullable QuietHours quietHours;
  private final OptOutPolicy optOuts;
  private final Reconciler reconciler;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Dispatch(SmsContext ctx, TenantId tenant, DispatcherConfig config, @Nullable QuietHours quietHours,
      OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.config = config;
    this.quietHours = quietHours;
    this.optOuts = optOuts;
    this.reconciler = new Reconciler(ctx);
  }

  public SendReceipt dispatch(UUID messageId) {
    return Delivery.sendNow(ctx, tenant, Require.nonNull(messageId, "message_id"), config, quietHours, optOuts);
  }

  public Dispatcher dispatcher(DispatcherConfig dispatcherConfig) {
    Dispatcher dispatcher = new Dispatcher(ctx, Require.nonNull(dispatcherConfig, "config"), quietHours, optOuts);
    ctx.workers().add(dispatcher);
    return dispatcher;
  }

  public Page<HeldMessage> heldMessages(PageRequest page) {
    return reconciler.list(tenant, Require.nonNull(page, "page"));
  }

  public ReconcileReport reconcileHeld() {
    return reconciler.reconcile(tenant, PageRequest.MAX_LIMIT);
  }

  public Message resolveHeld(UUID messageId, HeldResolution resolution, @Nullable String note) {
    return reconciler.resolve(tenant, Require.nonNull(messageId, "message_id"),
        Require.nonNull(resolution, "resolution"), note);
  }

  public DispatchStats dispatchStats() {
    Instant now = ctx.now();
    return ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl).stats(tenant.value(), now));
  }

  public DispatchStats dispatchStatsAcrossTenants() {
    Instant now = ctx.now();
    return ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl).stats(null, now));
  }
}
