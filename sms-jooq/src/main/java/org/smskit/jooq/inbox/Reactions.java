package org.smskit.jooq.inbox;

import java.util.UUID;
import org.smskit.core.TenantId;
import org.smskit.core.model.Reaction;
import org.smskit.jooq.internal.SmsContext;

/**
 * Reactions to messages.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Reactions {
  private final SmsContext ctx;
  private final TenantId tenant;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Reactions(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  public Reaction addReaction(UUID messageId, String type, String value, String reactedBy) {
    Reaction reaction = Reaction.create(messageId, type, value, reactedBy);
    return ctx.write(tenant, tx -> {
      tx.r().messages().get(messageId);
      // One statement against the unique key: concurrent adds of the same reaction store it once, none fails.
      return tx.r().reactions().insertOnce(reaction);
    });
  }

  public boolean removeReaction(UUID messageId, String type, String value, String reactedBy) {
    return ctx.write(tenant, tx -> tx.r().reactions().remove(messageId, reactedBy, type, value));
  }
}
