package org.smskit.jooq.sending;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Ids;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumberDetails;
import org.smskit.core.text.SmsText;
import org.smskit.core.text.TextInfo;
import org.smskit.jooq.inbox.Contacts;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.internal.JsonObjects;
import org.smskit.jooq.internal.ProviderOptionsJson;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.NamedSql;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.BulkResult.Outcome;

/**
 * Queues one text to many recipients in one transaction, set-based: recipients are read and de-duplicated in Java
 * (libphonenumber), {@value #CHUNK} at a time, and each chunk is one statement over arrays that checks opt-outs and
 * the campaign key, upserts contacts (with their sticky sender) and conversation rollups, and inserts messages,
 * their history and their outbox rows. Memory is bounded by the chunk, plus eight bytes per distinct recipient for
 * de-duplication; results are handed on as each chunk is written.
 */
final class Bulk {
  static final int CHUNK = 5_000;

  private static final String SQL = """
      WITH input AS (
        SELECT * FROM unnest(CAST(:ord AS int[]), CAST(:phone AS text[]), CAST(:message_id AS uuid[]),
          CAST(:contact_id AS uuid[]), CAST(:conversation_row_id AS uuid[]), CAST(:event_id AS uuid[]),
          CAST(:country_code AS text[]), CAST(:area_code AS text[]), CAST(:timezone AS text[]),
          CAST(:due AS timestamptz[]))
          AS i(ord, phone, message_id, contact_id, conversation_row_id, event_id, country_code, area_code, timezone,
               due)),
      blocked AS (
        SELECT DISTINCT ON (o.phone) o.phone, o.scope FROM ${schema}.sms_opt_outs o
        WHERE o.tenant_id = :tenant AND o.phone = ANY (CAST(:phone AS text[])) AND o.opted_in_at IS NULL AND %s
        ORDER BY o.phone, o.opted_out_at, o.id),
      free AS (
        SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM blocked b WHERE b.phone = i.phone)),
      claimed AS (
        INSERT INTO ${schema}.sms_message_keys (tenant_id, kind, key, message_id, message_created_at)
        SELECT :tenant, 'idempotency', CAST(:campaign_prefix AS text) || f.phone, f.message_id, :now FROM free f
        WHERE CAST(:campaign_prefix AS text) IS NOT NULL
        ORDER BY f.phone
        ON CONFLICT DO NOTHING
        RETURNING message_id),
      proceed AS (
        SELECT f.* FROM free f
        WHERE CAST(:campaign_prefix AS text) IS NULL OR f.message_id IN (SELECT message_id FROM claimed)),
      assigned AS (
        SELECT c.phone, n.id, n.phone_number FROM ${schema}.sms_contacts c
        JOIN ${schema}.sms_sender_phone_numbers n ON n.tenant_id = :tenant AND n.id = c.assigned_phone_number_id
        WHERE c.tenant_id = :tenant AND c.phone = ANY (CAST(:phone AS text[]))
          AND n.account_id = CAST(:account_id AS uuid) AND n.is_active = 1),
      chosen AS (
        SELECT p.*, coalesce(a.id, CAST(:number_id AS uuid)) AS number_id,
               coalesce(a.phone_number, CAST(:number_phone AS text)) AS from_phone
        FROM proceed p LEFT JOIN assigned a ON a.phone = p.phone),
      keyed AS (
        SELECT c.*, coalesce(CAST(:service_prefix AS text) || c.phone, 'n:' || c.from_phone || ':' || c.phone)
                 AS conversation_id
        FROM chosen c),
      contact AS (
        INSERT INTO ${schema}.sms_contacts AS t (tenant_id, id, phone, country_code, area_code, timezone,
          last_contacted_at, assigned_phone_number_id)
        SELECT :tenant, k.contact_id, k.phone, k.country_code, k.area_code, k.timezone, :now,
               CASE WHEN :sticky THEN k.number_id END
        FROM keyed k ORDER BY k.phone
        ON CONFLICT (tenant_id, phone) DO UPDATE SET
          last_contacted_at = greatest(t.last_contacted_at, excluded.last_contacted_at),
          assigned_phone_number_id = CASE WHEN :sticky THEN excluded.assigned_phone_number_id
                                          ELSE t.assigned_phone_number_id END),
      conversation AS (
        INSERT INTO ${schema}.sms_meta_conversation AS t (tenant_id, id, conversation_id, conversation_start,
          last_message_at, message_count)
        SELECT :tenant, k.conversation_row_id, k.conversation_id, :now, :now, 1
        FROM keyed k ORDER BY k.conversation_id
        ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
          message_count = t.message_count + 1,
          last_message_at = greatest(t.last_message_at, excluded.last_message_at),
          conversation_start = least(coalesce(t.conversation_start, excluded.conversation_start),
            excluded.conversation_start)),
      message AS (
        INSERT INTO ${schema}.sms_messages (tenant_id, id, direction, from_number, to_number, body, media_count,
          status, provider, conversation_id, metadata, message_type, sender_phone_number_id, service_account_id,
          segment_count, encoding, created_at, provider_options)
        SELECT :tenant, k.message_id, 'outbound', k.from_phone, k.phone, :body, 0,
               CASE WHEN k.due > :now THEN 'scheduled' ELSE 'queued' END, :provider, k.conversation_id,
               CAST(:metadata AS jsonb), 'sms', k.number_id, CAST(:service_id AS uuid), :segments, :encoding, :now,
               CAST(:provider_options AS jsonb)
        FROM keyed k),
      history AS (
        INSERT INTO ${schema}.sms_message_status_events (tenant_id, id, message_id, message_created_at, status,
          occurred_at)
        SELECT :tenant, k.event_id, k.message_id, :now, CASE WHEN k.due > :now THEN 'scheduled' ELSE 'queued' END, :now
        FROM keyed k),
      outbox AS (
        INSERT INTO ${schema}.sms_outbox (tenant_id, message_id, message_created_at, priority, due_at)
        SELECT :tenant, k.message_id, :now, :priority, k.due FROM keyed k)
      SELECT i.ord, b.scope FROM input i JOIN blocked b ON b.phone = i.phone
      UNION ALL
      SELECT i.ord, NULL FROM free i WHERE i.message_id NOT IN (SELECT message_id FROM proceed)
      """;

