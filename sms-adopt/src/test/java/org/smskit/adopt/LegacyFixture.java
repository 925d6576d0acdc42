package org.smskit.adopt;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Generates a legacy installation: the eight tables of shared/spec/sms-module-schema.md, declared as the spec
 * declares them (unquoted {@code SMS_*} names, TEXT timestamps, VARCHAR JSON, TEXT ids, the spec's foreign keys and
 * UNIQUE), in a schema of its own, filled deterministically from a seed with every kind of mess those types invite:
 *
 * <ol>
 *   <li>timestamps in ISO-8601 with {@code Z};
 *   <li>ISO with an offset ({@code +02:00}, {@code +0530});
 *   <li>ISO without a zone (read in the configured zone);
 *   <li>basic ISO {@code 20250415T063013Z};
 *   <li>RFC 2822 ({@code Tue, 25 Mar 2025 07:56:42 +0000});
 *   <li>epoch seconds and 7. epoch milliseconds;
 *   <li value="8">{@code now}, {@code today};
 *   <li>{@code ''} and blanks;
 *   <li>{@code infinity} and {@code epoch};
 *   <li>ambiguous day/month {@code 03/04/2023}, and unambiguous {@code 25/03/2023};
 *   <li>impossible dates {@code 2023-02-30 10:00:00}, {@code 2023-13-45};
 *   <li>far future {@code 2099-...} and pre-2000 instants (also in typed created_at: 1970);
 *   <li>garbage {@code N/A};
 *   <li>JSON invalid ({@code {bad}), and with a NUL escape;
 *   <li>JSON scalars and arrays ({@code 42}, {@code "text"}, {@code [1,2]});
 *   <li>JSON duplicate keys;
 *   <li>phones with spaces, dashes and parentheses;
 *   <li>phones with the {@code 00} international prefix;
 *   <li>local-only phones (national format, default region needed);
 *   <li>garbage phones ({@code call me}), and short codes and alphanumeric senders in messages;
 *   <li>uuid ids as text in braces, upper case, without dashes;
 *   <li>id text that is no uuid ({@code n/a});
 *   <li>dangling ids ({@code assigned_phone_number_id} of no number; parents that will not import);
 *   <li>orphan conversation links (no SMS_meta_conversation row), and messages without a conversation;
 *   <li>conversation keys with spaces;
 *   <li>plaintext auth tokens (and one already {@code enc:v1:});
 *   <li>null where smskit is NOT NULL (provider, direction, status, created_at, contact phone, reaction author);
 *   <li>duplicate phones in contacts (one number in two spellings);
 *   <li>mixed-case values ({@code Delivered}, {@code INBOUND}, {@code Twilio}, {@code SMS}, {@code IMAGE/PNG});
 *   <li>statuses of the other direction ({@code delivered} on inbound) and unknown statuses;
 *   <li>in-flight outbound messages ({@code queued}, {@code sending});
 *   <li>bodies over 1600 characters, and outbound messages with neither body nor media;
 *   <li>counters out of range (unread above message_count, sentiment 3.5, negative media_count);
 *   <li>two primary numbers on one account;
 *   <li>attachments without a file url; duplicate reactions.
 * </ol>
 */
final class LegacyFixture {
  static final String[] MESSY_TIMESTAMPS = {
      "2024-03-05T10:15:30Z", "2024-03-05T12:15:30+02:00", "2024-03-05T15:45:30+0530", "2024-03-05 10:15:30",
      "20240305T101530Z", "Tue, 5 Mar 2024 10:15:30 +0000", "1709633730", "1709633730123", "now", "today", "",
      "  ", "infinity", "epoch", "03/04/2024", "25/03/2024", "2023-02-30 10:00:00", "2023-13-45 25:00:00",
      "2099-01-01T00:00:00Z", "1999-12-31T23:00:00Z", "N/A", "2024-03-05T10:15:30.123456Z"};

  private final int messages;
  private final long seed;

  LegacyFixture(int messages, long seed) {
    this.messages = messages;
    this.seed = seed;
  }

  void create(DataSource dataSource, String schema) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        s.execute("SET search_path = " + schema);
        s.execute("""
            CREATE TABLE SMS_sender_accounts (id uuid PRIMARY KEY, account_name varchar, provider varchar,
              account_sid varchar, auth_token varchar, settings varchar, is_active integer, created_at timestamptz);
            CREATE TABLE SMS_sender_phone_numbers (id uuid PRIMARY KEY, phone_number varchar, friendly_name varchar,
              is_primary integer, is_active integer, assigned_to text, account_id uuid REFERENCES SMS_sender_accounts(id),
              created_at timestamptz, updated_at timestamptz);
            CREATE TABLE SMS_service_accounts (id uuid PRIMARY KEY, sender_account_id uuid REFERENCES SMS_sender_accounts(id),
              service_name varchar, service_type varchar, provider_service_sid varchar, settings jsonb,
              is_active boolean NOT NULL DEFAULT true, linked_campaign_id bigint, linked_project_id bigint,
              description text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE SMS_contacts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name varchar, phone varchar,
              country_code text, area_code text, timezone text, crm_id text, last_contacted_at text,
              assigned_phone_number_id text, created_at timestamptz, updated_at timestamptz);
            CREATE TABLE SMS_messages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), direction varchar, from_number varchar,
              to_number varchar, body text, media_count integer, status varchar, provider varchar,
              provider_message_sid varchar, provider_error_code text, provider_payload text, received_at timestamptz,
              sent_at text, delivered_at text, failed_at text, conversation_id varchar, user_id text, metadata varchar,
              message_type text, sender_phone_number_id uuid REFERENCES SMS_sender_phone_numbers(id),
              service_account_id uuid REFERENCES SMS_service_accounts(id), read_at timestamptz, created_at timestamptz,
              updated_at timestamptz);
            CREATE TABLE SMS_attachments (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
              message_id uuid NOT NULL REFERENCES SMS_messages(id) ON DELETE CASCADE, file_url text, file_name varchar,
              file_type varchar, file_size integer, mime_type varchar, provider_media_sid varchar,
              created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE SMS_reactions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
              message_id uuid NOT NULL REFERENCES SMS_messages(id) ON DELETE CASCADE, reaction_type varchar,
              reaction_value varchar, reacted_by text, created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE SMS_meta_conversation (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
              conversation_id varchar NOT NULL UNIQUE, customer_id_crm integer, assigned_staff_id integer,
              status varchar NOT NULL DEFAULT 'active', priority varchar NOT NULL DEFAULT 'medium', tags text[],
              state varchar NOT NULL DEFAULT 'open', conversation_start timestamptz, conversation_end timestamptz,
              last_message_at timestamptz, message_count integer NOT NULL DEFAULT 0, journey_stage varchar,
              emotion varchar, next_action text, summary_text text, reply_quality varchar, key_points text[],
              sentiment_score numeric, ai_model varchar, confidence_score numeric, summary_updated_at timestamptz,
              created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
              unread_count integer NOT NULL DEFAULT 0);
            """);
      }
      fill(c, schema);
      c.commit();
    }
  }

  private Random random;

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private UUID uuid() {
    return new UUID(random.nextLong(), random.nextLong());
  }

  private String ts() {
    // Mostly clean ISO; the rest from the messy list.
    if (chance(0.7)) {
      return java.time.Instant.parse("2023-01-01T00:00:00Z").plusSeconds(random.nextInt(40_000_000)).toString();
    }
    return pick(MESSY_TIMESTAMPS);
  }

  private String typedTs() {
    if (chance(0.02)) {
      return chance(0.5) ? null : "1970-01-01T00:00:00Z";
    }
    return java.time.Instant.parse("2023-01-01T00:00:00Z").plusSeconds(random.nextInt(40_000_000)).toString();
  }

  private String phone(int n) {
    String digits = String.format("%04d", n % 10_000);
    return switch (random.nextInt(12)) {
      case 0 -> "+1 415 555 " + digits;
      case 1 -> "(415) 555-" + digits;
      case 2 -> "415-555-" + digits;
      case 3 -> "001415555" + digits;
      case 4 -> "415555" + digits;
      case 5 -> "0044 20 7946 " + digits.substring(1) + "0".substring(0, 1);
      case 6 -> "call me";
      default -> "+1415555" + digits;
    };
  }

  private void fill(Connection c, String schema) throws SQLException {
    random = new Random(seed);
    // Accounts.
    List<UUID> accounts = new ArrayList<>();
    Rows a = new Rows("id uuid, account_name varchar, provider varchar, account_sid varchar, auth_token varchar,"
        + " settings varchar, is_active integer, created_at timestamptz");
    String[] providers = {"Twilio", "twilio", "Vonage", null, "simulated", "Twilio Inc."};
    String[] settings = {"{\"region\":\"us1\"}", "{bad", "42", "\"text\"", "[1,2]", "{\"a\":1,\"a\":2}", null, "",
        "{\"x\":\"\\u0000\"}"};
    for (int i = 0; i < 6; i++) {
      UUID id = uuid();
      accounts.add(id);
      a.add(id, "account " + i, providers[i], "AC" + i, i == 3 ? null : "plaintext-token-" + i, settings[i], i == 2 ? 7 : i % 2, typedTs());
    }
    a.insert(c, schema + ".SMS_sender_accounts");

    // Our numbers: some unparseable (the number will not import, so messages referencing it dangle).
    List<UUID> numbers = new ArrayList<>();
    Rows p = new Rows("id uuid, phone_number varchar, friendly_name varchar, is_primary integer, is_active integer,"
        + " assigned_to text, account_id uuid, created_at timestamptz, updated_at timestamptz");
    for (int i = 0; i < 40; i++) {
      UUID id = uuid();
      numbers.add(id);
      p.add(id, i == 7 ? "not a number" : phone(1000 + i).replace("call me", "+14155559" + String.format("%03d", i)),
          "line " + i, i < 3 ? 1 : 0, 1, chance(0.5) ? "desk " + i : null, accounts.get(i % 3), typedTs(),
          chance(0.1) ? null : typedTs());
    }
    p.insert(c, schema + ".SMS_sender_phone_numbers");

    List<UUID> services = new ArrayList<>();
    Rows s = new Rows("id uuid, sender_account_id uuid, service_name varchar, service_type varchar,"
        + " provider_service_sid varchar, settings jsonb, is_active boolean, linked_campaign_id bigint,"
        + " linked_project_id bigint, description text, created_at timestamptz, updated_at timestamptz");
    String[] types = {"campaign", "Support", "marketing", "chat", "transactional", null};
    for (int i = 0; i < 6; i++) {
      UUID id = uuid();
      services.add(id);
      s.add(id, accounts.get(i % 6), i == 4 ? null : i == 5 ? " " : "service " + i, types[i], "MG" + i,
          i == 2 ? "7" : "{\"k\":" + i + "}", i != 1, i == 0 ? 12 : null, null, "d", typedTs() == null
              ? "2024-01-01T00:00:00Z" : "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z");
    }
    s.insert(c, schema + ".SMS_service_accounts");

    Rows k = new Rows("id uuid, name varchar, phone varchar, country_code text, area_code text, timezone text,"
        + " crm_id text, last_contacted_at text, assigned_phone_number_id text, created_at timestamptz,"
        + " updated_at timestamptz");
    for (int i = 0; i < 5_000; i++) {
      UUID number = numbers.get(i % numbers.size());
      String assigned = switch (i % 9) {
        case 0 -> "{" + number + "}";
        case 1 -> number.toString().toUpperCase();
        case 2 -> number.toString().replace("-", "");
        case 3 -> "n/a";
        case 4 -> uuid().toString(); // dangling
        case 5 -> null;
        default -> number.toString();
      };
      // i and i + 2500 share a number in two spellings: duplicate phones.
      String phone = i == 17 ? null : phone(i % 2_500);
      k.add(uuid(), "contact " + i, phone, pick(new String[] {"1", "+1", "44", "x", null}),
          pick(new String[] {"415", "(415)", null, "abcdefgh"}), "America/New_York", chance(0.3) ? "crm-" + i : null,
          ts(), assigned, typedTs(), chance(0.2) ? null : typedTs());
    }
    k.insert(c, schema + ".SMS_contacts");

    // Conversations: keys c-0 .. c-7999, some with spaces; messages also name keys c-8000.. that have no rollup.
    Rows m = new Rows("id uuid, conversation_id varchar, customer_id_crm integer, assigned_staff_id integer,"
        + " status varchar, priority varchar, tags text[], state varchar, conversation_start timestamptz,"
        + " conversation_end timestamptz, last_message_at timestamptz, message_count integer,"
        + " journey_stage varchar, emotion varchar, next_action text, summary_text text, reply_quality varchar,"
        + " key_points text[], sentiment_score numeric, ai_model varchar, confidence_score numeric,"
        + " summary_updated_at timestamptz, created_at timestamptz, updated_at timestamptz, unread_count integer");
    int conversations = Math.max(10, messages / 12);
    for (int i = 0; i < conversations; i++) {
      m.add(uuid(), key(i), chance(0.3) ? i : null, chance(0.2) ? i % 7 : null,
          pick(new String[] {"active", "Active", "closed", "archived"}), pick(new String[] {"medium", "HIGH", "p1"}),
          chance(0.5) ? "{vip,\"needs reply\"}" : null, pick(new String[] {"open", "Closed", "pending", "done"}),
          "2023-05-01T00:00:00Z", chance(0.05) ? "2023-04-01T00:00:00Z" : null, chance(0.1) ? null : typedTs(),
          i % 10, null, null, null, chance(0.2) ? "summary " + i : null, null, null,
          pick(new String[] {null, "0.5", "-0.25", "3.5"}), null, pick(new String[] {null, "0.9", "1.5"}), null,
          typedTs() == null ? "2023-05-01T00:00:00Z" : "2023-05-02T00:00:00Z", "2023-05-03T00:00:00Z",
          i % 10 == 3 ? 99 : 0);
    }
    m.insert(c, schema + ".SMS_meta_conversation");

    String[] statuses = {"delivered", "Delivered", "sent", "SENT ", "failed", "received", "read", "queued",
        "sending", "bounced", null, "undelivered"};
    String[] directions = {"inbound", "outbound", "outbound", "INBOUND", "Outbound", null, "sideways"};
    String[] metadata = {null, "{\"campaign\":\"spring\"}", "{bad", "42", "\"x\"", "{\"a\":1,\"a\":2}", "[1]", ""};
    String longBody = "x".repeat(1700);
    List<UUID> messageIds = new ArrayList<>();
    Rows g = new Rows("id uuid, direction varchar, from_number varchar, to_number varchar, body text,"
        + " media_count integer, status varchar, provider varchar, provider_message_sid varchar,"
        + " provider_error_code text, provider_payload text, received_at timestamptz, sent_at text,"
        + " delivered_at text, failed_at text, conversation_id varchar, user_id text, metadata varchar,"
        + " message_type text, sender_phone_number_id uuid, service_account_id uuid, read_at timestamptz,"
        + " created_at timestamptz, updated_at timestamptz");
    for (int i = 0; i < messages; i++) {
      UUID id = uuid();
      messageIds.add(id);
      String direction = pick(directions);
      String body = i % 997 == 0 ? longBody : i % 499 == 0 ? null : i % 211 == 0 ? "" : "hello " + i;
      String convKey = i % 50 == 0 ? null : i % 13 == 0 ? "orphan-" + (i % 700) : key(random.nextInt(conversations));
      String ours = i % 101 == 0 ? "72345" : i % 103 == 0 ? "ACME" : phone(1000 + (i % 40));
      String theirs = phone(i % 2_500);
      boolean in = direction != null && direction.strip().equalsIgnoreCase("inbound");
      g.add(id, direction, in ? theirs : ours, in ? ours : theirs, body, i % 89 == 0 ? (Integer) (-1) : i % 5 == 0 ? null : (Integer) 0,
          pick(statuses), pick(providers), chance(0.8) ? "SM" + i : null, chance(0.05) ? "30003" : null,
          chance(0.1) ? "{\"raw\":true}" : null, in && chance(0.8) ? typedTs() : null, ts(),
          chance(0.5) ? ts() : null, chance(0.1) ? ts() : null, convKey, chance(0.3) ? "u" + (i % 9) : null,
          pick(metadata), pick(new String[] {"sms", "SMS", null, "fax"}), numbers.get(i % numbers.size()),
          chance(0.5) ? services.get(i % services.size()) : null, chance(0.3) ? typedTs() : null, typedTs(),
          chance(0.5) ? typedTs() : null);
      if (g.size() >= 5_000) {
        g.insert(c, schema + ".SMS_messages");
      }
    }
    g.insert(c, schema + ".SMS_messages");

    Rows t = new Rows("id uuid, message_id uuid, file_url text, file_name varchar, file_type varchar,"
        + " file_size integer, mime_type varchar, provider_media_sid varchar, created_at timestamptz");
    Rows r = new Rows("id uuid, message_id uuid, reaction_type varchar, reaction_value varchar, reacted_by text,"
        + " created_at timestamptz");
    int children = Math.max(10, messages / 20);
    for (int i = 0; i < children; i++) {
      UUID message = messageIds.get(random.nextInt(messageIds.size()));
      t.add(uuid(), message, i % 40 == 0 ? null : i % 41 == 0 ? " " : "https://media.example/" + i,
          "f" + i + ".png", "image", i % 37 == 0 ? -5 : 1024, pick(new String[] {"image/png", "IMAGE/PNG", "png", null}),
          "ME" + i, "2024-01-01T00:00:00Z");
      UUID reacted = i % 25 == 0 ? messageIds.get(0) : message;
      r.add(uuid(), reacted, i % 30 == 0 ? null : "emoji", i % 25 == 0 ? "+1" : "heart", i % 33 == 0 ? null
          : i % 25 == 0 ? "same-user" : "user" + i, "2024-01-01T00:00:00Z");
    }
    t.insert(c, schema + ".SMS_attachments");
    r.insert(c, schema + ".SMS_reactions");
  }

  private static String key(int i) {
    return i % 97 == 0 ? "conv " + i : "c-" + i;
  }

  /** Rows of one table, inserted with one unnest statement. */
  static final class Rows {
    private final String[] names;
    private final String[] types;
    private final List<Object[]> rows = new ArrayList<>();

    Rows(String columns) {
      String[] parts = columns.split("\\s*,\\s*");
      names = new String[parts.length];
      types = new String[parts.length];
      for (int i = 0; i < parts.length; i++) {
        String[] p = parts[i].trim().split("\\s+", 2);
        names[i] = p[0];
        types[i] = p[1];
      }
    }

    void add(Object... values) {
      rows.add(values);
    }

    int size() {
      return rows.size();
    }

    void insert(Connection c, String table) throws SQLException {
      if (rows.isEmpty()) {
        return;
      }
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
          .append(String.join(", ", names)).append(") SELECT ");
      StringBuilder arrays = new StringBuilder();
      for (int i = 0; i < names.length; i++) {
        sql.append(i == 0 ? "" : ", ").append("c").append(i).append("::").append(types[i]);
        arrays.append(i == 0 ? "" : ", ").append("?::text[]");
      }
      sql.append(" FROM unnest(").append(arrays).append(") AS u(");
      for (int i = 0; i < names.length; i++) {
        sql.append(i == 0 ? "" : ", ").append("c").append(i);
      }
      sql.append(")");
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < names.length; i++) {
          String[] column = new String[rows.size()];
          for (int r = 0; r < rows.size(); r++) {
            Object v = rows.get(r)[i];
            column[r] = v == null ? null : v.toString();
          }
          s.setArray(i + 1, c.createArrayOf("text", column));
        }
        s.executeUpdate();
      }
      rows.clear();
    }
  }
}
