package org.smskit.jooq.webhooks;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Contact;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.text.SmsText;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationKeys;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.NamedSql;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;

/**
 * Stores an ordinary inbound text message in one round trip, once its webhook is verified: one statement, atomic on
 * its own, claims the provider's id (a redelivery stores nothing), upserts the contact and the conversation rollup
 * (unread count, reopening a closed conversation) and inserts the message and its history. Messages with media, a
 * keyword (STOP, START, HELP), a provider-side service or parts delivered in pieces take {@link InboundMessages}'
 * path inside a transaction.
 */
final class QuickInbound {
  private static final String SQL = """
      WITH dedupe AS (
        INSERT INTO ${schema}.sms_message_keys (tenant_id, kind, key, message_id, message_created_at)
        VALUES (:tenant, 'inbound', :dedupe_key, :message_id, :now)
        ON CONFLICT DO NOTHING
        RETURNING message_id),
      contact AS (
        INSERT INTO ${schema}.sms_contacts (tenant_id, id, phone, country_code, area_code, timezone,
          last_contacted_at)
        SELECT :tenant, :contact_id, :from_phone, :country_code, :area_code, :timezone, :now
        FROM dedupe WHERE CAST(:from_phone AS text) IS NOT NULL
        ON CONFLICT (tenant_id, phone) DO UPDATE SET
          last_contacted_at = greatest(${schema}.sms_contacts.last_contacted_at, excluded.last_contacted_at)
        RETURNING id),
      before AS (
        SELECT c.state FROM ${schema}.sms_meta_conversation c
        WHERE c.tenant_id = :tenant AND c.conversation_id = :conversation_id),
      conversation AS (
        INSERT INTO ${schema}.sms_meta_conversation (tenant_id, id, conversation_id, conversation_start,
          last_message_at, message_count, unread_count)
        SELECT :tenant, :conversation_row_id, :conversation_id, :now, :now, 1, 1 FROM dedupe
        ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
          message_count = ${schema}.sms_meta_conversation.message_count + 1,
          unread_count = ${schema}.sms_meta_conversation.unread_count + 1,
          last_message_at = greatest(${schema}.sms_meta_conversation.last_message_at, excluded.last_message_at),
          conversation_start = least(coalesce(${schema}.sms_meta_conversation.conversation_start,
            excluded.conversation_start), excluded.conversation_start),
          conversation_end = CASE WHEN ${schema}.sms_meta_conversation.state = 'closed' THEN NULL
            ELSE ${schema}.sms_meta_conversation.conversation_end END,
          state = CASE WHEN ${schema}.sms_meta_conversation.state = 'closed' THEN 'open'
            ELSE ${schema}.sms_meta_conversation.state END
        RETURNING conversation_id),
      message AS (
        INSERT INTO ${schema}.sms_messages (tenant_id, id, direction, from_number, to_number, body, media_count,
          status, provider, provider_message_sid, provider_payload, received_at, conversation_id, message_type,
          sender_phone_number_id, service_account_id, created_at)
        SELECT :tenant, :message_id, 'inbound', :from_number, :to_number, :body, 0, 'received', :provider,
               :provider_message_sid, :payload, :received_at, (SELECT conversation_id FROM conversation), 'sms',
               CAST(:our_number_id AS uuid), CAST(:service_id AS uuid), :now
        FROM dedupe
        RETURNING id),
      history AS (
        INSERT INTO ${schema}.sms_message_status_events (tenant_id, id, message_id, message_created_at, provider,
          provider_message_sid, status, provider_status, occurred_at)
        SELECT :tenant, :event_id, id, :now, :provider, :provider_message_sid, 'received', 'received', :received_at
        FROM message)
      SELECT (SELECT id FROM message) AS stored, (SELECT state FROM before) AS state_before
      """;

  private final SmsContext ctx;
  private final ConversationScope conversationScope;
  private final Map<SchemaConfig, NamedSql> compiled = new ConcurrentHashMap<>();

  QuickInbound(SmsContext ctx, ConversationScope conversationScope) {
    this.ctx = ctx;
    this.conversationScope = conversationScope;
  }

