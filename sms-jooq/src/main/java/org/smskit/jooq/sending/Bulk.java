package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;
import org.smskit.core.text.TextInfo;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.internal.JsonObjects;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.BulkResult.Outcome;

/**
 * Queues one text to many recipients in one transaction with batched writes: each recipient is normalised,
 * de-duplicated (within the call, and within the campaign by key), checked for opt-out, and gets a contact,
 * a conversation, a message, a history row and an outbox row; the database sees a few statements per
 * {@value #CHUNK} recipients rather than a dozen per recipient.
 */
final class Bulk {
  static final int CHUNK = 2_000;

  private Bulk() {}

  static List<BulkResult> send(SmsContext ctx, SendPolicy policy, Tx tx, BulkSendRequest request) {
    Repositories r = tx.r();
    SmsText.validateOutbound(request.body(), 0);
    JsonObjects.require("metadata", request.metadataJson());
    TextInfo text = SmsText.analyze(request.body());
    ServiceAccount svc = r.serviceAccounts().get(request.serviceAccountId());
    if (!svc.active()) {
      throw new InvalidInputException("service_account_id", "the service is deactivated");
    }
    SenderAccount account = r.senderAccounts().find(svc.senderAccountId()).filter(SenderAccount::active)
        .orElseThrow(() -> new InvalidInputException("sender_account_id", "the sender account is deactivated"));
    ctx.providers().provider(tx.tenant(), account, r); // refuses an account whose provider is not installed
    List<SenderPhoneNumber> active = r.phoneNumbers().listActiveByAccount(account.id());
    if (active.isEmpty()) {
      throw new InvalidInputException("sender_phone_number_id", "the sender account has no active number to send from");
    }
    SenderPhoneNumber defaultNumber = active.get(0); // primary first
    Map<UUID, SenderPhoneNumber> usable = new HashMap<>();
    active.forEach(n -> usable.put(n.id(), n));
    // 1. Read every recipient; the first mention of a number wins.
    BulkResult[] results = new BulkResult[request.recipients().size()];
    Map<String, Integer> firstIndex = new LinkedHashMap<>();
    for (int i = 0; i < results.length; i++) {
      String input = request.recipients().get(i);
      try {
        PhoneNumber number = ctx.phones().parse("recipients[" + i + "]", input, request.region());
        if (firstIndex.putIfAbsent(number.value(), i) != null) {
          results[i] = new BulkResult(input, number.value(), Outcome.DUPLICATE, null, "listed more than once");
        }
      } catch (InvalidInputException e) {
        results[i] = new BulkResult(input, null, Outcome.INVALID_NUMBER, null, e.rule());
      }
    }
    Instant now = ctx.now();
    List<String> numbers = new ArrayList<>(firstIndex.keySet());
    for (int from = 0; from < numbers.size(); from += CHUNK) {
      List<String> chunk = numbers.subList(from, Math.min(numbers.size(), from + CHUNK));
      queueChunk(ctx, policy, tx, request, svc, account, defaultNumber, usable, text, chunk, firstIndex, results, now);
    }
    return List.of(results);
  }

