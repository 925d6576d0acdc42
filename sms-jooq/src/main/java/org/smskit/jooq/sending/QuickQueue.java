package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumberDetails;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.SmsText;
import org.smskit.core.text.TextInfo;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.NamedSql;
import org.smskit.jooq.repository.SmsDatabase.Unit;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * Queues a text message in one round trip: the sender comes from the {@link
 * org.smskit.jooq.internal.SenderDirectory} (no read), and one statement, atomic on its own (autocommit), checks the
 * recipient's opt-outs and the idempotency key, upserts the contact (with its sticky sender) and the conversation
 * rollup, and inserts the message, its history and its outbox row, writing nothing when an opt-out applies. Messages
 * with media or provider options, or that quiet hours may move, take {@link Outbound}'s path, which reads the
 * contact first and checks the options with the account's provider.
 */
final class QuickQueue {
  private static final String SQL = """
      WITH blocked AS (
        SELECT o.id FROM ${schema}.sms_opt_outs o
        WHERE o.tenant_id = :tenant AND o.phone = :to AND o.opted_in_at IS NULL AND %s
        ORDER BY o.opted_out_at, o.id
        LIMIT 1),
      go AS (SELECT 1 AS go WHERE NOT EXISTS (SELECT 1 FROM blocked)),
      idempotency AS (
        INSERT INTO ${schema}.sms_message_keys (tenant_id, kind, key, message_id, message_created_at)
        SELECT :tenant, 'idempotency', :idempotency_key, :message_id, :now FROM go
        WHERE CAST(:idempotency_key AS text) IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING message_id),
      proceed AS (
        SELECT 1 AS go FROM go
        WHERE CAST(:idempotency_key AS text) IS NULL OR EXISTS (SELECT 1 FROM idempotency)),
      existing AS (
        SELECT c.assigned_phone_number_id FROM ${schema}.sms_contacts c
        WHERE c.tenant_id = :tenant AND c.phone = :to),
      assigned AS (
        SELECT n.id, n.phone_number FROM existing e
        JOIN ${schema}.sms_sender_phone_numbers n ON n.tenant_id = :tenant AND n.id = e.assigned_phone_number_id
        WHERE n.account_id = CAST(:account_id AS uuid) AND n.is_active = 1),
      chosen AS (
        SELECT CASE WHEN :named_number THEN CAST(:number_id AS uuid)
                    ELSE coalesce((SELECT id FROM assigned), CAST(:number_id AS uuid)) END AS id,
               CASE WHEN :named_number THEN CAST(:number_phone AS text)
                    ELSE coalesce((SELECT phone_number FROM assigned), CAST(:number_phone AS text)) END AS phone),
      contact AS (
        INSERT INTO ${schema}.sms_contacts (tenant_id, id, phone, country_code, area_code, timezone,
          last_contacted_at, assigned_phone_number_id)
        SELECT :tenant, :contact_id, :to, :country_code, :area_code, :timezone, :now,
               CASE WHEN :sticky THEN (SELECT id FROM chosen) END
        FROM proceed
        ON CONFLICT (tenant_id, phone) DO UPDATE SET
          last_contacted_at = greatest(${schema}.sms_contacts.last_contacted_at, excluded.last_contacted_at),
          assigned_phone_number_id = CASE
            WHEN :sticky AND NOT EXISTS (SELECT 1 FROM assigned)
              AND ${schema}.sms_contacts.assigned_phone_number_id IS DISTINCT FROM (SELECT id FROM chosen)
            THEN (SELECT id FROM chosen)
            ELSE ${schema}.sms_contacts.assigned_phone_number_id END
        RETURNING id),
      conversation AS (
        INSERT INTO ${schema}.sms_meta_conversation (tenant_id, id, conversation_id, conversation_start,
          last_message_at, message_count)
        SELECT :tenant, :conversation_row_id,
               coalesce(CAST(:conversation_id AS text), 'n:' || (SELECT phone FROM chosen) || ':' || :to),
               :now, :now, 1
        FROM proceed
        ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
          message_count = ${schema}.sms_meta_conversation.message_count + 1,
          last_message_at = greatest(${schema}.sms_meta_conversation.last_message_at, excluded.last_message_at),
          conversation_start = least(coalesce(${schema}.sms_meta_conversation.conversation_start,
            excluded.conversation_start), excluded.conversation_start)
        RETURNING conversation_id),
      message AS (
        INSERT INTO ${schema}.sms_messages (tenant_id, id, direction, from_number, to_number, body, media_count,
          status, provider, conversation_id, user_id, metadata, message_type, sender_phone_number_id,
          service_account_id, segment_count, encoding, created_at)
        SELECT :tenant, :message_id, 'outbound', (SELECT phone FROM chosen), :to, :body, 0, :status, :provider,
               (SELECT conversation_id FROM conversation), :user_id, CAST(:metadata AS jsonb), 'sms',
               (SELECT id FROM chosen), CAST(:service_id AS uuid), :segments, :encoding, :now
        FROM proceed
        RETURNING id),
      history AS (
        INSERT INTO ${schema}.sms_message_status_events (tenant_id, id, message_id, message_created_at, status,
          occurred_at)
        SELECT :tenant, :event_id, id, :now, :status, :now FROM message),
      outbox AS (
        INSERT INTO ${schema}.sms_outbox (tenant_id, message_id, message_created_at, priority, due_at)
        SELECT :tenant, id, :now, :priority, :due FROM message)
      SELECT (SELECT id FROM blocked) AS blocked, (SELECT id FROM message) AS message,
             (SELECT id FROM contact) AS contact
      """;