  /** True when the event is an ordinary text message this path stores. */
  static boolean applies(InboundMessageEvent event) {
    return event.media().isEmpty() && event.messagingServiceSid() == null && event.optOut().isEmpty()
        && Keywords.of(event.body()).isEmpty();
  }

  /**
   * The outcome of storing one inbound message; the events to publish after it was stored, and whether it joined
   * the host's transaction (which commits them later).
   */
  record Stored(WebhookOutcome outcome, List<SmsEvent> events, boolean joined) {}

  Stored store(TenantId tenant, SenderAccount account, InboundMessageEvent event) {
    Instant now = ctx.now();
    UUID messageId = Ids.newId();
    Optional<SenderPhoneNumber> ourNumber = event.to() instanceof PhoneNumber to
        ? ctx.senders().numberByPhone(tenant, to) : Optional.empty();
    List<ServiceAccount> services = ctx.senders().activeServices(tenant, account.id());
    ServiceAccount svc = services.size() == 1 ? services.get(0) : null;
    String conversationId = ConversationKeys.of(conversationScope, event.to(), svc == null ? null : svc.id(),
        event.from());
    String body = SmsText.sanitizeInbound(event.body());
    Contact described = event.from() instanceof PhoneNumber from ? Contacts.describe(ctx.phones(), null, from) : null;

    Map<String, Object> p = new HashMap<>();
    p.put("tenant", tenant.value());
    p.put("dedupe_key", event.provider() + ":" + event.providerMessageId());
    p.put("message_id", messageId);
    p.put("contact_id", Ids.newId());
    p.put("from_phone", described == null ? null : described.phone().value());
    p.put("country_code", described == null ? null : described.countryCode());
    p.put("area_code", described == null ? null : described.areaCode());
    p.put("timezone", described == null ? null : described.timezone());
    p.put("now", now);
    p.put("conversation_row_id", Ids.newId());
    p.put("conversation_id", conversationId);
    p.put("from_number", event.from().value());
    p.put("to_number", event.to().value());
    p.put("body", body);
    p.put("provider", event.provider());
    p.put("provider_message_sid", event.providerMessageId());
    p.put("payload", event.rawPayload());
    p.put("received_at", event.receivedAt());
    p.put("our_number_id", ourNumber.map(SenderPhoneNumber::id).orElse(null));
    p.put("service_id", svc == null ? null : svc.id());
    p.put("event_id", Ids.newId());

    NamedSql sql = compiled.computeIfAbsent(ctx.schema(), schema -> NamedSql.compile(SQL, schema));
    var unit = ctx.db().queryOneUnit(tenant, sql, p, QuickInbound::row);
    Row row = unit.value();
    if (row.stored() == null) {
      UUID first = ctx.read(tenant, r -> r.messageKeys().find(MessageKeyRepository.Kind.INBOUND,
          event.provider() + ":" + event.providerMessageId())).orElse(null);
      return new Stored(new WebhookOutcome(event, Result.DUPLICATE, first), List.of(), unit.joined());
    }
    // This path takes text messages only (no media), so the row is the other path's for the same event.
    Message message = InboundMessages.received(messageId, event, body, conversationId, ourNumber.orElse(null), svc,
        now);
    List<SmsEvent> events = new java.util.ArrayList<>();
    if (ConversationState.CLOSED.dbValue().equals(row.stateBefore())) {
      ctx.read(tenant, r -> r.conversations().findByConversationId(conversationId))
          .ifPresent(c -> events.add(new SmsEvent.ConversationReopened(tenant, c)));
    }
    events.add(new SmsEvent.InboundMessageReceived(tenant, message, List.of()));
    return new Stored(new WebhookOutcome(event, Result.STORED, messageId), events, unit.joined());
  }

  private record Row(@Nullable UUID stored, @Nullable String stateBefore) {}

  private static Row row(NamedSql.Row row) {
    return new Row(row.get("stored", UUID.class), row.get("state_before", String.class));
  }
}
