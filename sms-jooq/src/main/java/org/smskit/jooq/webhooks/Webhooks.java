package org.smskit.jooq.webhooks;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.dispatch.Dispatch;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.sending.Sending;
import org.smskit.jooq.SmsService;

/**
 * What providers send: inbound messages and status reports, verified.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Webhooks {
  private final SmsContext ctx;
  private final TenantId tenant;
  private final Inbound inbound;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Webhooks(SmsContext ctx, TenantId tenant, ConversationScope conversationScope, @Nullable String helpReply,
      OptOutScope keywordOptOutScope, Sending sending, Dispatch dispatch) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.inbound = new Inbound(ctx, conversationScope, helpReply, keywordOptOutScope, sending, dispatch);
  }

  public WebhookOutcome handleWebhook(UUID senderAccountId, WebhookRequest request) {
    Require.nonNull(request, "request");
    return inbound.handle(tenant, senderAccountId, request);
  }

  public WebhookOutcome recordEvent(UUID senderAccountId, WebhookEvent event) {
    return inbound.record(tenant, Require.nonNull(senderAccountId, "sender_account_id"), Require.nonNull(event, "event"));
  }

  public Optional<URI> webhookUrl(UUID senderAccountId) {
    return ctx.webhookUrl(tenant, senderAccountId);
  }
}