  private final SmsContext ctx;
  private final SendPolicy policy;
  private final Map<SchemaConfig, NamedSql> compiled = new ConcurrentHashMap<>();

  QuickQueue(SmsContext ctx, SendPolicy policy) {
    this.ctx = ctx;
    this.policy = policy;
  }

  /**
   * True when {@code request} can take this path: a text message without provider options (their provider checks
   * them, which needs the account's provider, not only its directory entry) that quiet hours cannot move.
   */
  boolean applies(TenantId tenant, SendRequest request) {
    if (!request.media().isEmpty() || !request.providerOptions().isEmpty()) {
      return false;
    }
    if (policy.quietHours() == null || request.serviceAccountId() == null) {
      return true;
    }
    // Quiet hours need the contact's time zone, read first on the other path; an unknown service is refused there.
    return ctx.senders().service(tenant, request.serviceAccountId()).filter(s -> !SendTiming.promotional(s)).isPresent();
  }

  /** The sender of a request: its number, account, and service if any, or the refusal the slow path gives. */
  private record Sender(SenderPhoneNumber number, SenderAccount account, @Nullable ServiceAccount service,
      boolean named) {}

  /** The receipt, and whether the statement joined the host's transaction. */
  Unit<SendReceipt> queue(TenantId tenant, SendRequest request) {
    PhoneNumberDetails toDetails = ctx.phones().parseDetails("to_number", request.to(), request.region());
    PhoneNumber to = toDetails.number();
    SmsText.validateOutbound(request.body(), 0);
    Sender sender = sender(tenant, request);
    Instant now = ctx.now();
    Instant due = request.sendAt() != null && request.sendAt().isAfter(now) ? request.sendAt() : now;
    MessageStatus status = due.isAfter(now) ? MessageStatus.SCHEDULED : MessageStatus.QUEUED;
    TextInfo text = request.body() == null || request.body().isEmpty() ? null : SmsText.analyze(request.body());
    Contact described = Contacts.describe(null, toDetails); // from the one parse
    UUID messageId = Ids.newId();

    Map<String, Object> p = new HashMap<>(policy.optOuts().sqlParameters(sender.service()));
    p.put("tenant", tenant.value());
    p.put("to", to.value());
    p.put("idempotency_key", request.idempotencyKey());
    p.put("message_id", messageId);
    p.put("account_id", sender.account().id());
    p.put("named_number", sender.named());
    p.put("number_id", sender.number().id());
    p.put("number_phone", sender.number().phoneNumber().value());
    p.put("contact_id", Ids.newId());
    p.put("country_code", described.countryCode());
    p.put("area_code", described.areaCode());
    p.put("timezone", described.timezone());
    p.put("now", now);
    p.put("sticky", policy.stickySender());
    p.put("conversation_row_id", Ids.newId());
    p.put("conversation_id", policy.conversationScope() == ConversationScope.PER_SERVICE && sender.service() != null
        ? ConversationKeys.of(ConversationScope.PER_SERVICE, sender.number().phoneNumber(), sender.service().id(), to)
        : null);
    p.put("body", request.body());
    p.put("status", status.dbValue());
    p.put("provider", sender.account().provider());
    p.put("user_id", request.userId());
    p.put("metadata", request.metadataJson());
    p.put("segments", text == null ? null : text.segments());
    p.put("encoding", text == null ? null : text.encoding().dbValue());
    p.put("event_id", Ids.newId());
    p.put("priority", SendTiming.priority(sender.service()));
    p.put("due", due);

    NamedSql sql = compiled.computeIfAbsent(ctx.schema(), schema ->
        NamedSql.compile(SQL.formatted(policy.optOuts().sqlCondition()), schema));
    Unit<Result> unit = ctx.db().queryOneUnit(tenant, sql, p, QuickQueue::result);
    Result result = unit.value();
    if (result.message() != null) {
      // Text only (the quick path takes no media); counted once the statement's transaction committed.
      String provider = sender.account().provider();
      ctx.afterCommit(unit.joined(), () -> ctx.metrics().messagesQueued(provider, MessageType.SMS, 1));
      return new Unit<>(new SendReceipt(messageId, status, false, null), unit.joined());
    }
    // Nothing was written: a duplicate idempotency key, or an opt-out (read again, rarely, to say which).
    if (request.idempotencyKey() != null) {
      Optional<Message> first = ctx.read(tenant, r -> r.messageKeys()
          .find(MessageKeyRepository.Kind.IDEMPOTENCY, request.idempotencyKey()).flatMap(r.messages()::find));
      if (first.isPresent()) {
        return new Unit<>(new SendReceipt(first.get().id(), first.get().status(), true,
            first.get().providerErrorCode()), unit.joined());
      }
    }
    if (result.blocked() != null) {
      OptOut optOut = ctx.read(tenant, r -> r.optOuts().get(result.blocked()));
      throw new RecipientOptedOutException(optOut);
    }
    throw new IllegalStateException("the message " + messageId + " was neither queued nor refused");
  }

