package org.smskit.jooq.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.jooq.testing.DatabaseTest;

/** The migrated catalog has every table, column and index of the spec, with the data-quality fixes applied. */
class SchemaCatalogTest extends DatabaseTest {

  /** The spec's columns, table by table (sms-module-schema.md, "Table Details"). */
  static final Map<String, List<String>> SPEC_COLUMNS = new LinkedHashMap<>();

  static {
    SPEC_COLUMNS.put("sms_sender_accounts", List.of("id", "account_name", "provider", "account_sid", "auth_token",
        "settings", "is_active", "created_at"));
    SPEC_COLUMNS.put("sms_sender_phone_numbers", List.of("id", "phone_number", "friendly_name", "is_primary",
        "is_active", "assigned_to", "account_id", "created_at", "updated_at"));
    SPEC_COLUMNS.put("sms_service_accounts", List.of("id", "sender_account_id", "service_name", "service_type",
        "provider_service_sid", "settings", "is_active", "linked_campaign_id", "linked_project_id", "description",
        "created_at", "updated_at"));
    SPEC_COLUMNS.put("sms_contacts", List.of("id", "name", "phone", "country_code", "area_code", "timezone", "crm_id",
        "last_contacted_at", "assigned_phone_number_id", "created_at", "updated_at"));
    SPEC_COLUMNS.put("sms_messages", List.of("id", "direction", "from_number", "to_number", "body", "media_count",
        "status", "provider", "provider_message_sid", "provider_error_code", "provider_payload", "received_at",
        "sent_at", "delivered_at", "failed_at", "conversation_id", "user_id", "metadata", "message_type",
        "sender_phone_number_id", "service_account_id", "read_at", "created_at", "updated_at"));
    SPEC_COLUMNS.put("sms_attachments", List.of("id", "message_id", "file_url", "file_name", "file_type", "file_size",
        "mime_type", "provider_media_sid", "created_at"));
    SPEC_COLUMNS.put("sms_reactions", List.of("id", "message_id", "reaction_type", "reaction_value", "reacted_by",
        "created_at"));
    SPEC_COLUMNS.put("sms_meta_conversation", List.of("id", "conversation_id", "customer_id_crm",
        "assigned_staff_id", "status", "priority", "tags", "state", "conversation_start", "conversation_end",
        "last_message_at", "message_count", "journey_stage", "emotion", "next_action", "summary_text",
        "reply_quality", "key_points", "sentiment_score", "ai_model", "confidence_score", "summary_updated_at",
        "created_at", "updated_at", "unread_count"));
  }

  @Test
  void everySpecTableHasEverySpecColumnPlusTenantId() {
    for (var table : SPEC_COLUMNS.entrySet()) {
      List<String> columns = db.strings(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'smskit' AND table_name = ?",
          table.getKey());
      assertThat(columns).as(table.getKey()).containsAll(table.getValue()).contains("tenant_id");
    }
  }

  @Test
  void statusHistoryTableExists() {
    List<String> columns = db.strings(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'smskit' AND table_name = ?",
        "sms_message_status_events");
    assertThat(columns).contains("tenant_id", "message_id", "status", "occurred_at", "provider_error_code",
        "raw_payload");
  }

  @ParameterizedTest(name = "{0}.{1} is {2}")
  @CsvSource({
      "sms_messages, sent_at, timestamp with time zone",
      "sms_messages, delivered_at, timestamp with time zone",
      "sms_messages, failed_at, timestamp with time zone",
      "sms_messages, received_at, timestamp with time zone",
      "sms_messages, read_at, timestamp with time zone",
      "sms_contacts, last_contacted_at, timestamp with time zone",
      "sms_messages, metadata, jsonb",
      "sms_sender_accounts, settings, jsonb",
      "sms_service_accounts, settings, jsonb",
      "sms_contacts, assigned_phone_number_id, uuid",
      "sms_meta_conversation, tags, ARRAY",
      "sms_meta_conversation, sentiment_score, numeric",
      "sms_service_accounts, linked_campaign_id, bigint",
      "sms_meta_conversation, customer_id_crm, integer",
  })
  void columnsHaveTheRecommendedTypes(String table, String column, String type) {
    List<String> types = db.strings("SELECT data_type FROM information_schema.columns"
        + " WHERE table_schema = 'smskit' AND table_name = '" + table + "' AND column_name = ?", column);
    assertThat(types).containsExactly(type);
  }

