package org.smskit.jooq.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.OptOutType;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.status.StatusOutcome;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.dispatch.Dispatch;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions.Applied;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.sending.Sending;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;

/** Webhooks: inbound messages, status reports, keywords. */
final class Inbound {
  private static final Logger log = LoggerFactory.getLogger(Inbound.class);

  private final SmsContext ctx;
  private final ConversationScope conversationScope;
  private final @Nullable String helpReply;
  private final OptOutScope keywordOptOutScope;
  private final Sending sending;
  private final Dispatch dispatch;

  Inbound(SmsContext ctx, ConversationScope conversationScope, @Nullable String helpReply,
      OptOutScope keywordOptOutScope, Sending sending, Dispatch dispatch) {
    this.ctx = ctx;
    this.conversationScope = conversationScope;
    this.helpReply = helpReply;
    this.keywordOptOutScope = keywordOptOutScope;
    this.sending = sending;
    this.dispatch = dispatch;
  }

  /** The outcome, plus a HELP reply to send once the transaction committed. */
  private record Handled(WebhookOutcome outcome, @Nullable UUID reply) {}

  WebhookOutcome handle(TenantId tenant, UUID accountId, WebhookRequest request) {
    // Verification and storage share one transaction: a request that fails verification writes nothing, and
    // parts of messages delivered in pieces are stored with the same commit as the message they complete.
    Handled handled = ctx.write(tenant, tx -> {
      Repositories r = tx.r();
      SenderAccount account = r.senderAccounts().get(accountId);
      SmsProvider provider = ctx.providers().provider(tx.tenant(), account, r);
      WebhookEvent event = provider.parseWebhook(request, new WebhookContext(r.fragments()));
      return apply(tx, account, event);
    });
    sendReply(handled.reply());
    return handled.outcome();
  }

