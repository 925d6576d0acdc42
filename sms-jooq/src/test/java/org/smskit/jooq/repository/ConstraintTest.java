package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.jooq.testing.DatabaseTest;

/**
 * One test per constraint of the schema: the statement that keeps the rule is accepted, the one that breaks it
 * is refused with a typed error naming the field, and nothing of the refused statement is written.
 */
class ConstraintTest extends DatabaseTest {
  static final String ACCOUNT = "'00000000-0000-7000-8000-000000000001'";
  static final String NUMBER = "'00000000-0000-7000-8000-000000000002'";
  static final String SERVICE = "'00000000-0000-7000-8000-000000000003'";
  static final String MESSAGE = "'00000000-0000-7000-8000-000000000006'";
  static final String MISSING = "'00000000-0000-7000-8000-0000000000ff'";
  static final String OTHER_ACCOUNT = "'00000000-0000-7000-8000-000000000007'";

  @BeforeAll
  static void seed() {
    db.execute("""
        INSERT INTO public.mkt_campaigns VALUES (1, 'Spring');
        INSERT INTO public.project VALUES (1, 'Rollout');
        INSERT INTO public.crm_customers VALUES (1, 'Ada');
        INSERT INTO public.sys_users VALUES (1, 'Grace');
        INSERT INTO smskit.sms_sender_accounts (tenant_id, id, provider) VALUES ('acme', %1$s, 'twilio');
        INSERT INTO smskit.sms_sender_accounts (tenant_id, id, provider) VALUES ('acme', %5$s, 'vonage');
        INSERT INTO smskit.sms_sender_phone_numbers (tenant_id, id, account_id, phone_number, is_primary)
          VALUES ('acme', %2$s, %1$s, '+14155550100', 1);
        INSERT INTO smskit.sms_service_accounts (tenant_id, id, sender_account_id, service_name, service_type)
          VALUES ('acme', %3$s, %1$s, 'Support', 'support');
        INSERT INTO smskit.sms_contacts (tenant_id, phone) VALUES ('acme', '+14155550111');
        INSERT INTO smskit.sms_meta_conversation (tenant_id, conversation_id) VALUES ('acme', 'conv-1');
        INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,
          conversation_id, created_at) VALUES ('acme', %4$s, 'inbound', '+14155550111', '+14155550100', 'hi',
          'received', 'conv-1', '2024-01-01 00:00:00+00');
        INSERT INTO smskit.sms_reactions (tenant_id, message_id, reaction_type, reaction_value, reacted_by)
          VALUES ('acme', %4$s, 'emoji', '👍', 'user-1');
        """.formatted(ACCOUNT, NUMBER, SERVICE, MESSAGE, OTHER_ACCOUNT));
  }

  static String account(String columns, String values) {
    return "INSERT INTO smskit.sms_sender_accounts (tenant_id, provider" + columns + ") VALUES ('acme', 'twilio'"
        + values + ")";
  }

  static String number(String phone, String columns, String values) {
    return "INSERT INTO smskit.sms_sender_phone_numbers (tenant_id, account_id, phone_number" + columns
        + ") VALUES ('acme', " + ACCOUNT + ", '" + phone + "'" + values + ")";
  }

  static String service(String columns, String values) {
    return "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type"
        + columns + ") VALUES ('acme', " + ACCOUNT + ", 'Svc', 'support'" + values + ")";
  }

  static String contact(String phone, String columns, String values) {
    return "INSERT INTO smskit.sms_contacts (tenant_id, phone" + columns + ") VALUES ('acme', '" + phone + "'"
        + values + ")";
  }

  static String conversation(String key, String columns, String values) {
    return "INSERT INTO smskit.sms_meta_conversation (tenant_id, conversation_id" + columns + ") VALUES ('acme', '"
        + key + "'" + values + ")";
  }

  /** An outbound message in conv-1 from our number, with columns overridden. */
  static String message(String columns, String values) {
    return "INSERT INTO smskit.sms_messages (tenant_id, direction, from_number, to_number, status, conversation_id,"
        + " body" + columns + ") VALUES ('acme', 'outbound', '+14155550100', '+14155550111', 'queued', 'conv-1', 'hi'"
        + values + ")";
  }

  /** A message with the given direction, from, to, status and body (all as SQL literals). */
  static String message(String direction, String from, String to, String status, String body) {
    return "INSERT INTO smskit.sms_messages (tenant_id, direction, from_number, to_number, status, conversation_id,"
        + " body) VALUES ('acme', " + direction + ", " + from + ", " + to + ", " + status + ", 'conv-1', " + body + ")";
  }

  static String attachment(String columns, String values) {
    return "INSERT INTO smskit.sms_attachments (tenant_id, message_id, file_url" + columns + ") VALUES ('acme', "
        + MESSAGE + ", 'https://cdn.example/a.jpg'" + values + ")";
  }

  static String reaction(String message, String type, String value, String by) {
    return "INSERT INTO smskit.sms_reactions (tenant_id, message_id, reaction_type, reaction_value, reacted_by)"
        + " VALUES ('acme', " + message + ", '" + type + "', '" + value + "', '" + by + "')";
  }

