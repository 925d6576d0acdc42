package org.smskit.adopt;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.jooq.internal.Credentials;

/**
 * The eight legacy tables, in the order they are adopted (parents first). Each names its legacy columns as the
 * spec declares them and converts a row; the choices for values that do not fit are in the README ("Conversions").
 */
final class Tables {
  private Tables() {}

  static List<TableAdopter> all() {
    return List.of(new SenderAccounts(), new PhoneNumbers(), new ServiceAccounts(), new Contacts(),
        new Conversations(), new Messages(), new Attachments(), new Reactions());
  }

  private static final Pattern ENCRYPTED = Pattern.compile("enc:v1:[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9+/]+={0,2}");
  private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9_-]{0,49}");
  private static final Pattern CONVERSATION_KEY = Pattern.compile("[A-Za-z0-9_.:+@=-]{1,200}");
  private static final Pattern MIME = Pattern.compile(
      "[a-z0-9][a-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

  static UUID id(TableAdopter t, LegacyRow row) {
    return LegacyIds.target(t.legacyTable, row.id());
  }

  /** A reference column: a uuid of an existing parent, else null with the original kept. */
  static @Nullable UUID reference(TableAdopter t, LegacyRow row, String column, Residue residue, Set<UUID> present) {
    String raw = row.get(column);
    UUID id = residue.keep(t.legacyTable, row.id(), column, raw, LegacyIds.uuid(raw));
    if (id != null && !present.contains(id)) {
      residue.add(t.legacyTable, row.id(), column, raw, "dangling reference");
      return null;
    }
    return id;
  }

  static Set<UUID> referenced(TableAdopter t, List<LegacyRow> rows, String column) {
    Set<UUID> ids = new HashSet<>();
    for (LegacyRow row : rows) {
      UUID id = LegacyIds.uuid(row.get(column)).value();
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** Provider names are lower-case SPI names in smskit ({@code Twilio} becomes {@code twilio}). */
  static @Nullable String provider(TableAdopter t, LegacyRow row, Residue residue) {
    String raw = row.get("provider");
    if (raw == null) {
      return null;
    }
    String value = raw.strip().toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    if (!PROVIDER.matcher(value).matches()) {
      residue.add(t.legacyTable, row.id(), "provider", raw, "not a provider name");
      return null;
    }
    if (!value.equals(raw)) {
      residue.add(t.legacyTable, row.id(), "provider", raw, Converted.NORMALISED);
    }
    return value;
  }

  /** 0/1 flags; anything else is kept and the default used. */
  static int flag(TableAdopter t, LegacyRow row, String column, Residue residue, int fallback) {
    String raw = row.get(column);
    if (raw == null) {
      return fallback;
    }
    switch (raw.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "0", "false", "f" -> {
        if (!raw.equals("0")) {
          residue.add(t.legacyTable, row.id(), column, raw, Converted.NORMALISED);
        }
        return 0;
      }
      case "1", "true", "t" -> {
        if (!raw.equals("1")) {
          residue.add(t.legacyTable, row.id(), column, raw, Converted.NORMALISED);
        }
        return 1;
      }
      default -> {
        residue.add(t.legacyTable, row.id(), column, raw, "not a flag, defaulted");
        return fallback;
      }
    }
  }

  static @Nullable String json(TableAdopter t, LegacyRow row, String column, Residue residue) {
    return residue.keep(t.legacyTable, row.id(), column, row.get(column), LegacyJson.object(row.get(column)));
  }

  // 1 ------------------------------------------------------------------------------------------------------------
  static final class SenderAccounts extends TableAdopter {
    SenderAccounts() {
      super("sms_sender_accounts", "sms_sender_accounts",
          List.of("account_name", "provider", "account_sid", "auth_token", "settings", "is_active", "created_at"),
          "id uuid, account_name varchar, provider varchar, account_sid varchar, auth_token varchar,"
              + " settings jsonb, is_active integer, created_at timestamptz, updated_at timestamptz");
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      UUID id = id(this, row);
      String provider = provider(this, row, residue);
      if (provider == null) {
        // NOT NULL in smskit; "legacy" names no SPI, so the account is visibly unusable until fixed.
        provider = "legacy";
        if (row.get("provider") == null) {
          residue.add(legacyTable, row.id(), "provider", null, "missing, filled with legacy");
        }
      }
      String token = row.get("auth_token");
      String stored = null;
      if (token != null) {
        if (ENCRYPTED.matcher(token).matches()) {
          stored = token; // already smskit's format: kept as is (a rerun of a half-adopted legacy table)
        } else if (c.cipher != null) {
          // The plaintext is never kept in residue: it lands encrypted, which is the conversion asked for.
          stored = c.cipher.encrypt(token, Credentials.tokenContext(c.tenant, id)).format();
          c.count("tokens encrypted", 1);
        } else {
          c.count("tokens to encrypt", 1);
          stored = token;
        }
      }
      String settings = json(this, row, "settings", residue);
      Instant created = requiredTimestamp(c, row, "created_at", residue);
      return new Object[] {id, row.get("account_name"), provider, row.get("account_sid"), stored,
          settings == null ? "{}" : settings, flag(this, row, "is_active", residue, 1), created, created};
    }
  }

  // 2 ------------------------------------------------------------------------------------------------------------
  static final class PhoneNumbers extends TableAdopter {
    private Set<UUID> accounts = Set.of();
    private final Set<UUID> withPrimary = new HashSet<>();

    PhoneNumbers() {
      super("sms_sender_phone_numbers", "sms_sender_phone_numbers",
          List.of("phone_number", "friendly_name", "is_primary", "is_active", "assigned_to", "account_id",
              "created_at", "updated_at"),
          "id uuid, phone_number varchar, friendly_name varchar, is_primary integer, is_active integer,"
              + " assigned_to text, account_id uuid, created_at timestamptz, updated_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      Set<UUID> referenced = referenced(this, rows, "account_id");
      accounts = c.lookups.present("sms_sender_accounts", referenced);
      withPrimary.addAll(c.lookups.primaryNumberAccounts(referenced));
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      String phone = residue.keep(legacyTable, row.id(), "phone_number", row.get("phone_number"),
          c.phones.e164(row.get("phone_number")));
      UUID account = reference(this, row, "account_id", residue, accounts);
      if (phone == null) {
        return notImportable("no E.164 phone number");
      }
      if (account == null) {
        return notImportable("no sender account");
      }
      int primary = flag(this, row, "is_primary", residue, 0);
      if (primary == 1 && !withPrimary.add(account)) {
        // smskit allows one primary number per account; the first adopted stays primary.
        residue.add(legacyTable, row.id(), "is_primary", row.get("is_primary"), "second primary of its account");
        primary = 0;
      }
      Instant created = requiredTimestamp(c, row, "created_at", residue);
      Instant updated = requiredTimestamp(c, row, "updated_at", residue, created);
      return new Object[] {id(this, row), phone, row.get("friendly_name"), primary,
          flag(this, row, "is_active", residue, 1), row.get("assigned_to"), account, created, updated};
    }
  }

  // 3 ------------------------------------------------------------------------------------------------------------
  static final class ServiceAccounts extends TableAdopter {
    private static final Set<String> TYPES = Set.of("campaign", "conversation", "support", "marketing",
        "transactional");
    private Set<UUID> accounts = Set.of();

    ServiceAccounts() {
      super("sms_service_accounts", "sms_service_accounts",
          List.of("sender_account_id", "service_name", "service_type", "provider_service_sid", "settings",
              "is_active", "linked_campaign_id", "linked_project_id", "description", "created_at", "updated_at"),
          "id uuid, sender_account_id uuid, service_name varchar, service_type varchar, provider_service_sid varchar,"
              + " settings jsonb, is_active boolean, linked_campaign_id bigint, linked_project_id bigint,"
              + " description text, created_at timestamptz, updated_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      accounts = c.lookups.present("sms_sender_accounts", referenced(this, rows, "sender_account_id"));
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      UUID account = reference(this, row, "sender_account_id", residue, accounts);
      if (account == null) {
        return notImportable("no sender account");
      }
      String name = nonBlank(row, "service_name", residue);
      if (name == null) {
        name = "legacy service " + row.id();
        if (row.get("service_name") == null) {
          residue.add(legacyTable, row.id(), "service_name", null, "missing, filled");
        }
      }
      String type = oneOf(row, "service_type", residue, TYPES, "conversation");
      String settings = json(this, row, "settings", residue);
      Instant created = requiredTimestamp(c, row, "created_at", residue);
      Instant updated = requiredTimestamp(c, row, "updated_at", residue, created);
      return new Object[] {id(this, row), account, name, type, row.get("provider_service_sid"),
          settings == null ? "{}" : settings, flag(this, row, "is_active", residue, 1) == 1,
          row.get("linked_campaign_id"), row.get("linked_project_id"), row.get("description"), created, updated};
    }
  }

  // 4 ------------------------------------------------------------------------------------------------------------
  static final class Contacts extends TableAdopter {
    private Set<UUID> numbers = Set.of();

    Contacts() {
      super("sms_contacts", "sms_contacts",
          List.of("name", "phone", "country_code", "area_code", "timezone", "crm_id", "last_contacted_at",
              "assigned_phone_number_id", "created_at", "updated_at"),
          "id uuid, name varchar, phone varchar, country_code text, area_code text, timezone text, crm_id text,"
              + " last_contacted_at timestamptz, assigned_phone_number_id uuid, created_at timestamptz,"
              + " updated_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      numbers = c.lookups.present("sms_sender_phone_numbers", referenced(this, rows, "assigned_phone_number_id"));
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      String phone = residue.keep(legacyTable, row.id(), "phone", row.get("phone"), c.phones.e164(row.get("phone")));
      if (phone == null) {
        return notImportable("no E.164 phone");
      }
      Instant created = requiredTimestamp(c, row, "created_at", residue);
      Instant updated = requiredTimestamp(c, row, "updated_at", residue, created);
      return new Object[] {id(this, row), row.get("name"), phone, digits(row, "country_code", residue, "[1-9][0-9]{0,2}"),
          digits(row, "area_code", residue, "[0-9]{1,6}"), row.get("timezone"), row.get("crm_id"),
          timestamp(c, row, "last_contacted_at", residue),
          reference(this, row, "assigned_phone_number_id", residue, numbers), created, updated};
    }

    private @Nullable String digits(LegacyRow row, String column, Residue residue, String pattern) {
      String raw = row.get(column);
      if (raw == null) {
        return null;
      }
      String value = raw.replaceAll("[^0-9]", "");
      if (!value.matches(pattern)) {
        residue.add(legacyTable, row.id(), column, raw, "not digits");
        return null;
      }
      if (!value.equals(raw)) {
        residue.add(legacyTable, row.id(), column, raw, Converted.NORMALISED);
      }
      return value;
    }
  }

  // 8 ------------------------------------------------------------------------------------------------------------
  static final class Conversations extends TableAdopter {
    Conversations() {
      super("sms_meta_conversation", "sms_meta_conversation",
          List.of("conversation_id", "customer_id_crm", "assigned_staff_id", "status", "priority", "tags", "state",
              "conversation_start", "conversation_end", "last_message_at", "message_count", "journey_stage",
              "emotion", "next_action", "summary_text", "reply_quality", "key_points", "sentiment_score", "ai_model",
              "confidence_score", "summary_updated_at", "created_at", "updated_at", "unread_count"),
          "id uuid, conversation_id varchar, customer_id_crm integer, assigned_staff_id integer, status varchar,"
              + " priority varchar, tags text[], state varchar, conversation_start timestamptz,"
              + " conversation_end timestamptz, last_message_at timestamptz, message_count integer,"
              + " journey_stage varchar, emotion varchar, next_action text, summary_text text, reply_quality varchar,"
              + " key_points text[], sentiment_score numeric, ai_model varchar, confidence_score numeric,"
              + " summary_updated_at timestamptz, created_at timestamptz, updated_at timestamptz,"
              + " unread_count integer");
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      String key = conversationKey(this, row, "conversation_id", residue);
      if (key == null) {
        return notImportable("no conversation id");
      }
      Instant start = timestamp(c, row, "conversation_start", residue);
      Instant end = timestamp(c, row, "conversation_end", residue);
      if (start != null && end != null && end.isBefore(start)) {
        residue.add(legacyTable, row.id(), "conversation_end", row.get("conversation_end"), "before its start");
        end = null;
      }
      Instant created = requiredTimestamp(c, row, "created_at", residue, start);
      Instant updated = requiredTimestamp(c, row, "updated_at", residue, created);
      Instant last = requiredTimestamp(c, row, "last_message_at", residue, end, start, created);
      Integer count = integer(row, "message_count", residue, 0, Integer.MAX_VALUE);
      Integer unread = integer(row, "unread_count", residue, 0, Integer.MAX_VALUE);
      int messages = count == null ? 0 : count;
      if (unread != null && unread > messages) {
        residue.add(legacyTable, row.id(), "unread_count", row.get("unread_count"), "above message_count");
        unread = messages;
      }
      return new Object[] {id(this, row), key, integer(row, "customer_id_crm", residue, 0, Integer.MAX_VALUE),
          integer(row, "assigned_staff_id", residue, 0, Integer.MAX_VALUE),
          oneOf(row, "status", residue, Set.of("active", "inactive", "archived", "spam"), "active"),
          oneOf(row, "priority", residue, Set.of("low", "medium", "high", "urgent"), "medium"),
          Objects.requireNonNullElse(row.get("tags"), "{}"),
          oneOf(row, "state", residue, Set.of("open", "pending", "snoozed", "closed"), "open"),
          start, end, last, messages, row.get("journey_stage"), row.get("emotion"), row.get("next_action"),
          row.get("summary_text"), row.get("reply_quality"), Objects.requireNonNullElse(row.get("key_points"), "{}"),
          decimal(row, "sentiment_score", residue, BigDecimal.ONE.negate(), BigDecimal.ONE), row.get("ai_model"),
          decimal(row, "confidence_score", residue, BigDecimal.ZERO, BigDecimal.ONE),
          timestamp(c, row, "summary_updated_at", residue), created, updated, unread == null ? 0 : unread};
    }
  }

  /**
   * A conversation key as smskit's CHECK allows: kept when it fits; otherwise characters outside the allowed set
   * become '-' (and an over-long key is cut and suffixed with a hash), the original kept as normalised.
   */
  static @Nullable String conversationKey(TableAdopter t, LegacyRow row, String column, Residue residue) {
    String raw = row.get(column);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    return normaliseKey(raw, k -> residue.add(t.legacyTable, row.id(), column, raw, Converted.NORMALISED));
  }

  static String normaliseKey(String raw, java.util.function.Consumer<String> changed) {
    if (CONVERSATION_KEY.matcher(raw).matches()) {
      return raw;
    }
    String key = raw.strip().replaceAll("[^A-Za-z0-9_.:+@=-]", "-");
    if (key.length() > 200 || key.isEmpty()) {
      key = key.substring(0, Math.min(key.length(), 150)) + "="
          + UUID.nameUUIDFromBytes(raw.getBytes(StandardCharsets.UTF_8));
    }
    changed.accept(key);
    return key;
  }

  // 5 ------------------------------------------------------------------------------------------------------------
  static final class Messages extends TableAdopter {
    private static final Set<String> INBOUND = Set.of("received", "read");
    private static final Set<String> OUTBOUND = Set.of("sent", "delivered", "undelivered", "failed", "canceled",
        "read");
    /** Statuses that promise a dispatch smskit's outbox would have to own; nothing adopted is sent again. */
    private static final Set<String> IN_FLIGHT = Set.of("queued", "scheduled", "sending", "accepted", "pending");
    private Set<UUID> numbers = Set.of();
    private Set<UUID> services = Set.of();
    private Set<String> conversations = Set.of();
    private final Map<String, Instant> synthesised = new LinkedHashMap<>();

    Messages() {
      super("sms_messages", "sms_messages",
          List.of("direction", "from_number", "to_number", "body", "media_count", "status", "provider",
              "provider_message_sid", "provider_error_code", "provider_payload", "received_at", "sent_at",
              "delivered_at", "failed_at", "conversation_id", "user_id", "metadata", "message_type",
              "sender_phone_number_id", "service_account_id", "read_at", "created_at", "updated_at"),
          "id uuid, direction varchar, from_number varchar, to_number varchar, body text, media_count integer,"
              + " status varchar, provider varchar, provider_message_sid varchar, provider_error_code text,"
              + " provider_payload text, received_at timestamptz, sent_at timestamptz, delivered_at timestamptz,"
              + " failed_at timestamptz, conversation_id varchar, user_id text, metadata jsonb, message_type text,"
              + " sender_phone_number_id uuid, service_account_id uuid, read_at timestamptz,"
              + " created_at timestamptz, updated_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      numbers = c.lookups.present("sms_sender_phone_numbers", referenced(this, rows, "sender_phone_number_id"));
      services = c.lookups.present("sms_service_accounts", referenced(this, rows, "service_account_id"));
      Set<String> keys = new HashSet<>();
      for (LegacyRow row : rows) {
        String raw = row.get("conversation_id");
        if (raw != null && !raw.isBlank()) {
          keys.add(normaliseKey(raw, k -> { }));
        }
      }
      conversations = new HashSet<>(c.lookups.conversationKeys(keys));
      synthesised.clear();
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      String id = row.id();
      String direction = oneOf(row, "direction", residue, Set.of("inbound", "outbound"), "inbound");
      if (row.get("direction") == null) {
        residue.add(legacyTable, id, "direction", null, "missing, defaulted to inbound");
      }
      String body = row.get("body");
      if (body != null && body.codePointCount(0, body.length()) > 1600) {
        residue.add(legacyTable, id, "body", body, "over 1600 characters, cut");
        body = body.substring(0, body.offsetByCodePoints(0, 1600));
      }
      Integer media = integer(row, "media_count", residue, 0, Integer.MAX_VALUE);
      int mediaCount = media == null ? 0 : media;
      if ("outbound".equals(direction) && mediaCount == 0 && (body == null || body.isEmpty())) {
        return notImportable("outbound without content");
      }
      String from = address(c, row, "from_number", residue);
      String to = address(c, row, "to_number", residue);
      String status = status(row, direction, residue);
      Instant received = timestamp(c, row, "received_at", residue);
      Instant sent = timestamp(c, row, "sent_at", residue);
      Instant delivered = timestamp(c, row, "delivered_at", residue);
      Instant failed = timestamp(c, row, "failed_at", residue);
      Instant updatedAt = timestamp(c, row, "updated_at", residue);
      Instant created = requiredTimestamp(c, row, "created_at", residue, received, sent, delivered, failed, updatedAt);
      if (updatedAt == null) {
        updatedAt = created;
      }
      String conversation = conversationKey(this, row, "conversation_id", residue);
      if (conversation == null) {
        // A message without a conversation joins the synthesised conversation of its counterpart's address.
        conversation = normaliseKey("legacy:" + ("inbound".equals(direction) ? from : to), k -> { });
        residue.add(legacyTable, id, "conversation_id", row.get("conversation_id"), "missing, derived from address");
      }
      if (!conversations.contains(conversation)) {
        synthesised.merge(conversation, created, (a, b) -> a.isAfter(b) ? a : b);
      }
      String metadata = json(this, row, "metadata", residue);
      String type = oneOf(row, "message_type", residue, Set.of("sms", "mms"), mediaCount > 0 ? "mms" : "sms");
      return new Object[] {id(this, row), direction, from, to, body, mediaCount, status, provider(this, row, residue),
          row.get("provider_message_sid"), row.get("provider_error_code"), row.get("provider_payload"), received,
          sent, delivered, failed, conversation, row.get("user_id"), metadata == null ? "{}" : metadata, type,
          reference(this, row, "sender_phone_number_id", residue, numbers),
          reference(this, row, "service_account_id", residue, services), timestamp(c, row, "read_at", residue),
          created, updatedAt};
    }

    /**
     * NOT NULL and CHECKed in smskit: an unusable address becomes the alphanumeric placeholder {@code UNKNOWN}
     * (which the CHECK allows and no provider would send to), the original kept, so the message is not lost.
     */
    private String address(Context c, LegacyRow row, String column, Residue residue) {
      String raw = row.get(column);
      String value = residue.keep(legacyTable, row.id(), column, raw, c.phones.address(raw));
      if (value == null) {
        if (raw == null) {
          residue.add(legacyTable, row.id(), column, null, "missing, filled with UNKNOWN");
        }
        return "UNKNOWN";
      }
      return value;
    }

    private String status(LegacyRow row, String direction, Residue residue) {
      String raw = row.get("status");
      String value = raw == null ? null : raw.strip().toLowerCase(java.util.Locale.ROOT);
      Set<String> allowed = "inbound".equals(direction) ? INBOUND : OUTBOUND;
      String fallback = "inbound".equals(direction) ? "received" : "failed";
      if (value != null && allowed.contains(value)) {
        if (!value.equals(raw)) {
          residue.add(legacyTable, row.id(), "status", raw, Converted.NORMALISED);
        }
        return value;
      }
      String reason = value == null ? "missing, defaulted to " + fallback
          : "outbound".equals(direction) && IN_FLIGHT.contains(value) ? "in flight at adoption, marked failed"
          : "not a status of " + direction + " messages, defaulted to " + fallback;
      residue.add(legacyTable, row.id(), "status", raw, reason);
      return fallback;
    }

    @Override
    void beforeInsert(Context c) throws SQLException {
      if (synthesised.isEmpty() || c.writes == null) {
        c.count("conversations synthesised", synthesised.size());
        return;
      }
      // Conversations that messages name but the legacy rollup lacks: created now, their counters computed at
      // cut-over from the adopted messages.
      List<String> keys = new ArrayList<>(synthesised.keySet());
      String sql = "INSERT INTO " + c.targetSchema + ".sms_meta_conversation (tenant_id, id, conversation_id,"
          + " last_message_at, created_at, updated_at) SELECT ?, u.id, u.key, u.at, u.at, u.at"
          + " FROM unnest(?::uuid[], ?::text[], ?::timestamptz[]) AS u(id, key, at) ON CONFLICT DO NOTHING";
      try (PreparedStatement insert = c.writes.prepareStatement(sql)) {
        insert.setString(1, c.tenant.value());
        insert.setArray(2, c.writes.createArrayOf("uuid", keys.stream().map(Tables::synthesisedId).toArray()));
        insert.setArray(3, c.writes.createArrayOf("text", keys.toArray()));
        insert.setArray(4, c.writes.createArrayOf("timestamptz",
            keys.stream().map(k -> java.sql.Timestamp.from(synthesised.get(k))).toArray()));
        c.count("conversations synthesised", insert.executeUpdate());
      }
      try (PreparedStatement record = c.writes.prepareStatement("INSERT INTO " + c.adoptionSchema
          + ".adoption_synthesised (tenant_id, conversation_id) SELECT ?, unnest(?::text[]) ON CONFLICT DO NOTHING")) {
        record.setString(1, c.tenant.value());
        record.setArray(2, c.writes.createArrayOf("text", keys.toArray()));
        record.executeUpdate();
      }
    }
  }

  static UUID synthesisedId(String key) {
    return UUID.nameUUIDFromBytes(("legacy:sms_meta_conversation:synthesised:" + key)
        .getBytes(StandardCharsets.UTF_8));
  }

  // 6 ------------------------------------------------------------------------------------------------------------
  static final class Attachments extends TableAdopter {
    private Map<UUID, Instant> messages = Map.of();

    Attachments() {
      super("sms_attachments", "sms_attachments",
          List.of("message_id", "file_url", "file_name", "file_type", "file_size", "mime_type", "provider_media_sid",
              "created_at"),
          "id uuid, message_id uuid, message_created_at timestamptz, file_url text, file_name varchar,"
              + " file_type varchar, file_size integer, mime_type varchar, provider_media_sid varchar,"
              + " created_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      messages = c.lookups.messageTimes(referenced(this, rows, "message_id"));
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      UUID message = reference(this, row, "message_id", residue, messages.keySet());
      if (message == null) {
        return notImportable("no adopted message");
      }
      String url = nonBlank(row, "file_url", residue);
      if (url == null) {
        return notImportable("no file url");
      }
      String mime = row.get("mime_type");
      if (mime != null) {
        String lower = mime.strip().toLowerCase(java.util.Locale.ROOT);
        if (!MIME.matcher(lower).matches()) {
          residue.add(legacyTable, row.id(), "mime_type", mime, "not a mime type");
          lower = null;
        } else if (!lower.equals(mime)) {
          residue.add(legacyTable, row.id(), "mime_type", mime, Converted.NORMALISED);
        }
        mime = lower;
      }
      Instant messageCreated = messages.get(message);
      return new Object[] {id(this, row), message, messageCreated, url, row.get("file_name"), row.get("file_type"),
          integer(row, "file_size", residue, 0, Integer.MAX_VALUE), mime, row.get("provider_media_sid"),
          requiredTimestamp(c, row, "created_at", residue, messageCreated)};
    }
  }

  // 7 ------------------------------------------------------------------------------------------------------------
  static final class Reactions extends TableAdopter {
    private Map<UUID, Instant> messages = Map.of();

    Reactions() {
      super("sms_reactions", "sms_reactions",
          List.of("message_id", "reaction_type", "reaction_value", "reacted_by", "created_at"),
          "id uuid, message_id uuid, message_created_at timestamptz, reaction_type varchar, reaction_value varchar,"
              + " reacted_by text, created_at timestamptz");
    }

    @Override
    void prepare(Context c, List<LegacyRow> rows) throws SQLException {
      messages = c.lookups.messageTimes(referenced(this, rows, "message_id"));
    }

    @Override
    Object[] convert(Context c, LegacyRow row, Residue residue) {
      UUID message = reference(this, row, "message_id", residue, messages.keySet());
      if (message == null) {
        return notImportable("no adopted message");
      }
      String type = nonBlank(row, "reaction_type", residue);
      String value = row.get("reaction_value");
      String by = nonBlank(row, "reacted_by", residue);
      if (type == null || value == null || value.isEmpty() || by == null) {
        return notImportable("reaction type, value and author are required");
      }
      Instant messageCreated = messages.get(message);
      return new Object[] {id(this, row), message, messageCreated, type, value, by,
          requiredTimestamp(c, row, "created_at", residue, messageCreated)};
    }
  }

}