  WebhookOutcome record(TenantId tenant, UUID accountId, WebhookEvent event) {
    Handled handled = ctx.write(tenant, tx -> apply(tx, tx.r().senderAccounts().get(accountId), event));
    sendReply(handled.reply());
    return handled.outcome();
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
      return inbound(tx, account, inbound);
    }
    if (event instanceof StatusUpdateEvent status) {
      return new Handled(status(tx, account, status), null);
    }
    return new Handled(new WebhookOutcome(event, Result.ACKNOWLEDGED, null), null);
  }

  // ---------------------------------------------------------------------------------------------------------

  private Handled inbound(Tx tx, SenderAccount account, InboundMessageEvent event) {
    Repositories r = tx.r();
    UUID messageId = Ids.newId();
    String dedupeKey = event.provider() + ":" + event.providerMessageId();
    Optional<UUID> existing = r.messageKeys().claim(MessageKeyRepository.Kind.INBOUND, dedupeKey, messageId);
    if (existing.isPresent()) {
      return new Handled(new WebhookOutcome(event, Result.DUPLICATE, existing.get()), null);
    }
    Instant now = ctx.now();

    Optional<SenderPhoneNumber> ourNumber = event.to() instanceof PhoneNumber to
        ? r.phoneNumbers().findByNumber(to) : Optional.empty();
    ServiceAccount svc = serviceOf(r, account, event.messagingServiceSid());
    String conversationId = ConversationKeys.of(conversationScope, event.to(),
        svc == null ? null : svc.id(), event.from());

    if (event.from() instanceof PhoneNumber from) {
      Contact contact = r.contacts().findOrInsert(Contacts.describe(ctx.phones(), null, from));
      r.contacts().recordContact(contact.id(), now, null);
    }

    Conversation before = r.conversations().ensureLocked(conversationId, now);
    Conversation after = r.conversations().recordMessage(conversationId, true, now);
    if (before.state() == ConversationState.CLOSED && after.state() != ConversationState.CLOSED) {
      tx.events().add(new SmsEvent.ConversationReopened(tx.tenant(), after));
    }

    String body = SmsText.sanitizeInbound(event.body());
    Message message = r.messages().insert(Message.builder()
        .id(messageId)
        .direction(Direction.INBOUND)
        .from(event.from())
        .to(event.to())
        .body(body)
        .mediaCount(event.media().size())
        .status(MessageStatus.RECEIVED)
        .provider(event.provider())
        .providerMessageSid(event.providerMessageId())
        .providerPayload(event.rawPayload())
        .receivedAt(event.receivedAt())
        .conversationId(conversationId)
        .messageType(event.media().isEmpty() ? MessageType.SMS : MessageType.MMS)
        .senderPhoneNumberId(ourNumber.map(SenderPhoneNumber::id).orElse(null))
        .serviceAccountId(svc == null ? null : svc.id())
        .createdAt(now)
        .build());
    List<Attachment> attachments = new ArrayList<>();
    for (InboundMedia media : event.media()) {
      String mimeType = storableMimeType(media.contentType());
      attachments.add(r.attachments().insert(new Attachment(Ids.newId(), messageId, media.url(), null,
          MediaItem.fileTypeOf(mimeType), null, mimeType, media.providerMediaId(), now)));
    }
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, event.provider(),
        event.providerMessageId(), MessageStatus.RECEIVED, "received", event.receivedAt(), null, null, null));
    tx.events().add(new SmsEvent.InboundMessageReceived(tx.tenant(), message, attachments));

    UUID reply = keywords(tx, event, message, svc, ourNumber.orElse(null));
    log.debug("smskit stored inbound message {} from {}", messageId, event.from().masked());
    return new Handled(new WebhookOutcome(event, Result.STORED, messageId), reply);
  }

  private static final Pattern MIME_TYPE =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

  /**
   * A provider's content type as {@code sms_attachments.mime_type} accepts it: parameters dropped and lower case
   * ({@code Image/JPEG; name=a.jpg} is {@code image/jpeg}), or null when it is not a MIME type at all. A refused
   * webhook would lose the message, so an odd content type must not refuse it.
   */
  static @Nullable String storableMimeType(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    int parameters = contentType.indexOf(';');
    String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip()
        .toLowerCase(Locale.ROOT);
    return MIME_TYPE.matcher(type).matches() ? type : null;
  }

  /** The service an inbound message came through: named by the provider, else the account's only active one. */
  private static @Nullable ServiceAccount serviceOf(Repositories r, SenderAccount account,
      @Nullable String messagingServiceSid) {
    if (messagingServiceSid != null) {
      Optional<ServiceAccount> named = r.serviceAccounts().findByProviderServiceSid(messagingServiceSid);
      if (named.isPresent()) {
        return named.get();
      }
    }
    List<ServiceAccount> active = r.serviceAccounts().listBySenderAccount(account.id()).stream()
        .filter(ServiceAccount::active).toList();
    return active.size() == 1 ? active.get(0) : null;
  }

  /** STOP, START and HELP, from the text or from the provider's own signal; returns a queued HELP reply. */
  private @Nullable UUID keywords(Tx tx, InboundMessageEvent event, Message message,
      @Nullable ServiceAccount svc, @Nullable SenderPhoneNumber ourNumber) {
    Optional<OptOutType> keyword = event.optOut().or(() -> Keywords.of(event.body()));
    if (keyword.isEmpty() || !(event.from() instanceof PhoneNumber from)) {
      return null;
    }
    OptOutSource source = event.optOut().isPresent() ? OptOutSource.PROVIDER : OptOutSource.KEYWORD;
    String word = event.body() == null ? null : event.body().strip();
    Instant now = ctx.now();
    switch (keyword.get()) {
      case STOP -> {
        OptOut optOut = tx.r().optOuts().optOut(OptOut.of(from, keywordOptOutScope, null, null,
            source, word, event.provider(), now));
        tx.events().add(new SmsEvent.RecipientOptedOut(tx.tenant(), optOut));
      }
      case START -> {
        List<OptOut> ended = tx.r().optOuts().optIn(from, source, now);
        if (!ended.isEmpty()) {
          tx.events().add(new SmsEvent.RecipientOptedIn(tx.tenant(), ended));
        }
      }
      case HELP -> {
        String reply = helpReply;
        // Only when the reply can be queued: a refusal would roll back (and so lose) the inbound message.
        if (reply != null && ourNumber != null && ourNumber.active() && tx.r().senderAccounts()
            .find(ourNumber.accountId()).filter(SenderAccount::active).isPresent()) {
          SendRequest request = SendRequest.to(from.value()).body(reply).fromNumber(ourNumber.id()).build();
          return sending.queueHelpReply(tx, request, svc).messageId();
        }
      }
      default -> throw new IllegalStateException("unexpected keyword " + keyword.get());
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------

  private WebhookOutcome status(Tx tx, SenderAccount account, StatusUpdateEvent event) {
    Repositories r = tx.r();
    String provider = event.provider();
    String sid = event.providerMessageId();
    Optional<Message> message = r.messages().lockByProviderSid(provider, sid)
        .or(() -> r.messageKeys().find(MessageKeyRepository.Kind.PART, provider + ":" + sid)
            .flatMap(id -> r.messages().lock(id)));
    String refusal = null;
    if (message.isEmpty() && event.messageId() != null) {
      message = r.messages().lock(event.messageId());
      if (message.isPresent() && message.get().providerMessageSid() != null
          && !message.get().providerMessageSid().equals(sid)) {
        // Our reference names a message the provider knows by another id: two provider messages are never merged.
        refusal = "names message " + event.messageId() + ", which the provider knows as another id";
        message = Optional.empty();
      }
    }
    if (message.isEmpty() && refusal == null) {
      // Our answer from the provider may be being written right now: take turns with it, then look again.
      r.statusEvents().lockProviderId(provider, sid);
      message = r.messages().lockByProviderSid(provider, sid);
    }
    if (message.isPresent() && message.get().direction() == Direction.INBOUND) {
      log.info("smskit ignored a {} {} report about inbound message {}", provider, event.providerStatus(),
          message.get().id());
      return new WebhookOutcome(event, Result.STALE, message.get().id());
    }
    if (message.isPresent() && !sentThrough(r, message.get(), account.id())) {
      refusal = "verified by account " + account.id() + ", but message " + message.get().id()
          + " was sent through another account";
      message = Optional.empty();
    }
    if (message.isEmpty()) {
      r.statusEvents().insertUnmatched(new MessageStatusEvent(Ids.newId(), null, provider, sid, event.status(),
          event.providerStatus(), event.occurredAt(), event.errorCode(), event.rawPayload(), null), account.id());
      if (refusal != null) {
        log.warn("smskit refused a {} report about {}: {}", provider, sid, refusal);
      } else {
        log.info("smskit kept a {} report for unknown message {} for reconciliation", provider, sid);
      }
      return new WebhookOutcome(event, Result.UNMATCHED, null);
    }
    Message current = message.get();
    if (current.providerMessageSid() == null) {
      // A report proves the provider has the message: it is no longer held, whatever the answer said.
      r.held().release(current.id());
      current = current.toBuilder().provider(provider).providerMessageSid(sid).build();
    }
    Applied applied = Transitions.report(tx, current, event.status(), event.providerStatus(), event.errorCode(),
        event.occurredAt(), event.rawPayload(), provider, sid);
    return new WebhookOutcome(event, applied.outcome() == StatusOutcome.APPLY ? Result.APPLIED : Result.STALE,
        applied.message().id());
  }

  /** True when the message went out through {@code accountId} (its sender number belongs to it). */
  private static boolean sentThrough(Repositories r, Message message, UUID accountId) {
    if (message.senderPhoneNumberId() != null) {
      return r.phoneNumbers().find(message.senderPhoneNumberId())
          .map(n -> n.accountId().equals(accountId)).orElse(false);
    }
    return message.serviceAccountId() != null && r.serviceAccounts().find(message.serviceAccountId())
        .map(svc -> svc.senderAccountId().equals(accountId)).orElse(false);
  }

}
