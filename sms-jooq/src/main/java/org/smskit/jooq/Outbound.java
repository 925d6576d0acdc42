package org.smskit.jooq;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Attachment;
import org.smskit.core.model.Contact;
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
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumberDetails;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderCapabilities;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.status.StatusMachine;
import org.smskit.core.status.StatusOutcome;
import org.smskit.core.status.StatusTimestamps;
import org.smskit.core.status.StatusUpdate;
import org.smskit.core.text.SmsText;
import org.smskit.core.text.TextInfo;
import org.smskit.jooq.SmsService.Core;
import org.smskit.jooq.SmsService.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Storing outbound messages, and handing them to their provider. */
final class Outbound {
  private static final Logger log = LoggerFactory.getLogger(Outbound.class);

  private final Core core;
  private final Tx tx;
  private final Repositories r;

  Outbound(Core core, Tx tx) {
    this.core = core;
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
    PhoneNumber to = core.phones().parse("to_number", request.to(), request.region());
    SmsText.validateOutbound(request.body(), request.media().size());
    UUID messageId = Ids.newId();
    if (request.idempotencyKey() != null) {
      Optional<UUID> existing = r.messageKeys().claim(MessageKeyRepository.Kind.IDEMPOTENCY, request.idempotencyKey(),
          messageId);
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
      checkOptOut(to, sender.service());
    }

    Instant now = now();
    Contact stored = contact.orElseGet(() -> r.contacts().findOrInsert(newContact(core.phones(), null, to)));
    boolean assign = core.stickySender() && !sender.number().id().equals(stored.assignedPhoneNumberId())
        && !assignedIsUsable(stored, sender.account());
    r.contacts().recordContact(stored.id(), now, assign ? sender.number().id() : null);

    UUID serviceId = sender.service() == null ? null : sender.service().id();
    String conversationId = ConversationKeys.of(core.conversationScope(), sender.number().phoneNumber(), serviceId, to);
    r.conversations().ensureLocked(conversationId, now);
    r.conversations().recordMessage(conversationId, false, now);

    TextInfo text = request.body() == null || request.body().isEmpty() ? null : SmsText.analyze(request.body());
    Message message = r.messages().insert(Message.builder()
        .id(messageId)
        .direction(Direction.OUTBOUND)
        .from(sender.number().phoneNumber())
        .to(to)
        .body(request.body())
        .mediaCount(request.media().size())
        .status(MessageStatus.QUEUED)
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
    for (MediaItem item : request.media()) {
      r.attachments().insert(new Attachment(Ids.newId(), messageId, item.url().toString(), item.fileName(),
          fileType(item.mimeType()), item.fileSize(), item.mimeType(), null, now));
    }
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, null, null, MessageStatus.QUEUED,
        null, now, null, null, null));
    log.debug("smskit queued message {} to {}", messageId, to.masked());
    return new SendReceipt(message.id(), message.status(), false, null);
  }

  private boolean assignedIsUsable(Contact contact, SenderAccount account) {
    if (contact.assignedPhoneNumberId() == null) {
      return false;
    }
    return r.phoneNumbers().find(contact.assignedPhoneNumberId())
        .filter(n -> n.active() && n.accountId().equals(account.id())).isPresent();
  }

  private Sender resolveSender(SendRequest request, @Nullable Contact contact) {
    if (request.senderNumberId() != null) {
      SenderPhoneNumber number = r.phoneNumbers().find(request.senderNumberId())
          .orElseThrow(() -> new InvalidInputException("sender_phone_number_id", "no such number"));
      if (!number.active()) {
        throw new InvalidInputException("sender_phone_number_id", "the number is deactivated");
      }
      return new Sender(number, activeAccount(number.accountId()), null);
    }
    ServiceAccount service = null;
    UUID accountId = request.senderAccountId();
    if (request.serviceAccountId() != null) {
      service = r.serviceAccounts().find(request.serviceAccountId())
          .orElseThrow(() -> new InvalidInputException("service_account_id", "no such service"));
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
    SenderAccount account = r.senderAccounts().find(accountId)
        .orElseThrow(() -> new InvalidInputException("sender_account_id", "no such sender account"));
    if (!account.active()) {
      throw new InvalidInputException("sender_account_id", "the sender account is deactivated");
    }
    return account;
  }

  private void checkCapabilities(Sender sender, SendRequest request) {
    // Made here, before anything is written, so that an account whose provider is not installed (or cannot be
    // configured from the account) is refused instead of leaving a message queued that can never go out.
    ProviderCapabilities capabilities = core.providers().provider(tx.tenant(), sender.account(), r).capabilities();
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

  /** Refuses recipients who opted out of this sender, before anything is written or sent. */
  private void checkOptOut(PhoneNumber to, @Nullable ServiceAccount service) {
    for (OptOut optOut : r.optOuts().active(to)) {
      if (applies(optOut, service, core.transactionalIgnoresMarketingOptOut())) {
        throw new RecipientOptedOutException(optOut);
      }
    }
  }

  static boolean applies(OptOut optOut, @Nullable ServiceAccount service, boolean transactionalIgnoresMarketing) {
    ServiceType type = service == null ? null : service.serviceType();
    return switch (optOut.scope()) {
      case ALL -> true;
      case MARKETING -> type == null || type == ServiceType.MARKETING || type == ServiceType.CAMPAIGN
          || !(transactionalIgnoresMarketing && type == ServiceType.TRANSACTIONAL);
      case SERVICE -> service != null && service.id().equals(optOut.serviceAccountId());
      case CAMPAIGN -> service != null && optOut.campaignId().equals(service.linkedCampaignId());
    };
  }

  static Contact newContact(PhoneNumbers phones, @Nullable String name, PhoneNumber number) {
    Contact contact = Contact.create(name, number);
    try {
      PhoneNumberDetails details = phones.details(number);
      return contact.withRegion(details.countryCode(), details.areaCode(),
          details.timeZones().size() == 1 ? details.timeZones().get(0) : null);
    } catch (InvalidInputException e) {
      return contact; // a number libphonenumber cannot describe is still a contact
    }
  }

  static @Nullable String fileType(@Nullable String mimeType) {
    if (mimeType == null || !mimeType.contains("/")) {
      return null;
    }
    String major = mimeType.substring(0, mimeType.indexOf('/')).toLowerCase(Locale.ROOT);
    return switch (major) {
      case "image", "video", "audio", "text" -> major;
      default -> "document";
    };
  }

  private Instant now() {
    return core.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  // ---------------------------------------------------------------------------------------------------------

  /** What the first transaction of a dispatch prepared: the provider call to make, or why none is made. */
  private record Prepared(@Nullable SendReceipt done, @Nullable SmsProvider provider,
      @Nullable OutboundMessage outbound) {}

  static SendReceipt dispatch(SmsService service, UUID messageId) {
    TenantId tenant = service.tenant();
    Prepared prepared = service.write(tx -> {
      Repositories r = tx.r();
      Message message = r.messages().lock(messageId).orElseThrow(() -> new NotFoundException("message", messageId));
      if (message.status() != MessageStatus.QUEUED) {
        return new Prepared(new SendReceipt(message.id(), message.status(), false, message.providerErrorCode()),
            null, null);
      }
      SenderAccount account = accountOf(r, message);
      SmsProvider provider = service.core().providers().provider(tenant, account, r);
      ServiceAccount svc = message.serviceAccountId() == null ? null : r.serviceAccounts().get(message.serviceAccountId());
      List<URI> media = r.attachments().listByMessage(messageId).stream().map(a -> URI.create(a.fileUrl())).toList();
      Instant now = service.now();
      r.messages().update(message.toBuilder().status(MessageStatus.SENDING).build());
      r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, account.provider(), null,
          MessageStatus.SENDING, null, now, null, null, null));
      OutboundMessage outbound = new OutboundMessage(messageId, message.to(), message.from(),
          svc == null ? null : svc.providerServiceSid(), message.body(), media,
          service.webhookUrl(account.id()).orElse(null), Map.of());
      return new Prepared(null, provider, outbound);
    });
    if (prepared.done() != null) {
      return prepared.done();
    }
    SendResult result;
    try {
      result = prepared.provider().send(prepared.outbound());
    } catch (ProviderException e) {
      log.info("smskit send of {} failed: {} ({})", messageId, e.kind(), e.providerCode().orElse("-"));
      return service.write(tx -> recordFailure(service, tx, messageId, prepared.provider().name(), e));
    } catch (RuntimeException e) {
      // A provider bug is not a reason to lose track of the message: hold it for reconciliation.
      ProviderException unknown = new ProviderException(prepared.provider().name(),
          ProviderException.Kind.OUTCOME_UNKNOWN, null, 0, null, e.toString(), e);
      return service.write(tx -> recordFailure(service, tx, messageId, prepared.provider().name(), unknown));
    }
    return service.write(tx -> recordSuccess(service, tx, messageId, prepared.provider().name(), result));
  }

  private static SenderAccount accountOf(Repositories r, Message message) {
    if (message.senderPhoneNumberId() != null) {
      return r.senderAccounts().get(r.phoneNumbers().get(message.senderPhoneNumberId()).accountId());
    }
    if (message.serviceAccountId() != null) {
      return r.senderAccounts().get(r.serviceAccounts().get(message.serviceAccountId()).senderAccountId());
    }
    throw new InvalidInputException("sender_phone_number_id", "the message names no sender");
  }

  private static SendReceipt recordSuccess(SmsService service, Tx tx, UUID messageId, String provider,
      SendResult result) {
    Repositories r = tx.r();
    Message message = r.messages().lock(messageId).orElseThrow();
    Instant now = service.now();
    Message withSid = message.toBuilder()
        .provider(provider)
        .providerMessageSid(result.providerMessageId())
        .providerPayload(result.rawResponse())
        .providerErrorCode(null)
        .segmentCount(result.segments() != null ? result.segments() : message.segmentCount())
        .build();
    Message applied = Inbound.applyStatus(service, tx, withSid, result.status(), result.status().dbValue(), null,
        now, result.rawResponse(), provider, result.providerMessageId()).message();
    // Reports that arrived before we knew the provider's id now find their message.
    for (var event : r.statusEvents().listUnmatched(provider, result.providerMessageId())) {
      r.statusEvents().delete(event.id());
      applied = Inbound.applyStatus(service, tx, applied, event.status(), event.providerStatus(),
          event.providerErrorCode(), event.occurredAt(), event.rawPayload(), provider, result.providerMessageId())
          .message();
    }
    return new SendReceipt(applied.id(), applied.status(), false, applied.providerErrorCode());
  }

  private static SendReceipt recordFailure(SmsService service, Tx tx, UUID messageId, String provider,
      ProviderException e) {
    Repositories r = tx.r();
    Message message = r.messages().lock(messageId).orElseThrow();
    Instant now = service.now();
    String code = e.providerCode().orElse(e.kind().name().toLowerCase(Locale.ROOT));
    MessageStatus next;
    switch (e.kind()) {
      case RETRYABLE, RATE_LIMITED -> next = StatusMachine.requeue(message.status()) == StatusOutcome.APPLY
          ? MessageStatus.QUEUED : message.status();
      case OUTCOME_UNKNOWN -> next = message.status();
      default -> next = MessageStatus.FAILED;
    }
    Message.Builder changed = message.toBuilder().status(next).providerErrorCode(code).provider(provider);
    if (next == MessageStatus.FAILED) {
      changed.failedAt(message.failedAt() == null ? now : message.failedAt());
    }
    Message stored = r.messages().update(changed.build());
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, provider, null, next, e.kind().name()
        .toLowerCase(Locale.ROOT), now, code, e.getMessage(), null));
    if (next == MessageStatus.FAILED) {
      tx.events().add(new SmsEvent.SendFailed(tx.tenant(), stored, code, e.getMessage()));
      tx.events().add(new SmsEvent.MessageStatusChanged(tx.tenant(), stored, message.status()));
    }
    if (e.kind() == ProviderException.Kind.RECIPIENT_OPTED_OUT && stored.to() instanceof PhoneNumber to) {
      UUID serviceId = stored.serviceAccountId();
      OptOut optOut = r.optOuts().optOut(OptOut.of(to, serviceId == null ? OptOutScope.ALL : OptOutScope.SERVICE,
          serviceId, null, OptOutSource.PROVIDER, null, provider, now));
      tx.events().add(new SmsEvent.RecipientOptedOut(tx.tenant(), optOut));
    }
    return new SendReceipt(stored.id(), stored.status(), false, code);
  }

  static StatusTimestamps timestamps(Message m) {
    return new StatusTimestamps(m.sentAt(), m.deliveredAt(), m.failedAt(), m.readAt());
  }

  static Message withTimestamps(Message m, StatusUpdate update) {
    StatusTimestamps t = update.timestamps();
    return m.toBuilder().status(update.status()).sentAt(t.sentAt()).deliveredAt(t.deliveredAt())
        .failedAt(t.failedAt()).readAt(t.readAt()).build();
  }
}