  /** A recipient of the chunk being read: its position in the call, as given, and in E.164. */
  private record Recipient(long ord, @Nullable String input, PhoneNumberDetails details) {
    PhoneNumber number() {
      return details.number();
    }
  }

  /** Where the results of a call go: every one, or only those not queued. */
  interface Results {
    void add(long ord, BulkResult result);

    /** False when queued recipients need no result object (a streamed send counts them). */
    boolean wantsQueued();
  }

  private final SmsContext ctx;
  private final SendPolicy policy;
  private final Map<SchemaConfig, NamedSql> compiled = new ConcurrentHashMap<>();

  Bulk(SmsContext ctx, SendPolicy policy) {
    this.ctx = ctx;
    this.policy = policy;
  }

  /** Queues {@code message} to every recipient, handing each result to {@code results}; returns the counts. */
  BulkSummary send(Tx tx, BulkMessage message, Iterator<String> recipients, Results results) {
    Repositories r = tx.r();
    SmsText.validateOutbound(message.body(), 0);
    JsonObjects.require("metadata", message.metadataJson());
    TextInfo text = SmsText.analyze(message.body());
    ServiceAccount svc = r.serviceAccounts().get(message.serviceAccountId());
    if (!svc.active()) {
      throw new InvalidInputException("service_account_id", "the service is deactivated");
    }
    SenderAccount account = r.senderAccounts().find(svc.senderAccountId()).filter(SenderAccount::active)
        .orElseThrow(() -> new InvalidInputException("sender_account_id", "the sender account is deactivated"));
    // Refuses an account whose provider is not installed, and options that provider refuses.
    Outbound.checkOptions(ctx, ctx.providers().provider(tx.tenant(), account, r), message.providerOptions());
    List<SenderPhoneNumber> active = r.phoneNumbers().listActiveByAccount(account.id());
    if (active.isEmpty()) {
      throw new InvalidInputException("sender_phone_number_id", "the sender account has no active number to send from");
    }
    Chunk chunk = new Chunk(tx, message, svc, account, active.get(0), text, results); // primary first
    SeenNumbers seen = new SeenNumbers();
    long[] counts = new long[Outcome.values().length];
    List<Recipient> pending = new ArrayList<>(CHUNK);
    for (long ord = 0; recipients.hasNext(); ord++) {
      String input = recipients.next();
      BulkResult rejected;
      try {
        // Parsed once: the contact's country, area code and time zone come from the same parse.
        PhoneNumberDetails details = ctx.phones().parseDetails("recipients[" + ord + "]", input, message.region());
        PhoneNumber number = details.number();
        if (seen.add(number)) {
          pending.add(new Recipient(ord, input, details));
          if (pending.size() == CHUNK) {
            chunk.write(pending, counts);
            pending.clear();
          }
          continue;
        }
        rejected = new BulkResult(input, number.value(), Outcome.DUPLICATE, null, "listed more than once");
      } catch (InvalidInputException e) {
        rejected = new BulkResult(input, null, Outcome.INVALID_NUMBER, null, e.rule());
      }
      counts[rejected.outcome().ordinal()]++;
      results.add(ord, rejected);
    }
    if (!pending.isEmpty()) {
      chunk.write(pending, counts);
    }
    long queued = counts[Outcome.QUEUED.ordinal()];
    if (queued > 0) {
      String provider = account.provider();
      tx.onCommit(() -> ctx.metrics().messagesQueued(provider, MessageType.SMS, (int) Math.min(Integer.MAX_VALUE,
          queued)));
    }
    return new BulkSummary(counts[Outcome.QUEUED.ordinal()], counts[Outcome.INVALID_NUMBER.ordinal()],
        counts[Outcome.OPTED_OUT.ordinal()], counts[Outcome.DUPLICATE.ordinal()]);
  }

