package org.smskit.jooq.webhooks;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.SmsException;
import org.smskit.core.StorageException;
import org.smskit.core.TenantId;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.metrics.SmsMetrics.WebhookKind;
import org.smskit.core.metrics.SmsMetrics.WebhookResult;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.spi.FragmentStore;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.jooq.dispatch.Dispatch;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.repository.SmsDatabase.Unit;
import org.smskit.jooq.sending.Sending;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;

/**
 * What providers send: inbound messages and status reports, verified.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Webhooks {
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  private final SmsContext ctx;
  private final TenantId tenant;
  private final InboundMessages inbound;
  private final StatusReports reports = new StatusReports();
  private final QuickInbound quick;
  private final Dispatch dispatch;

  /** Internal to smskit: {@code SmsService} creates it. */
  public Webhooks(SmsContext ctx, TenantId tenant, ConversationScope conversationScope, @Nullable String helpReply,
      OptOutScope keywordOptOutScope, Sending sending, Dispatch dispatch) {
    this.ctx = ctx;
    this.tenant = tenant;
    this.inbound = new InboundMessages(ctx, conversationScope, helpReply, keywordOptOutScope, sending);
    this.dispatch = dispatch;
    this.quick = new QuickInbound(ctx, conversationScope);
  }

  public WebhookOutcome handleWebhook(UUID senderAccountId, WebhookRequest request) {
    Require.nonNull(request, "request");
    // The account's provider, for the metrics of a webhook refused: set once the account is read.
    String[] provider = {"unknown"};
    try {
      return handle(senderAccountId, request, provider);
    } catch (RuntimeException e) {
      refused(provider[0], e);
      throw e;
    }
  }

  public WebhookOutcome recordEvent(UUID senderAccountId, WebhookEvent event) {
    Require.nonNull(event, "event");
    try {
      return record(Require.nonNull(senderAccountId, "sender_account_id"), event);
    } catch (RuntimeException e) {
      refused(event.provider(), e);
      throw e;
    }
  }

  public Optional<URI> webhookUrl(UUID senderAccountId) {
    return ctx.webhookUrl(tenant, senderAccountId);
  }

  /** The outcome, plus a HELP reply to send once the transaction committed. */
  private record Handled(WebhookOutcome outcome, @Nullable UUID reply) {}

  /** A fragment store for parsing outside a transaction: a webhook that needs one takes the transactional path. */
  private static final FragmentStore NO_FRAGMENTS = (provider, key, part, total, payload, expiresAt) -> {
    throw new NeedsTransaction();
  };

  /** Thrown by {@link #NO_FRAGMENTS}: the webhook carries part of a message delivered in pieces. */
  private static final class NeedsTransaction extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsTransaction() {
      super(null, null, false, false);
    }
  }

  /**
   * An ordinary inbound text message is verified with the account as remembered and stored in one round trip;
   * anything else, or anything that does not verify that way (a token changed a moment ago), takes the
   * transactional path, which reads the account afresh and decides.
   */
  private Optional<WebhookOutcome> quickly(UUID accountId, WebhookRequest request, String[] providerName) {
    SenderAccount account = ctx.senders().account(tenant, accountId).orElse(null);
    if (account == null) {
      return Optional.empty();
    }
    providerName[0] = account.provider();
    WebhookEvent event;
    try {
      SmsProvider provider = ctx.providers().cached(tenant, account)
          .orElseGet(() -> ctx.read(tenant, r -> ctx.providers().provider(tenant, account, r)));
      event = provider.parseWebhook(request, new WebhookContext(NO_FRAGMENTS));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!(event instanceof InboundMessageEvent inbound) || !QuickInbound.applies(inbound)) {
      return Optional.empty();
    }
    QuickInbound.Stored stored = quick.store(tenant, account, inbound);
    ctx.afterCommit(stored.joined(), () -> {
      counted(stored.outcome());
      ctx.publish(stored.events());
    });
    return Optional.of(stored.outcome());
  }

  private WebhookOutcome handle(UUID accountId, WebhookRequest request, String[] providerName) {
    Optional<WebhookOutcome> quickly = quickly(accountId, request, providerName);
    if (quickly.isPresent()) {
      return quickly.get();
    }
    // Verification and storage share one transaction: a request that fails verification writes nothing, and
    // parts of messages delivered in pieces are stored with the same commit as the message they complete.
    Unit<Handled> handled = ctx.writeUnit(tenant, tx -> {
      Repositories r = tx.r();
      SenderAccount account = r.senderAccounts().get(accountId);
      providerName[0] = account.provider();
      SmsProvider provider = ctx.providers().provider(tx.tenant(), account, r);
      WebhookEvent event = provider.parseWebhook(request, new WebhookContext(r.fragments()));
      return apply(tx, account, event);
    });
    return replied(handled);
  }

  private WebhookOutcome record(UUID accountId, WebhookEvent event) {
    return replied(ctx.writeUnit(tenant, tx -> apply(tx, tx.r().senderAccounts().get(accountId), event)));
  }

  /** Counts a handled webhook (once its transaction committed): its outcome, the message or report it carried. */
  private void counted(WebhookOutcome outcome) {
    SmsMetrics metrics = ctx.metrics();
    WebhookEvent event = outcome.event();
    WebhookKind kind = event instanceof InboundMessageEvent ? WebhookKind.INBOUND
        : event instanceof StatusUpdateEvent ? WebhookKind.STATUS : WebhookKind.OTHER;
    WebhookResult result = switch (outcome.result()) {
      case STORED, APPLIED, ACKNOWLEDGED -> WebhookResult.OK;
      case DUPLICATE -> WebhookResult.DUPLICATE;
      case STALE -> WebhookResult.STALE;
      case UNMATCHED -> WebhookResult.UNMATCHED;
    };
    metrics.webhookHandled(event.provider(), kind, result);
    if (event instanceof InboundMessageEvent inbound && outcome.result() == Result.STORED) {
      metrics.messageReceived(event.provider(), inbound.media().isEmpty() ? MessageType.SMS : MessageType.MMS);
    } else if (event instanceof StatusUpdateEvent status && outcome.result() == Result.APPLIED) {
      metrics.deliveryStatus(event.provider(), status.status());
    }
  }

  /** Counts a webhook refused: nothing was written, so there is no commit to wait for. */
  private void refused(String provider, RuntimeException e) {
    WebhookResult result = e instanceof WebhookVerificationException ? WebhookResult.BAD_SIGNATURE
        : e instanceof StorageException || !(e instanceof SmsException) ? WebhookResult.ERROR
        : WebhookResult.REJECTED;
    ctx.metrics().webhookHandled(provider, WebhookKind.UNKNOWN, result);
  }

  /**
   * Sends the HELP reply now; in the host's transaction leaves it queued, for the dispatcher woken after the host's
   * commit, since it may not reach the provider before the host commits it.
   */
  private WebhookOutcome replied(Unit<Handled> handled) {
    ctx.afterCommit(handled.joined(), () -> counted(handled.value().outcome()));
    if (handled.joined()) {
      if (handled.value().reply() != null) {
        ctx.afterCommit(true, ctx::wakeWorkers);
      }
    } else {
      sendReply(handled.value().reply());
    }
    return handled.value().outcome();
  }

  private void sendReply(@Nullable UUID reply) {
    if (reply == null) {
      return;
    }
    try {
      dispatch.dispatch(reply);
    } catch (RuntimeException e) {
      log.warn("smskit could not send the HELP reply {} now; it stays queued: {}", reply, e.toString());
    }
  }

  private Handled apply(Tx tx, SenderAccount account, WebhookEvent event) {
    if (event instanceof InboundMessageEvent inbound) {
      InboundMessages.Stored stored = this.inbound.store(tx, account, inbound);
      return new Handled(stored.outcome(), stored.reply());
    }
    if (event instanceof StatusUpdateEvent status) {
      return new Handled(reports.apply(tx, account, status), null);
    }
    return new Handled(new WebhookOutcome(event, Result.ACKNOWLEDGED, null), null);
  }
}