  private record Result(@Nullable UUID blocked, @Nullable UUID message) {}

  private static Result result(NamedSql.Row row) {
    return new Result(row.get("blocked", UUID.class), row.get("message", UUID.class));
  }

  /** As {@link Outbound}: a named number, or the service's or account's number (the contact's, in SQL). */
  private Sender sender(TenantId tenant, SendRequest request) {
    var directory = ctx.senders();
    if (request.senderNumberId() != null) {
      SenderPhoneNumber number = directory.number(tenant, request.senderNumberId())
          .orElseThrow(() -> new NotFoundException("sender phone number", request.senderNumberId()));
      if (!number.active()) {
        throw new InvalidInputException("sender_phone_number_id", "the number is deactivated");
      }
      return new Sender(number, activeAccount(tenant, number.accountId()), null, true);
    }
    ServiceAccount service = null;
    UUID accountId = request.senderAccountId();
    if (request.serviceAccountId() != null) {
      service = directory.service(tenant, request.serviceAccountId())
          .orElseThrow(() -> new NotFoundException("service account", request.serviceAccountId()));
      if (!service.active()) {
        throw new InvalidInputException("service_account_id", "the service is deactivated");
      }
      accountId = service.senderAccountId();
    }
    SenderAccount account = activeAccount(tenant, accountId);
    List<SenderPhoneNumber> numbers = directory.activeNumbers(tenant, account.id());
    if (numbers.isEmpty()) {
      throw new InvalidInputException("sender_phone_number_id",
          "the sender account has no active number to send from");
    }
    return new Sender(numbers.get(0), account, service, false);
  }

  private SenderAccount activeAccount(TenantId tenant, UUID accountId) {
    SenderAccount account = ctx.senders().account(tenant, accountId)
        .orElseThrow(() -> new NotFoundException("sender account", accountId));
    if (!account.active()) {
      throw new InvalidInputException("sender_account_id", "the sender account is deactivated");
    }
    if (!ctx.providers().installed(account.provider())) {
      throw new InvalidInputException("provider", "no provider named '" + account.provider() + "' is installed");
    }
    return account;
  }

}