  /** Writes chunks of one call: what every chunk shares. */
  private final class Chunk {
    private final Tx tx;
    private final BulkMessage message;
    private final ServiceAccount svc;
    private final Results results;
    private final boolean quietHoursApply;
    private final Instant now;
    private final Instant sendAt;
    private final NamedSql sql;
    private final Map<String, Object> shared;

    Chunk(Tx tx, BulkMessage message, ServiceAccount svc, SenderAccount account, SenderPhoneNumber number,
        TextInfo text, Results results) {
      this.tx = tx;
      this.message = message;
      this.svc = svc;
      this.results = results;
      this.now = ctx.now();
      this.sendAt = message.sendAt() != null && message.sendAt().isAfter(now) ? message.sendAt() : now;
      // Quiet hours move a promotional message by the contact's time zone, which a stored contact may override.
      this.quietHoursApply = policy.quietHours() != null && SendTiming.promotional(svc);
      this.sql = compiled.computeIfAbsent(ctx.schema(), schema ->
          NamedSql.compile(SQL.formatted(policy.optOuts().sqlCondition()), schema));
      Map<String, Object> p = new HashMap<>(policy.optOuts().sqlParameters(svc));
      p.put("campaign_prefix", message.campaignKey() == null ? null : "campaign:" + message.campaignKey() + ":");
      p.put("account_id", account.id());
      p.put("number_id", number.id());
      p.put("number_phone", number.phoneNumber().value());
      p.put("service_prefix", policy.conversationScope() == ConversationScope.PER_SERVICE ? "s:" + svc.id() + ":"
          : null);
      p.put("now", now);
      p.put("sticky", policy.stickySender());
      p.put("body", message.body());
      p.put("provider", account.provider());
      p.put("metadata", message.metadataJson());
      p.put("provider_options", ProviderOptionsJson.write(message.providerOptions()));
      p.put("segments", text.segments());
      p.put("encoding", text.encoding().dbValue());
      p.put("priority", SendTiming.priority(svc));
      this.shared = p; // read only from here on
    }