  private static void queueChunk(SmsContext ctx, SendPolicy policy, Tx tx, BulkSendRequest request, ServiceAccount svc,
      SenderAccount account, SenderPhoneNumber defaultNumber, Map<UUID, SenderPhoneNumber> usable, TextInfo text,
      List<String> chunk, Map<String, Integer> firstIndex, BulkResult[] results, Instant now) {
    Repositories r = tx.r();
    List<PhoneNumber> phones = chunk.stream().map(PhoneNumber::of).toList();
    // 2. Opt-outs, in one query.
    Map<String, OptOut> blocked = new HashMap<>();
    for (OptOut optOut : r.optOuts().active(phones)) {
      if (policy.optOuts().applies(optOut, svc)) {
        blocked.putIfAbsent(optOut.phone().value(), optOut);
      }
    }
    Map<String, UUID> messageIds = new LinkedHashMap<>();
    for (String number : chunk) {
      int i = firstIndex.get(number);
      OptOut optOut = blocked.get(number);
      if (optOut != null) {
        results[i] = new BulkResult(request.recipients().get(i), number, Outcome.OPTED_OUT, null,
            "opted out (" + optOut.scope().dbValue() + " scope)");
      } else {
        messageIds.put(number, Ids.newId());
      }
    }

    // 3. The campaign key: a recipient already sent to under it is a duplicate.
    if (request.campaignKey() != null && !messageIds.isEmpty()) {
      Map<String, UUID> keys = new LinkedHashMap<>();
      messageIds.forEach((number, id) -> keys.put(campaignKey(request.campaignKey(), number), id));
      Set<String> claimed = r.messageKeys().claimAll(MessageKeyRepository.Kind.IDEMPOTENCY, keys);
      for (String number : new ArrayList<>(messageIds.keySet())) {
        if (!claimed.contains(campaignKey(request.campaignKey(), number))) {
          int i = firstIndex.get(number);
          results[i] = new BulkResult(request.recipients().get(i), number, Outcome.DUPLICATE, null,
              "already sent to in campaign " + request.campaignKey());
          messageIds.remove(number);
        }
      }
    }
    if (messageIds.isEmpty()) {
      return;
    }
    // 4. Contacts: create the missing ones, then read them all.
    List<PhoneNumber> queued = messageIds.keySet().stream().map(PhoneNumber::of).toList();
    Map<String, Contact> contacts = r.contacts().findByPhones(queued);
    List<Contact> missing = queued.stream().filter(p -> !contacts.containsKey(p.value()))
        .map(p -> Contacts.describe(ctx.phones(), null, p)).toList();
    r.contacts().insertMissing(missing);
    if (!missing.isEmpty()) {
      contacts.putAll(r.contacts().findByPhones(queued));
    }
    // 5. Messages, conversations, history and outbox, each in batches.
    List<Message> messages = new ArrayList<>(messageIds.size());
    Set<String> conversations = new LinkedHashSet<>();
    Map<UUID, Instant> due = new LinkedHashMap<>();
    List<MessageStatusEvent> history = new ArrayList<>(messageIds.size());
    List<UUID> contactIds = new ArrayList<>(messageIds.size());
    Instant sendAt = request.sendAt() != null && request.sendAt().isAfter(now) ? request.sendAt() : now;
    for (var entry : messageIds.entrySet()) {
      PhoneNumber to = PhoneNumber.of(entry.getKey());
      Contact contact = contacts.get(entry.getKey());
      contactIds.add(contact.id());
      SenderPhoneNumber from = Optional.ofNullable(contact.assignedPhoneNumberId()).map(usable::get)
          .orElse(defaultNumber);
      String conversationId = ConversationKeys.of(policy.conversationScope(), from.phoneNumber(), svc.id(), to);
      conversations.add(conversationId);
      Instant when = SendTiming.quietAdjusted(ctx.phones(), policy.quietHours(), svc, contact, sendAt);
      MessageStatus status = when.isAfter(now) ? MessageStatus.SCHEDULED : MessageStatus.QUEUED;
      messages.add(Message.builder()
          .id(entry.getValue())
          .direction(Direction.OUTBOUND)
          .from(from.phoneNumber())
          .to(to)
          .body(request.body())
          .status(status)
          .provider(account.provider())
          .conversationId(conversationId)
          .metadataJson(request.metadataJson())
          .messageType(MessageType.SMS)
          .senderPhoneNumberId(from.id())
          .serviceAccountId(svc.id())
          .segmentCount(text.segments())
          .encoding(text.encoding())
          .createdAt(now)
          .build());
      due.put(entry.getValue(), when);
      history.add(new MessageStatusEvent(Ids.newId(), entry.getValue(), null, null, status, "bulk", now, null, null,
          null));
      int i = firstIndex.get(entry.getKey());
      results[i] = new BulkResult(request.recipients().get(i), entry.getKey(), Outcome.QUEUED, entry.getValue(), null);
    }
    r.conversations().recordOutboundAll(conversations, now);
    r.messages().insertAll(messages);
    r.statusEvents().insertAll(history);
    r.outbox().enqueueAll(due, SendTiming.priority(svc));
    r.contacts().recordContacts(contactIds, now, policy.stickySender() ? defaultNumber.id() : null);
  }

  private static String campaignKey(String campaign, String number) {
    return "campaign:" + campaign + ":" + number;
  }
}