  static String event(String message, String sid, String status) {
    return "INSERT INTO smskit.sms_message_status_events (tenant_id, message_id, provider_message_sid, status,"
        + " occurred_at) VALUES ('acme', " + message + ", " + sid + ", '" + status + "', now())";
  }

  static String optOut(String phone, String scope, String service, String campaign, String columns, String values) {
    return "INSERT INTO smskit.sms_opt_outs (tenant_id, phone, scope, service_account_id, campaign_id, source"
        + columns + ") VALUES ('acme', '" + phone + "', " + scope + ", " + service + ", " + campaign + ", 'keyword'"
        + values + ")";
  }

  static String messageKey(String kind, String key) {
    return "INSERT INTO smskit.sms_message_keys (tenant_id, kind, key, message_id) VALUES ('acme', " + kind + ", "
        + key + ", " + MESSAGE + ")";
  }

  static String fragment(int part, int total) {
    return "INSERT INTO smskit.sms_inbound_fragments (tenant_id, provider, reference, part, total, payload,"
        + " expires_at) VALUES ('acme', 'vonage', 'ref-" + total + "', " + part + ", " + total + ", 'p', now())";
  }

  static String outbox(String columns, String values) {
    return "INSERT INTO smskit.sms_outbox (tenant_id, message_id" + columns + ") VALUES ('acme', " + MESSAGE + values
        + ")";
  }

  static String attempt(int attempt, String outcome, String finishedAt) {
    return "INSERT INTO smskit.sms_send_attempts (tenant_id, message_id, attempt, worker, started_at, outcome,"
        + " finished_at) VALUES ('acme', " + MESSAGE + ", " + attempt + ", 'w1', now(), " + outcome + ", " + finishedAt
        + ")";
  }

  static String bucket(String kind) {
    return "INSERT INTO smskit.sms_rate_buckets (tenant_id, kind, target_id) VALUES ('acme', " + kind + ", " + NUMBER
        + ")";
  }

  static String circuit(String account, String failures) {
    return "INSERT INTO smskit.sms_circuit_breakers (tenant_id, account_id, consecutive_failures) VALUES ('acme', "
        + account + ", " + failures + ")";
  }