    void write(List<Recipient> recipients, long[] counts) {
      int n = recipients.size();
      Integer[] ord = new Integer[n];
      String[] phone = new String[n];
      UUID[] messageId = new UUID[n];
      UUID[] contactId = new UUID[n];
      UUID[] conversationRowId = new UUID[n];
      UUID[] eventId = new UUID[n];
      String[] countryCode = new String[n];
      String[] areaCode = new String[n];
      String[] timezone = new String[n];
      Instant[] due = new Instant[n];
      Map<String, Contact> stored = quietHoursApply
          ? tx.r().contacts().findByPhones(recipients.stream().map(Recipient::number).toList()) : Map.of();
      for (int i = 0; i < n; i++) {
        Recipient recipient = recipients.get(i);
        Contact described = Contacts.describe(null, recipient.details());
        ord[i] = i;
        phone[i] = recipient.number().value();
        messageId[i] = Ids.newId();
        contactId[i] = Ids.newId();
        conversationRowId[i] = Ids.newId();
        eventId[i] = Ids.newId();
        countryCode[i] = described.countryCode();
        areaCode[i] = described.areaCode();
        timezone[i] = described.timezone();
        due[i] = quietHoursApply ? SendTiming.quietAdjusted(ctx.phones(), policy.quietHours(), svc,
            stored.getOrDefault(phone[i], described), sendAt) : sendAt;
      }
      Map<String, Object> p = new HashMap<>(shared);
      p.put("ord", ord);
      p.put("phone", phone);
      p.put("message_id", messageId);
      p.put("contact_id", contactId);
      p.put("conversation_row_id", conversationRowId);
      p.put("event_id", eventId);
      p.put("country_code", countryCode);
      p.put("area_code", areaCode);
      p.put("timezone", timezone);
      p.put("due", due);
      // The statement returns only the recipients it did not queue: opted out (with the scope) or duplicates.
      String[] refused = new String[n];
      boolean[] notQueued = new boolean[n];
      tx.r().query(sql, p, row -> {
        int i = row.get("ord", Integer.class);
        notQueued[i] = true;
        refused[i] = row.get("scope", String.class);
        return null;
      });
      for (int i = 0; i < n; i++) {
        Recipient recipient = recipients.get(i);
        BulkResult result;
        if (!notQueued[i]) {
          if (!results.wantsQueued()) {
            counts[Outcome.QUEUED.ordinal()]++;
            continue;
          }
          result = new BulkResult(recipient.input(), phone[i], Outcome.QUEUED, messageId[i], null);
        } else if (refused[i] != null) {
          result = new BulkResult(recipient.input(), phone[i], Outcome.OPTED_OUT, null,
              "opted out (" + refused[i] + " scope)");
        } else {
          result = new BulkResult(recipient.input(), phone[i], Outcome.DUPLICATE, null,
              "already sent to in campaign " + message.campaignKey());
        }
        counts[result.outcome().ordinal()]++;
        results.add(recipient.ord(), result);
      }
    }
  }

  /**
   * The numbers already read in one call, as the digits of their E.164 form (at most 15, so a long holds them
   * exactly): an open-addressing set of primitives, eight bytes per number instead of a string each.
   */
  static final class SeenNumbers {
    private long[] slots = new long[1 << 12];
    private int size;

    /** Adds the number; false when it was there already. */
    boolean add(PhoneNumber number) {
      long digits = Long.parseLong(number.value().substring(1)); // E.164: '+' and 15 digits at most, never 0
      if (size * 2 >= slots.length) {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.stream(old).filter(d -> d != 0).forEach(d -> insert(slots, d));
      }
      if (insert(slots, digits)) {
        size++;
        return true;
      }
      return false;
    }

    private static boolean insert(long[] table, long digits) {
      int mask = table.length - 1;
      for (int i = Long.hashCode(digits * 0x9E3779B97F4A7C15L) & mask; ; i = (i + 1) & mask) {
        if (table[i] == digits) {
          return false;
        }
        if (table[i] == 0) {
          table[i] = digits;
          return true;
        }
      }
    }
  }
}
