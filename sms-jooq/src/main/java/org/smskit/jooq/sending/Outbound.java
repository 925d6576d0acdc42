package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;
import org.smskit.core.text.TextInfo;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.internal.ProviderOptionsJson;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;

/** Storing outbound messages, and handing them to their provider. */
final class Outbound {
  private static final Logger log = LoggerFactory.getLogger(Outbound.class);

  private final SmsContext ctx;
  private final SendPolicy policy;
  private final Tx tx;
  private final Repositories r;

  Outbound(SmsContext ctx, Tx tx, SendPolicy policy) {
    this.ctx = ctx;
    this.policy = policy;
    this.tx = tx;
    this.r = tx.r();
  }

  /** The sender a message goes out from: the number, its account, and the service if any. */
  record Sender(SenderPhoneNumber number, SenderAccount account, @Nullable ServiceAccount service) {}

  SendReceipt queue(SendRequest request) {
    return queue(request, false, null);
  }

  /**
   * Queues the reply to a HELP keyword, from the number that received it and in the name of {@code service} (the
   * one the request came through, if any) so that it joins the request's conversation. It goes out even to a
   * recipient who opted out: CTIA requires an answer to HELP whatever the opt-in status, and refusing it here
   * would also refuse (and so lose) the inbound message whose transaction queues it.
   */
  SendReceipt queueHelpReply(SendRequest request, @Nullable ServiceAccount service) {
    return queue(request, true, service);
  }

