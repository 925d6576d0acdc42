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
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.sending.Sending;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;

/**
 * Inbound messages, in the transaction that verified their webhook: stored once however often they are delivered
 * (the provider's id is the key), with their contact, conversation rollup, attachments and history; STOP, START and
 * HELP acted on (a HELP reply is queued here and sent once the transaction committed).
 */
final class InboundMessages {
  private static final Logger log = LoggerFactory.getLogger(InboundMessages.class);

  /** A stored inbound message's outcome, plus a HELP reply to send once the transaction committed. */
  record Stored(WebhookOutcome outcome, @Nullable UUID reply) {}

  private final SmsContext ctx;
  private final ConversationScope conversationScope;
  private final @Nullable String helpReply;
  private final OptOutScope keywordOptOutScope;
  private final Sending sending;

  InboundMessages(SmsContext ctx, ConversationScope conversationScope, @Nullable String helpReply,
      OptOutScope keywordOptOutScope, Sending sending) {
    this.ctx = ctx;
    this.conversationScope = conversationScope;
    this.helpReply = helpReply;
    this.keywordOptOutScope = keywordOptOutScope;
    this.sending = sending;
  }

  /** The row of an inbound message as both paths store it (this one, and {@link QuickInbound}'s statement). */
  static Message received(UUID messageId, InboundMessageEvent event, @Nullable String body, String conversationId,
      @Nullable SenderPhoneNumber ourNumber, @Nullable ServiceAccount svc, Instant now) {
    return Message.builder()
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
        .senderPhoneNumberId(ourNumber == null ? null : ourNumber.id())
        .serviceAccountId(svc == null ? null : svc.id())
        .createdAt(now)
        .build();
  }

  Stored store(Tx tx, SenderAccount account, InboundMessageEvent event) {
    Repositories r = tx.r();
    UUID messageId = Ids.newId();
    Instant now = ctx.now();
    String dedupeKey = event.provider() + ":" + event.providerMessageId();
    Optional<UUID> existing = r.messageKeys().claim(MessageKeyRepository.Kind.INBOUND, dedupeKey, messageId, now);
    if (existing.isPresent()) {
      return new Stored(new WebhookOutcome(event, Result.DUPLICATE, existing.get()), null);
    }

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
    Message message = r.messages().insert(received(messageId, event, body, conversationId,
        ourNumber.orElse(null), svc, now));
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
    return new Stored(new WebhookOutcome(event, Result.STORED, messageId), reply);
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
}