  /** constraint, table, field named in the error, accepted statement, refused statement. */
  static Stream<Arguments> cases() {
    String longBody = "'" + "x".repeat(1600) + "'";
    String tooLongBody = "'" + "x".repeat(1601) + "'";
    return Stream.of(
        c("sms_sender_accounts_tenant_id_format", "sms_sender_accounts", "tenant_id",
            "INSERT INTO smskit.sms_sender_accounts (tenant_id, provider) VALUES ('tenant-2.eu_1', 'twilio')",
            "INSERT INTO smskit.sms_sender_accounts (tenant_id, provider) VALUES ('bad tenant!', 'twilio')"),
        c("sms_sender_accounts_pkey", "sms_sender_accounts", "id",
            account(", id", ", " + MISSING), account(", id", ", " + ACCOUNT)),
        c("sms_sender_accounts_provider_format", "sms_sender_accounts", "provider",
            "INSERT INTO smskit.sms_sender_accounts (tenant_id, provider) VALUES ('acme', 'vonage')",
            "INSERT INTO smskit.sms_sender_accounts (tenant_id, provider) VALUES ('acme', 'Twilio')"),
        c("sms_sender_accounts_auth_token_encrypted", "sms_sender_accounts", "auth_token",
            account(", auth_token", ", 'enc:v1:k1:AAECAwQ='"), account(", auth_token", ", 'plain-secret-token'")),
        c("sms_sender_accounts_settings_object", "sms_sender_accounts", "settings",
            account(", settings", ", '{\"region\":\"ie1\"}'"), account(", settings", ", '[1,2]'")),
        c("sms_sender_accounts_is_active_flag", "sms_sender_accounts", "is_active",
            account(", is_active", ", 0"), account(", is_active", ", 2")),

        c("sms_sender_phone_numbers_pkey", "sms_sender_phone_numbers", "id",
            number("+14155550199", ", id", ", " + MISSING), number("+14155550199", ", id", ", " + NUMBER)),
        c("sms_sender_phone_numbers_account_fkey", "sms_sender_phone_numbers", "account_id",
            number("+14155550101", "", ""),
            "INSERT INTO smskit.sms_sender_phone_numbers (tenant_id, account_id, phone_number)"
                + " VALUES ('acme', " + MISSING + ", '+14155550102')"),
        c("sms_sender_phone_numbers_phone_number_e164", "sms_sender_phone_numbers", "phone_number",
            number("+442079460958", "", ""), number("(415) 555-0100", "", "")),
        c("sms_sender_phone_numbers_is_primary_flag", "sms_sender_phone_numbers", "is_primary",
            number("+14155550103", ", is_primary", ", 0"), number("+14155550103", ", is_primary", ", 5")),
        c("sms_sender_phone_numbers_is_active_flag", "sms_sender_phone_numbers", "is_active",
            number("+14155550104", ", is_active", ", 0"), number("+14155550104", ", is_active", ", -1")),
        c("idx_sms_phone_numbers_phone", "sms_sender_phone_numbers", "phone_number",
            number("+14155550105", "", ""), number("+14155550100", "", "")),
        c("uq_sms_phone_numbers_one_primary", "sms_sender_phone_numbers", "is_primary",
            number("+14155550106", ", is_primary", ", 0"), number("+14155550106", ", is_primary", ", 1")),

        c("sms_service_accounts_pkey", "sms_service_accounts", "id",
            service(", id", ", " + MISSING), service(", id", ", " + SERVICE)),
        c("sms_service_accounts_sender_account_fkey", "sms_service_accounts", "sender_account_id",
            service("", ""),
            "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type)"
                + " VALUES ('acme', " + MISSING + ", 'x', 'support')"),
        c("sms_service_accounts_service_type_check", "sms_service_accounts", "service_type",
            "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type)"
                + " VALUES ('acme', " + ACCOUNT + ", 'x', 'transactional')",
            "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type)"
                + " VALUES ('acme', " + ACCOUNT + ", 'x', 'spam')"),
        c("sms_service_accounts_service_name_not_blank", "sms_service_accounts", "service_name",
            "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type)"
                + " VALUES ('acme', " + ACCOUNT + ", 'Billing', 'support')",
            "INSERT INTO smskit.sms_service_accounts (tenant_id, sender_account_id, service_name, service_type)"
                + " VALUES ('acme', " + ACCOUNT + ", '   ', 'support')"),
        c("sms_service_accounts_settings_object", "sms_service_accounts", "settings",
            service(", settings", ", '{}'"), service(", settings", ", '\"text\"'")),
        c("sms_service_accounts_campaign_erp_fkey", "sms_service_accounts", "linked_campaign_id",
            service(", linked_campaign_id", ", 1"), service(", linked_campaign_id", ", 99")),
        c("sms_service_accounts_project_erp_fkey", "sms_service_accounts", "linked_project_id",
            service(", linked_project_id", ", 1"), service(", linked_project_id", ", 99")),

        c("sms_contacts_pkey", "sms_contacts", "id",
            contact("+14155550120", ", id", ", " + MISSING),
            contact("+14155550121", ", id", ", (SELECT id FROM smskit.sms_contacts WHERE phone = '+14155550111')")),
        c("sms_contacts_assigned_phone_number_fkey", "sms_contacts", "assigned_phone_number_id",
            contact("+14155550122", ", assigned_phone_number_id", ", " + NUMBER),
            contact("+14155550122", ", assigned_phone_number_id", ", " + MISSING)),
        c("sms_contacts_phone_e164", "sms_contacts", "phone",
            contact("+4915123456789", "", ""), contact("0151 23456789", "", "")),
        c("sms_contacts_country_code_digits", "sms_contacts", "country_code",
            contact("+442079460958", ", country_code", ", '44'"), contact("+442079460958", ", country_code", ", '+44'")),
        c("sms_contacts_area_code_digits", "sms_contacts", "area_code",
            contact("+14155550123", ", area_code", ", '415'"), contact("+14155550123", ", area_code", ", 'SF'")),
        c("idx_sms_contacts_phone", "sms_contacts", "phone",
            contact("+14155550124", "", ""), contact("+14155550111", "", "")),

        c("sms_meta_conversation_pkey", "sms_meta_conversation", "id",
            conversation("conv-p", ", id", ", " + MISSING),
            conversation("conv-p", ", id", ", (SELECT id FROM smskit.sms_meta_conversation LIMIT 1)")),
        c("sms_meta_conversation_conversation_id_key", "sms_meta_conversation", "conversation_id",
            conversation("conv-2", "", ""), conversation("conv-1", "", "")),
        c("sms_meta_conversation_conversation_id_format", "sms_meta_conversation", "conversation_id",
            conversation("pn:+14155550100:+14155550111", "", ""), conversation("has space", "", "")),
        c("sms_meta_conversation_status_check", "sms_meta_conversation", "status",
            conversation("conv-s", ", status", ", 'archived'"), conversation("conv-s", ", status", ", 'deleted'")),
        c("sms_meta_conversation_priority_check", "sms_meta_conversation", "priority",
            conversation("conv-p2", ", priority", ", 'urgent'"), conversation("conv-p2", ", priority", ", 'asap'")),
        c("sms_meta_conversation_state_check", "sms_meta_conversation", "state",
            conversation("conv-st", ", state", ", 'snoozed'"), conversation("conv-st", ", state", ", 'done'")),
        c("sms_meta_conversation_message_count_range", "sms_meta_conversation", "message_count",
            conversation("conv-mc", ", message_count", ", 0"), conversation("conv-mc", ", message_count", ", -1")),
        c("sms_meta_conversation_unread_count_range", "sms_meta_conversation", "unread_count",
            conversation("conv-u", ", message_count, unread_count", ", 2, 2"),
            conversation("conv-u", ", message_count, unread_count", ", 1, 2")),
        c("sms_meta_conversation_sentiment_score_range", "sms_meta_conversation", "sentiment_score",
            conversation("conv-se", ", sentiment_score", ", -1"), conversation("conv-se", ", sentiment_score", ", 1.01")),
        c("sms_meta_conversation_confidence_score_range", "sms_meta_conversation", "confidence_score",
            conversation("conv-co", ", confidence_score", ", 1"), conversation("conv-co", ", confidence_score", ", -0.1")),
        c("sms_meta_conversation_end_after_start", "sms_meta_conversation", "conversation_end",
            conversation("conv-e", ", conversation_start, conversation_end", ", now(), now()"),
            conversation("conv-e", ", conversation_start, conversation_end", ", now(), now() - interval '1 second'")),
        c("sms_meta_conversation_customer_erp_fkey", "sms_meta_conversation", "customer_id_crm",
            conversation("conv-cu", ", customer_id_crm", ", 1"), conversation("conv-cu", ", customer_id_crm", ", 42")),
        c("sms_meta_conversation_staff_erp_fkey", "sms_meta_conversation", "assigned_staff_id",
            conversation("conv-sf", ", assigned_staff_id", ", 1"), conversation("conv-sf", ", assigned_staff_id", ", 42")),

        // The key is (tenant_id, id, created_at): the partition key is part of every key of a partitioned table.
        c("sms_messages_pkey", "sms_messages", "id",
            message(", id, created_at", ", " + MISSING + ", '2024-01-01 00:00:00+00'"),
            message(", id, created_at", ", " + MESSAGE + ", '2024-01-01 00:00:00+00'")),
        c("sms_messages_conversation_fkey", "sms_messages", "conversation_id",
            message("'outbound'", "'+14155550100'", "'+14155550111'", "'queued'", "'hi'"),
            message("'outbound'", "'+14155550100'", "'+14155550111'", "'queued'", "'hi'")
                .replace("'conv-1'", "'conv-missing'")),
        c("sms_messages_sender_phone_number_fkey", "sms_messages", "sender_phone_number_id",
            message(", sender_phone_number_id", ", " + NUMBER), message(", sender_phone_number_id", ", " + MISSING)),
        c("sms_messages_service_account_fkey", "sms_messages", "service_account_id",
            message(", service_account_id", ", " + SERVICE), message(", service_account_id", ", " + MISSING)),
        c("sms_messages_direction_check", "sms_messages", "direction",
            message("'inbound'", "'+14155550111'", "'+14155550100'", "'received'", "'hi'"),
            message("'sideways'", "'+14155550111'", "'+14155550100'", "'received'", "'hi'")),
        c("sms_messages_status_check", "sms_messages", "status",
            message("'inbound'", "'+14155550111'", "'+14155550100'", "'read'", "'hi'"),
            message("'inbound'", "'+14155550111'", "'+14155550100'", "'delivered'", "'hi'")),
        c("sms_messages_from_number_address", "sms_messages", "from_number",
            message("'outbound'", "'ACME Shop'", "'+14155550111'", "'queued'", "'hi'"),
            message("'outbound'", "'ACME-Shop-Online'", "'+14155550111'", "'queued'", "'hi'")),
        c("sms_messages_to_number_address", "sms_messages", "to_number",
            message("'outbound'", "'+14155550100'", "'72345'", "'queued'", "'hi'"),
            message("'outbound'", "'+14155550100'", "'+0123'", "'queued'", "'hi'")),
        c("sms_messages_body_length", "sms_messages", "body",
            message("'outbound'", "'+14155550100'", "'+14155550111'", "'queued'", longBody),
            message("'outbound'", "'+14155550100'", "'+14155550111'", "'queued'", tooLongBody)),
        c("sms_messages_outbound_content", "sms_messages", "body",
            message("'inbound'", "'+14155550111'", "'+14155550100'", "'received'", "''"),
            message("'outbound'", "'+14155550100'", "'+14155550111'", "'queued'", "NULL")),
        c("sms_messages_media_count_range", "sms_messages", "media_count",
            message(", media_count", ", 3"), message(", media_count", ", -1")),
        c("sms_messages_provider_format", "sms_messages", "provider",
            message(", provider", ", 'simulated'"), message(", provider", ", 'Vonage API'")),
        c("sms_messages_metadata_object", "sms_messages", "metadata",
            message(", metadata", ", '{\"order\":42}'"), message(", metadata", ", 'null'")),
        c("sms_messages_message_type_check", "sms_messages", "message_type",
            message(", message_type", ", 'mms'"), message(", message_type", ", 'fax'")),
        c("sms_messages_segment_count_range", "sms_messages", "segment_count",
            message(", segment_count", ", 1"), message(", segment_count", ", 0")),
        c("sms_messages_encoding_check", "sms_messages", "encoding",
            message(", encoding", ", 'ucs2'"), message(", encoding", ", 'utf8'")),
        c("sms_messages_price_pair", "sms_messages", "price_unit",
            message(", price, price_unit", ", 0.0079, 'USD'"), message(", price", ", 0.0079")),
        c("sms_messages_price_unit_iso", "sms_messages", "price_unit",
            message(", price, price_unit", ", 0.05, 'EUR'"), message(", price, price_unit", ", 0.05, 'usd'")),
        c("sms_messages_price_positive", "sms_messages", "price",
            message(", price, price_unit", ", 0, 'USD'"), message(", price, price_unit", ", -0.0079, 'USD'")),

        c("sms_attachments_pkey", "sms_attachments", "id",
            attachment(", id", ", " + MISSING),
            attachment(", id", ", " + MISSING) + ";" + attachment(", id", ", " + MISSING)),
        c("sms_attachments_message_fkey", "sms_attachments", "message_id",
            attachment("", ""), attachment("", "").replace(MESSAGE, MISSING)),
        c("sms_attachments_file_url_not_blank", "sms_attachments", "file_url",
            attachment("", ""), attachment("", "").replace("'https://cdn.example/a.jpg'", "' '")),
        c("sms_attachments_file_size_range", "sms_attachments", "file_size",
            attachment(", file_size", ", 0"), attachment(", file_size", ", -5")),
        c("sms_attachments_mime_type_format", "sms_attachments", "mime_type",
            attachment(", mime_type", ", 'image/svg+xml'"), attachment(", mime_type", ", 'jpeg'")),

        c("sms_reactions_pkey", "sms_reactions", "id",
            "INSERT INTO smskit.sms_reactions (tenant_id, id, message_id, reaction_type, reaction_value, reacted_by)"
                + " VALUES ('acme', " + MISSING + ", " + MESSAGE + ", 'emoji', '❤️', 'u')",
            "INSERT INTO smskit.sms_reactions (tenant_id, id, message_id, reaction_type, reaction_value, reacted_by)"
                + " SELECT 'acme', id, message_id, 'emoji', 'x', 'u' FROM smskit.sms_reactions LIMIT 1"),
        c("sms_reactions_message_fkey", "sms_reactions", "message_id",
            reaction(MESSAGE, "emoji", "❤️", "user-2"), reaction(MISSING, "emoji", "❤️", "user-2")),
        c("sms_reactions_reaction_type_not_blank", "sms_reactions", "reaction_type",
            reaction(MESSAGE, "like", "1", "user-3"), reaction(MESSAGE, " ", "1", "user-3")),
        c("sms_reactions_reaction_value_not_blank", "sms_reactions", "reaction_value",
            reaction(MESSAGE, "emoji", " ", "user-4"), reaction(MESSAGE, "emoji", "", "user-4")),
        c("sms_reactions_reacted_by_not_blank", "sms_reactions", "reacted_by",
            reaction(MESSAGE, "emoji", "😀", "user-5"), reaction(MESSAGE, "emoji", "😀", "  ")),
        c("uq_sms_reactions_once", "sms_reactions", "reaction_value",
            reaction(MESSAGE, "emoji", "👍", "user-6"), reaction(MESSAGE, "emoji", "👍", "user-1")),

        c("sms_message_status_events_pkey", "sms_message_status_events", "id",
            event(MESSAGE, "NULL", "read"),
            "INSERT INTO smskit.sms_message_status_events (tenant_id, id, message_id, status, occurred_at)"
                + " VALUES ('acme', " + MISSING + ", " + MESSAGE + ", 'read', now()), ('acme', " + MISSING + ", "
                + MESSAGE + ", 'received', now())"),
        c("sms_message_status_events_message_fkey", "sms_message_status_events", "message_id",
            event(MESSAGE, "NULL", "read"), event(MISSING, "NULL", "read")),
        c("sms_message_status_events_status_check", "sms_message_status_events", "status",
            event("NULL", "'SM123'", "undelivered"), event("NULL", "'SM123'", "expired")),
        c("sms_message_status_events_identifies_message", "sms_message_status_events", "message_id",
            event("NULL", "'SM124'", "sent"), event("NULL", "NULL", "sent")),
        c("sms_message_status_events_message_created_at_check", "sms_message_status_events", "message_created_at",
            "INSERT INTO smskit.sms_message_status_events (tenant_id, message_id, message_created_at, status,"
                + " occurred_at) VALUES ('acme', " + MESSAGE + ", '2024-01-01 00:00:00+00', 'read', now())",
            "INSERT INTO smskit.sms_message_status_events (tenant_id, provider_message_sid, message_created_at,"
                + " status, occurred_at) VALUES ('acme', 'SM125', '2024-01-01 00:00:00+00', 'sent', now())"),

        c("sms_opt_outs_pkey", "sms_opt_outs", "id",
            optOut("+14155550140", "'all'", "NULL", "NULL", ", id", ", " + MISSING),
            optOut("+14155550140", "'all'", "NULL", "NULL", ", id", ", " + MISSING) + ";"
                + optOut("+14155550141", "'all'", "NULL", "NULL", ", id", ", " + MISSING)),
        c("sms_opt_outs_service_account_fkey", "sms_opt_outs", "service_account_id",
            optOut("+14155550142", "'service'", SERVICE, "NULL", "", ""),
            optOut("+14155550142", "'service'", MISSING, "NULL", "", "")),
        c("sms_opt_outs_phone_e164", "sms_opt_outs", "phone",
            optOut("+14155550143", "'all'", "NULL", "NULL", "", ""), optOut("4155550143", "'all'", "NULL", "NULL", "", "")),
        c("sms_opt_outs_scope_check", "sms_opt_outs", "scope",
            optOut("+14155550144", "'marketing'", "NULL", "NULL", "", ""),
            optOut("+14155550144", "'everything'", "NULL", "NULL", "", "")),
        c("sms_opt_outs_scope_target", "sms_opt_outs", "scope",
            optOut("+14155550145", "'campaign'", "NULL", "1", "", ""),
            optOut("+14155550145", "'campaign'", "NULL", "NULL", "", "")),
        c("sms_opt_outs_source_check", "sms_opt_outs", "source",
            optOut("+14155550146", "'all'", "NULL", "NULL", "", "").replace("'keyword'", "'provider'"),
            optOut("+14155550146", "'all'", "NULL", "NULL", "", "").replace("'keyword'", "'email'")),
        c("sms_opt_outs_opt_in_source_check", "sms_opt_outs", "opt_in_source",
            optOut("+14155550147", "'all'", "NULL", "NULL", ", opted_in_at, opt_in_source", ", now(), 'api'"),
            optOut("+14155550147", "'all'", "NULL", "NULL", ", opted_in_at, opt_in_source", ", now(), 'fax'")),
        c("sms_opt_outs_opted_in_after_out", "sms_opt_outs", "opted_in_at",
            optOut("+14155550148", "'all'", "NULL", "NULL", ", opted_in_at", ", now()"),
            optOut("+14155550148", "'all'", "NULL", "NULL", ", opted_in_at", ", now() - interval '1 day'")),
        c("uq_sms_opt_outs_active", "sms_opt_outs", "phone",
            optOut("+14155550149", "'all'", "NULL", "NULL", "", "") + ";"
                + optOut("+14155550149", "'marketing'", "NULL", "NULL", "", ""),
            optOut("+14155550149", "'all'", "NULL", "NULL", "", "") + ";"
                + optOut("+14155550149", "'all'", "NULL", "NULL", "", "")),

        c("sms_message_keys_pkey", "sms_message_keys", "key",
            messageKey("'idempotency'", "'order-1'") + ";" + messageKey("'inbound'", "'order-1'"),
            messageKey("'idempotency'", "'order-1'") + ";" + messageKey("'idempotency'", "'order-1'")),
        c("sms_message_keys_message_fkey", "sms_message_keys", "message_id",
            messageKey("'idempotency'", "'k-2'"), messageKey("'idempotency'", "'k-2'").replace(MESSAGE, MISSING)),
        c("sms_message_keys_kind_check", "sms_message_keys", "kind",
            messageKey("'inbound'", "'twilio:SM1'"), messageKey("'outbound'", "'twilio:SM1'")),
        c("sms_message_keys_key_length", "sms_message_keys", "key",
            messageKey("'idempotency'", "'" + "k".repeat(255) + "'"),
            messageKey("'idempotency'", "'" + "k".repeat(256) + "'")),

        c("sms_inbound_fragments_pkey", "sms_inbound_fragments", "part",
            fragment(1, 2) + ";" + fragment(2, 2), fragment(1, 2) + ";" + fragment(1, 2)),
        c("sms_inbound_fragments_part_range", "sms_inbound_fragments", "part", fragment(3, 3), fragment(4, 3)),
        c("sms_inbound_fragments_total_range", "sms_inbound_fragments", "total", fragment(1, 255), fragment(1, 256)),

        c("sms_service_accounts_fallback_account_fkey", "sms_service_accounts", "fallback_sender_account_id",
            service(", fallback_sender_account_id", ", " + OTHER_ACCOUNT),
            service(", fallback_sender_account_id", ", " + MISSING)),
        c("sms_service_accounts_fallback_differs", "sms_service_accounts", "fallback_sender_account_id",
            service(", fallback_sender_account_id", ", " + OTHER_ACCOUNT),
            service(", fallback_sender_account_id", ", " + ACCOUNT)),
        c("sms_outbox_pkey", "sms_outbox", "message_id", outbox("", ""), outbox("", "") + ";" + outbox("", "")),
        c("sms_outbox_message_fkey", "sms_outbox", "message_id", outbox("", ""), outbox("", "").replace(MESSAGE, MISSING)),
        c("sms_outbox_priority_range", "sms_outbox", "priority", outbox(", priority", ", 9"),
            outbox(", priority", ", 10")),
        c("sms_outbox_attempts_range", "sms_outbox", "attempts", outbox(", attempts", ", 0"),
            outbox(", attempts", ", -1")),
        c("sms_outbox_lease_complete", "sms_outbox", "lease_until",
            outbox(", lease_owner, lease_until", ", 'w1', now()"), outbox(", lease_owner", ", 'w1'")),
        c("sms_send_attempts_pkey", "sms_send_attempts", "attempt", attempt(1, "'sent'", "now()"),
            attempt(1, "'sent'", "now()") + ";" + attempt(1, "'retry'", "now()")),
        c("sms_send_attempts_message_fkey", "sms_send_attempts", "message_id", attempt(1, "NULL", "NULL"),
            attempt(1, "NULL", "NULL").replace(MESSAGE, MISSING)),
        c("sms_send_attempts_attempt_range", "sms_send_attempts", "attempt", attempt(1, "NULL", "NULL"),
            attempt(0, "NULL", "NULL")),
        c("sms_send_attempts_outcome_check", "sms_send_attempts", "outcome", attempt(1, "'reported'", "now()"),
            attempt(1, "'lost'", "now()")),
        c("sms_send_attempts_finished_after_start", "sms_send_attempts", "finished_at",
            attempt(1, "'sent'", "now() + interval '1 second'"), attempt(1, "'sent'", "now() - interval '1 second'")),
        c("sms_rate_buckets_pkey", "sms_rate_buckets", "target_id", bucket("'number'"),
            bucket("'number'") + ";" + bucket("'number'")),
        c("sms_rate_buckets_kind_check", "sms_rate_buckets", "kind", bucket("'account'"), bucket("'tenant'")),
        c("sms_circuit_breakers_pkey", "sms_circuit_breakers", "account_id", circuit(ACCOUNT, "0"),
            circuit(ACCOUNT, "0") + ";" + circuit(ACCOUNT, "1")),
        c("sms_circuit_breakers_account_fkey", "sms_circuit_breakers", "account_id", circuit(ACCOUNT, "0"),
            circuit(MISSING, "0")),
        c("sms_circuit_breakers_failures_range", "sms_circuit_breakers", "consecutive_failures",
            circuit(ACCOUNT, "3"), circuit(ACCOUNT, "-1")),
        c("sms_account_pauses_pkey", "sms_account_pauses", "account_id", pause(ACCOUNT),
            pause(ACCOUNT) + ";" + pause(ACCOUNT)),
        c("sms_account_pauses_account_fkey", "sms_account_pauses", "account_id", pause(ACCOUNT), pause(MISSING)),
        c("sms_held_messages_pkey", "sms_held_messages", "message_id", held(MESSAGE, "1", "0"),
            held(MESSAGE, "1", "0") + ";" + held(MESSAGE, "2", "0")),
        c("sms_held_messages_message_fkey", "sms_held_messages", "message_id", held(MESSAGE, "1", "0"),
            held(MISSING, "1", "0")),
        c("sms_held_messages_attempt_range", "sms_held_messages", "attempt", held(MESSAGE, "1", "0"),
            held(MESSAGE, "0", "0")),
        c("sms_held_messages_checks_range", "sms_held_messages", "checks", held(MESSAGE, "1", "3"),
            held(MESSAGE, "1", "-1")),
        c("sms_key_checks_pkey", "sms_key_checks", "key_id", keyCheck("k1", "'enc:v1:k1:AAEC'"),
            keyCheck("k1", "'enc:v1:k1:AAEC'") + ";" + keyCheck("k1", "'enc:v1:k1:AwQF'")),
        c("sms_key_checks_key_id_format", "sms_key_checks", "key_id", keyCheck("k-2.b_3", "'enc:v1:k-2.b_3:AAEC'"),
            keyCheck("k 2", "'enc:v1:k 2:AAEC'")),
        c("sms_key_checks_check_value_format", "sms_key_checks", "check_value",
            keyCheck("k1", "'enc:v1:k1:AAECAw=='"), keyCheck("k1", "'enc:v1:k2:AAECAw=='")),
        c("sms_key_checks_check_value_format", "sms_key_checks", "check_value",
            keyCheck("k.1", "'enc:v1:k.1:AAEC'"), keyCheck("k.1", "'enc:v1:k.1:not base64!'")),
        c("sms_analysis_tasks_pkey", "sms_analysis_tasks", "conversation_id", task("'conv-1'", "0", ""),
            task("'conv-1'", "0", "") + ";" + task("'conv-1'", "1", "")),
        c("sms_analysis_tasks_conversation_fkey", "sms_analysis_tasks", "conversation_id", task("'conv-1'", "0", ""),
            task("'conv-missing'", "0", "")),
        c("sms_analysis_tasks_attempts_range", "sms_analysis_tasks", "attempts", task("'conv-1'", "0", ""),
            task("'conv-1'", "-1", "")),
        c("sms_analysis_tasks_lease", "sms_analysis_tasks", "lease_until", task("'conv-1'", "1", "'w1', now()"),
            task("'conv-1'", "1", "'w1', NULL")),
        c("sms_analysis_sweeps_pkey", "sms_analysis_sweeps", "id", sweep("1"), sweep("1") + ";" + sweep("1")),
        c("sms_analysis_sweeps_single", "sms_analysis_sweeps", "id", sweep("1"), sweep("2")),
        c("sms_analyzer_settings_pkey", "sms_analyzer_settings", "tenant_id", analyzer("'lexicon'", "'{}'", "'{}'"),
            analyzer("'lexicon'", "'{}'", "'{}'") + ";" + analyzer("'openai'", "'{}'", "'{}'")),
        c("sms_analyzer_settings_analyzer_format", "sms_analyzer_settings", "analyzer",
            analyzer("'open-ai_2'", "'{}'", "'{}'"), analyzer("'OpenAI'", "'{}'", "'{}'")),
        c("sms_analyzer_settings_settings_object", "sms_analyzer_settings", "settings",
            analyzer("'lexicon'", "'{\"a\": \"1\"}'", "'{}'"), analyzer("'lexicon'", "'[]'", "'{}'")),
        c("sms_analyzer_settings_secrets_object", "sms_analyzer_settings", "secrets",
            analyzer("'openai'", "'{}'", "'{\"apiKey\": \"enc:v1:k1:AAEC\"}'"),
            analyzer("'openai'", "'{}'", "'\"key\"'")),
        c("sms_analysis_runs_pkey", "sms_analysis_runs", "id", run(MESSAGE, "'analyzed'", "5"),
            run(MESSAGE, "'analyzed'", "5") + ";" + run(MESSAGE, "'failed'", "5")),
        c("sms_analysis_runs_outcome_check", "sms_analysis_runs", "outcome", run(MESSAGE, "'unchanged'", "0"),
            run(MESSAGE, "'skipped'", "0")),
        c("sms_analysis_runs_counts", "sms_analysis_runs", "latency_ms", run(MESSAGE, "'analyzed'", "0"),
            run(MESSAGE, "'analyzed'", "-1")));
  }