  private SendReceipt queue(SendRequest request, boolean helpReply, @Nullable ServiceAccount replyService) {
    PhoneNumber to = ctx.phones().parse("to_number", request.to(), request.region());
    SmsText.validateOutbound(request.body(), request.media().size());
    UUID messageId = Ids.newId();
    Instant now = now();
    if (request.idempotencyKey() != null) {
      Optional<UUID> existing = r.messageKeys().claim(MessageKeyRepository.Kind.IDEMPOTENCY, request.idempotencyKey(),
          messageId, now);
      if (existing.isPresent()) {
        Message first = r.messages().get(existing.get());
        return new SendReceipt(first.id(), first.status(), true, first.providerErrorCode());
      }
    }
    Optional<Contact> contact = r.contacts().findByPhone(to);
    Sender resolved = resolveSender(request, contact.orElse(null));
    Sender sender = replyService != null && replyService.senderAccountId().equals(resolved.account().id())
        ? new Sender(resolved.number(), resolved.account(), replyService) : resolved;
    checkCapabilities(sender, request);
    if (!helpReply) {
      policy.optOuts().check(r, to, sender.service());
    }

    Contact stored = contact.orElseGet(() -> r.contacts().findOrInsert(Contacts.describe(ctx.phones(), null, to)));
    boolean assign = policy.stickySender() && !sender.number().id().equals(stored.assignedPhoneNumberId())
        && !assignedIsUsable(stored, sender.account());
    r.contacts().recordContact(stored.id(), now, assign ? sender.number().id() : null);

    UUID serviceId = sender.service() == null ? null : sender.service().id();
    String conversationId = ConversationKeys.of(policy.conversationScope(), sender.number().phoneNumber(), serviceId, to);
    r.conversations().recordOutbound(conversationId, now);

    TextInfo text = request.body() == null || request.body().isEmpty() ? null : SmsText.analyze(request.body());
    Instant due = dueAt(request, sender.service(), stored, now);
    MessageStatus status = due.isAfter(now) ? MessageStatus.SCHEDULED : MessageStatus.QUEUED;
    Message message = r.messages().insert(Message.builder()
        .id(messageId)
        .direction(Direction.OUTBOUND)
        .from(sender.number().phoneNumber())
        .to(to)
        .body(request.body())
        .mediaCount(request.media().size())
        .status(status)
        .provider(sender.account().provider())
        .conversationId(conversationId)
        .userId(request.userId())
        .metadataJson(request.metadataJson())
        .messageType(request.media().isEmpty() ? MessageType.SMS : MessageType.MMS)
        .senderPhoneNumberId(sender.number().id())
        .serviceAccountId(serviceId)
        .segmentCount(text == null ? null : text.segments())
        .encoding(text == null ? null : text.encoding())
        .createdAt(now)
        .build());
    String options = ProviderOptionsJson.write(request.providerOptions());
    if (options != null) {
      r.messages().storeProviderOptions(messageId, message.createdAt(), options);
    }
    for (MediaItem item : request.media()) {
      r.attachments().insert(new Attachment(Ids.newId(), messageId, item.url().toString(), item.fileName(),
          MediaItem.fileTypeOf(item.mimeType()), item.fileSize(), item.mimeType(), null, now));
    }
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, null, null, status,
        null, now, null, null, null));
    r.outbox().enqueue(messageId, helpReply ? 0 : SendTiming.priority(sender.service()), due, helpReply);
    String provider = sender.account().provider();
    MessageType type = message.messageType();
    tx.onCommit(() -> ctx.metrics().messagesQueued(provider, type, 1));
    log.debug("smskit queued message {} to {} (due {})", messageId, to.masked(), due);
    return new SendReceipt(message.id(), message.status(), false, null);
  }

  /** When the message may go: its send-at time, and for marketing and campaigns the end of quiet hours. */
  private Instant dueAt(SendRequest request, @Nullable ServiceAccount service, Contact contact, Instant now) {
    Instant due = request.sendAt() != null && request.sendAt().isAfter(now) ? request.sendAt() : now;
    return SendTiming.quietAdjusted(ctx.phones(), policy.quietHours(), service, contact, due);
  }

  private boolean assignedIsUsable(Contact contact, SenderAccount account) {
    if (contact.assignedPhoneNumberId() == null) {
      return false;
    }
    return r.phoneNumbers().find(contact.assignedPhoneNumberId())
        .filter(n -> n.active() && n.accountId().equals(account.id())).isPresent();
  }

  /**
   * The sender the request names. An id that names nothing is a {@link org.smskit.core.NotFoundException} (as
   * everywhere else in the API), not bad input: the request was well formed, the row is absent for this tenant.
   */
  private Sender resolveSender(SendRequest request, @Nullable Contact contact) {
    if (request.senderNumberId() != null) {
      SenderPhoneNumber number = r.phoneNumbers().get(request.senderNumberId());
      if (!number.active()) {
        throw new InvalidInputException("sender_phone_number_id", "the number is deactivated");
      }
      return new Sender(number, activeAccount(number.accountId()), null);
    }
    ServiceAccount service = null;
    UUID accountId = request.senderAccountId();
    if (request.serviceAccountId() != null) {
      service = r.serviceAccounts().get(request.serviceAccountId());
      if (!service.active()) {
        throw new InvalidInputException("service_account_id", "the service is deactivated");
      }
      accountId = service.senderAccountId();
    }
    SenderAccount account = activeAccount(accountId);
    if (contact != null && contact.assignedPhoneNumberId() != null) {
      Optional<SenderPhoneNumber> assigned = r.phoneNumbers().find(contact.assignedPhoneNumberId())
          .filter(n -> n.active() && n.accountId().equals(account.id()));
      if (assigned.isPresent()) {
        return new Sender(assigned.get(), account, service);
      }
    }
    SenderPhoneNumber number = r.phoneNumbers().activePrimary(account.id())
        .or(() -> r.phoneNumbers().listActiveByAccount(account.id()).stream().findFirst())
        .orElseThrow(() -> new InvalidInputException("sender_phone_number_id",
            "the sender account has no active number to send from"));
    return new Sender(number, account, service);
  }

  private SenderAccount activeAccount(UUID accountId) {
    SenderAccount account = r.senderAccounts().get(accountId);
    if (!account.active()) {
      throw new InvalidInputException("sender_account_id", "the sender account is deactivated");
    }
    return account;
  }

  private void checkCapabilities(Sender sender, SendRequest request) {
    // Made here, before anything is written, so that an account whose provider is not installed (or cannot be
    // configured from the account) is refused instead of leaving a message queued that can never go out.
    SmsProvider provider = ctx.providers().provider(tx.tenant(), sender.account(), r);
    checkOptions(ctx, provider, request.providerOptions());
    ProviderCapabilities capabilities = provider.capabilities();
    if (request.media().isEmpty()) {
      return;
    }
    if (!capabilities.mms()) {
      throw new InvalidInputException("media", sender.account().provider() + " cannot send media (MMS)");
    }
    if (request.media().size() > capabilities.maxMediaPerMessage()) {
      throw new InvalidInputException("media", sender.account().provider() + " sends at most "
          + capabilities.maxMediaPerMessage() + " media per message");
    }
  }

  /**
   * The provider of the sender's account checks the options (its own raw parameters, the typed ones); raw
   * parameters for a provider that is not installed are refused, those of other installed providers are kept for
   * a fallback account.
   */
  static void checkOptions(SmsContext ctx, SmsProvider provider, ProviderOptions options) {
    if (options.isEmpty()) {
      return;
    }
    for (String other : options.raw().keySet()) {
      if (!ctx.providers().installed(other)) {
        throw new InvalidInputException("options." + other, "no provider named " + other + " is installed");
      }
    }
    provider.validateOptions(options);
  }

  private Instant now() {
    return ctx.now();
  }

  // ---------------------------------------------------------------------------------------------------------
}