  /**
   * Every index the spec names, with the column that follows tenant_id and the partial predicate if any (V6 made
   * the indexes of mostly-empty columns partial: a lookup by value still uses them).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "idx_sms_sender_accounts_provider | provider | ",
      "idx_sms_sender_accounts_active | is_active | (is_active = 1)",
      "idx_sms_phone_numbers_account_id | account_id | ",
      "idx_sms_phone_numbers_is_active | is_active | ",
      "idx_sms_phone_numbers_is_primary | is_primary | ",
      "idx_sms_phone_numbers_phone | phone_number | ",
      "idx_sms_service_accounts_sender_account | sender_account_id | ",
      "idx_sms_service_accounts_campaign | linked_campaign_id | ",
      "idx_sms_service_accounts_project | linked_project_id | ",
      "idx_sms_service_accounts_type | service_type | ",
      "idx_sms_service_accounts_active | is_active | (is_active = true)",
      "idx_sms_contacts_phone | phone | ",
      "idx_sms_contacts_crm_id | crm_id | (crm_id IS NOT NULL)",
      "idx_sms_contacts_assigned_phone | assigned_phone_number_id | ",
      "idx_sms_messages_conversation_id | conversation_id,created_at | ",
      "idx_sms_messages_to_number | to_number,created_at | ",
      "idx_sms_messages_from_number | from_number | ",
      "idx_sms_messages_status | status | ",
      "idx_sms_messages_service_account | service_account_id | ",
      "idx_sms_messages_sender_phone | sender_phone_number_id | ",
      "idx_sms_messages_received_at | received_at | (received_at IS NOT NULL)",
      "idx_sms_messages_created_at | created_at | ",
      "idx_sms_messages_read_at | read_at | (read_at IS NOT NULL)",
      "idx_sms_attachments_message_id | message_id | ",
      "idx_sms_attachments_provider_media | provider_media_sid | ",
      "idx_sms_reactions_message_id | message_id | ",
      "idx_sms_reactions_reacted_by | reacted_by | ",
      "idx_sms_meta_conversation_customer | customer_id_crm | (customer_id_crm IS NOT NULL)",
      "idx_sms_meta_conversation_staff | assigned_staff_id | (assigned_staff_id IS NOT NULL)",
      "idx_sms_meta_conversation_last_message | last_message_at | ",
      "idx_sms_meta_conversation_status | status | ",
      "idx_sms_meta_conversation_state | state | ",
      "idx_sms_meta_conversation_unread | unread_count | (unread_count > 0)",
  })
  void specIndexExistsLeadingWithTenant(String index, String columnsAfterTenant, String predicate) {
    List<String> columns = db.strings("SELECT a.attname FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        + " WHERE n.nspname = 'smskit' AND c.relname = ? ORDER BY k.ord", index);
    List<String> expected = new ArrayList<>();
    expected.add("tenant_id");
    expected.addAll(List.of(columnsAfterTenant.split(",")));
    assertThat(columns).as(index).startsWith(expected.toArray(String[]::new));
    List<String> where = db.strings("SELECT coalesce(pg_get_expr(i.indpred, i.indrelid), '') FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'smskit' AND c.relname = ?", index);
    assertThat(where).containsExactly(predicate == null ? "" : predicate);
  }

  @Test
  void everyPrimaryKeyUniqueAndForeignKeyInsideSmskitLeadsWithTenant() {
    List<String> offenders = db.strings("SELECT c.conname FROM pg_constraint c"
        + " JOIN pg_namespace n ON n.oid = c.connamespace"
        + " WHERE n.nspname = ? AND c.contype IN ('p', 'u', 'f')"
        + " AND NOT (c.contype = 'f' AND c.conname LIKE '%_erp_fkey')"
        + " AND c.conrelid NOT IN ('smskit.smskit_schema_history'::regclass, 'smskit.sms_key_checks'::regclass,"
        + " 'smskit.sms_analysis_sweeps'::regclass)"
        // The spec's GROUP BY mc.id needs id alone as the primary key (README, "Beyond one machine", for Citus).
        + " AND c.conname <> 'sms_meta_conversation_pkey'"
        + " AND (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) <> 'tenant_id'",
        "smskit");
    assertThat(offenders).isEmpty();
    List<String> uniqueIndexes = db.strings("SELECT c.relname FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
        + " WHERE n.nspname = ? AND i.indisunique AND a.attname <> 'tenant_id'"
        + " AND i.indrelid NOT IN ('smskit.smskit_schema_history'::regclass, 'smskit.sms_key_checks'::regclass,"
        + " 'smskit.sms_analysis_sweeps'::regclass)"
        + " AND c.relname <> 'sms_meta_conversation_pkey'", "smskit");
    assertThat(uniqueIndexes).isEmpty();
  }

  @Test
  void everyTableHasTenantIdNotNull() {
    List<String> nullable = db.strings("SELECT table_name FROM information_schema.columns"
        + " WHERE table_schema = ? AND column_name = 'tenant_id' AND is_nullable = 'YES'", "smskit");
    assertThat(nullable).isEmpty();
    List<String> withoutTenant = db.strings("SELECT t.table_name FROM information_schema.tables t"
        + " WHERE t.table_schema = ? AND t.table_type = 'BASE TABLE'"
        // Key checks belong to the installation, whose keys serve every tenant (see V5); so does the analysis
        // sweep's watermark, which spans tenants (V9).
        + " AND t.table_name NOT IN ('smskit_schema_history', 'sms_key_checks', 'sms_analysis_sweeps')"
        + " AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema"
        + " AND c.table_name = t.table_name AND c.column_name = 'tenant_id')", "smskit");
    assertThat(withoutTenant).isEmpty();
  }
}