  static String task(String conversation, String attempts, String lease) {
    return "INSERT INTO smskit.sms_analysis_tasks (tenant_id, conversation_id, due_at, first_requested_at,"
        + " seen_message_at, attempts" + (lease.isEmpty() ? "" : ", lease_owner, lease_until") + ") VALUES ('acme', "
        + conversation + ", now(), now(), now(), " + attempts + (lease.isEmpty() ? "" : ", " + lease) + ")";
  }

  static String sweep(String id) {
    return "INSERT INTO smskit.sms_analysis_sweeps (id, swept_to) VALUES (" + id + ", now())";
  }

  static String analyzer(String name, String settings, String secrets) {
    return "INSERT INTO smskit.sms_analyzer_settings (tenant_id, analyzer, settings, secrets) VALUES ('acme', "
        + name + ", " + settings + ", " + secrets + ")";
  }

  static String run(String id, String outcome, String latency) {
    return "INSERT INTO smskit.sms_analysis_runs (tenant_id, id, conversation_id, analyzer, outcome, latency_ms,"
        + " messages) VALUES ('acme', " + id + ", 'conv-1', 'lexicon', " + outcome + ", " + latency + ", 1)";
  }

  static String keyCheck(String keyId, String value) {
    return "INSERT INTO smskit.sms_key_checks (key_id, check_value) VALUES ('" + keyId + "', " + value + ")";
  }

  static String pause(String account) {
    return "INSERT INTO smskit.sms_account_pauses (tenant_id, account_id, paused_until) VALUES ('acme', " + account
        + ", now())";
  }

  static String held(String message, String attempt, String checks) {
    return "INSERT INTO smskit.sms_held_messages (tenant_id, message_id, held_at, attempt, reason, checks)"
        + " VALUES ('acme', " + message + ", now(), " + attempt + ", 'outcome_unknown', " + checks + ")";
  }

  private static Arguments c(String constraint, String table, String field, String accepted, String refused) {
    return Arguments.of(constraint, table, field, accepted, refused);
  }

  /** Thrown to roll a transaction back after checking what it did. */
  private static final class Rollback extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void constraintAcceptsWhatItMustAndRefusesWhatItMust(String constraint, String table, String field,
      String accepted, String refused) {
    long before = rows(table);
    try {
      tx(r -> {
        r.dsl().execute(accepted);
        throw new Rollback();
      });
    } catch (Rollback expected) {
      // accepted; rolled back so that every case starts from the same seed
    }

    assertThatThrownBy(() -> tx(r -> r.dsl().execute(refused)))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> {
          InvalidInputException error = (InvalidInputException) e;
          assertThat(error.field()).isEqualTo(field);
          assertThat(error.getMessage()).startsWith(field + ": ");
          assertThat(error.rule()).isEqualTo(ConstraintRules.forConstraint(constraint).orElseThrow().rule());
          if (constraint.contains("pkey") || constraint.contains("fkey") || constraint.startsWith("idx_")
              || constraint.startsWith("uq_") || constraint.endsWith("_key")) {
            assertThat(error).isInstanceOf(ConflictException.class);
          }
        });
    assertThat(rows(table)).as("nothing written").isEqualTo(before);
  }

  @Test
  void everyConstraintOfTheCatalogHasARuleAndACase() {
    List<String> catalog = new ArrayList<>(db.strings("SELECT c.conname FROM pg_constraint c"
        + " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'smskit'"
        + " AND c.conrelid <> 'smskit.smskit_schema_history'::regclass AND c.contype IN ('c', 'f', 'p', 'u')"
        // Partitions carry their parent's constraints (their own names are mapped by ConstraintRules), and a
        // foreign key to a partitioned table has one internal child constraint per partition.
        + " AND NOT (SELECT relispartition FROM pg_class WHERE oid = c.conrelid) AND c.conparentid = 0"));
    catalog.addAll(db.strings("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'smskit' AND i.indisunique"
        + " AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        + " AND NOT (SELECT relispartition FROM pg_class WHERE oid = i.indrelid)"));
    Set<String> tested = new HashSet<>();
    cases().forEach(a -> tested.add((String) a.get()[0]));

    assertThat(ConstraintRules.names()).containsExactlyInAnyOrderElementsOf(catalog);
    assertThat(tested).containsExactlyInAnyOrderElementsOf(catalog);
  }

  @Test
  void nullInANotNullColumnNamesTheColumn() {
    long before = rows("sms_messages");
    assertThatThrownBy(() -> tx(r -> r.dsl().execute(
        "INSERT INTO smskit.sms_messages (tenant_id, from_number, to_number, status, conversation_id)"
            + " VALUES ('acme', '+14155550100', '+14155550111', 'queued', 'conv-1')")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("direction: must not be null");
    assertThat(rows("sms_messages")).isEqualTo(before);
  }

  private static long rows(String table) {
    return count("SELECT count(*) FROM smskit." + table);
  }
}
