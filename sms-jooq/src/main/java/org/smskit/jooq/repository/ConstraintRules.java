package org.smskit.jooq.repository;

import java.util.Map;
import java.util.Optional;

/**
 * What each named constraint of the schema means, in the caller's words: the field it guards and the rule. A
 * test checks that every constraint in the migrated catalog has an entry here, so a new constraint cannot ship
 * with an unreadable error.
 */
final class ConstraintRules {
  /** A field and the rule that a constraint enforces on it. */
  record Rule(String field, String rule) {}

  private static final String E164 = "must be E.164 (+ and 2 to 15 digits, no leading 0)";
  private static final String ADDRESS = "must be an E.164 number, a short code (3 to 8 digits) or an alphanumeric"
      + " sender ID (1 to 11 of A-Z, a-z, 0-9, space, '&', '_', '-', with a letter)";
  private static final String FLAG = "must be 0 or 1";
  private static final String JSON_OBJECT = "must be a JSON object";
  private static final String PROVIDER = "must be a lower-case provider name ([a-z][a-z0-9_-]*)";
  private static final String NOT_BLANK = "must not be blank";

  private static final Map<String, Rule> RULES = Map.ofEntries(
      // Shared shape of tenant ids (one constraint guards the first table; the Java type guards the rest).
      entry("sms_sender_accounts_tenant_id_format", "tenant_id", "must be 1 to 64 of A-Z, a-z, 0-9, '_', '.', '-'"),
      entry("sms_sender_accounts_pkey", "id", "already exists"),
      entry("sms_sender_accounts_provider_format", "provider", PROVIDER),
      entry("sms_sender_accounts_auth_token_encrypted", "auth_token",
          "must be encrypted (enc:v1:<keyId>:<base64>); plaintext tokens are refused"),
      entry("sms_sender_accounts_settings_object", "settings", JSON_OBJECT),
      entry("sms_sender_accounts_is_active_flag", "is_active", FLAG),

      entry("sms_sender_phone_numbers_pkey", "id", "already exists"),
      entry("sms_sender_phone_numbers_account_fkey", "account_id", "must name an existing sender account"),
      entry("sms_sender_phone_numbers_phone_number_e164", "phone_number", E164),
      entry("sms_sender_phone_numbers_is_primary_flag", "is_primary", FLAG),
      entry("sms_sender_phone_numbers_is_active_flag", "is_active", FLAG),
      entry("idx_sms_phone_numbers_phone", "phone_number", "is already registered"),
      entry("uq_sms_phone_numbers_one_primary", "is_primary", "an account has at most one primary number"),

      entry("sms_service_accounts_pkey", "id", "already exists"),
      entry("sms_service_accounts_sender_account_fkey", "sender_account_id", "must name an existing sender account"),
      entry("sms_service_accounts_service_type_check", "service_type",
          "must be one of campaign, conversation, support, marketing, transactional"),
      entry("sms_service_accounts_service_name_not_blank", "service_name", NOT_BLANK),
      entry("sms_service_accounts_settings_object", "settings", JSON_OBJECT),
      entry("sms_service_accounts_campaign_erp_fkey", "linked_campaign_id", "must name an existing campaign"),
      entry("sms_service_accounts_project_erp_fkey", "linked_project_id", "must name an existing project"),

      entry("sms_contacts_pkey", "id", "already exists"),
      entry("sms_contacts_assigned_phone_number_fkey", "assigned_phone_number_id",
          "must name an existing sender phone number"),
      entry("sms_contacts_phone_e164", "phone", E164),
      entry("sms_contacts_country_code_digits", "country_code", "must be 1 to 3 digits without +"),
      entry("sms_contacts_area_code_digits", "area_code", "must be 1 to 6 digits"),
      entry("idx_sms_contacts_phone", "phone", "a contact with this number already exists"),

      entry("sms_meta_conversation_pkey", "id", "already exists"),
      entry("sms_meta_conversation_conversation_id_key", "conversation_id", "already exists"),
      entry("sms_meta_conversation_conversation_id_format", "conversation_id",
          "must be 1 to 200 of A-Z, a-z, 0-9, '_', '.', ':', '+', '@', '=', '-'"),
      entry("sms_meta_conversation_status_check", "status", "must be one of active, inactive, archived, spam"),
      entry("sms_meta_conversation_priority_check", "priority", "must be one of low, medium, high, urgent"),
      entry("sms_meta_conversation_state_check", "state", "must be one of open, pending, snoozed, closed"),
      entry("sms_meta_conversation_message_count_range", "message_count", "must not be negative"),
      entry("sms_meta_conversation_unread_count_range", "unread_count",
          "must be between 0 and message_count"),
      entry("sms_meta_conversation_sentiment_score_range", "sentiment_score", "must be between -1 and 1"),
      entry("sms_meta_conversation_confidence_score_range", "confidence_score", "must be between 0 and 1"),
      entry("sms_meta_conversation_end_after_start", "conversation_end", "must not be before conversation_start"),
      entry("sms_meta_conversation_customer_erp_fkey", "customer_id_crm", "must name an existing CRM customer"),
      entry("sms_meta_conversation_staff_erp_fkey", "assigned_staff_id", "must name an existing user"),

      entry("sms_messages_pkey", "id", "already exists"),
      entry("sms_messages_conversation_fkey", "conversation_id", "must name an existing conversation"),
      entry("sms_messages_sender_phone_number_fkey", "sender_phone_number_id",
          "must name an existing sender phone number"),
      entry("sms_messages_service_account_fkey", "service_account_id", "must name an existing service account"),
      entry("sms_messages_direction_check", "direction", "must be inbound or outbound"),
      entry("sms_messages_status_check", "status",
          "must be received or read for inbound; scheduled, queued, sending, sent, delivered, undelivered, failed,"
              + " canceled or read for outbound"),
      entry("sms_messages_from_number_address", "from_number", ADDRESS),
      entry("sms_messages_to_number_address", "to_number", ADDRESS),
      entry("sms_messages_body_length", "body", "must be at most 1600 characters"),
      entry("sms_messages_outbound_content", "body", "an outbound message needs a body or media"),
      entry("sms_messages_media_count_range", "media_count", "must not be negative"),
      entry("sms_messages_provider_format", "provider", PROVIDER),
      entry("sms_messages_metadata_object", "metadata", JSON_OBJECT),
      entry("sms_messages_message_type_check", "message_type", "must be sms or mms"),
      entry("sms_messages_segment_count_range", "segment_count", "must be at least 1"),
      entry("sms_messages_encoding_check", "encoding", "must be gsm7 or ucs2"),
      entry("sms_messages_price_pair", "price_unit", "must be given exactly when price is"),
      entry("sms_messages_price_unit_iso", "price_unit", "must be an ISO 4217 code such as USD"),
      entry("sms_messages_price_positive", "price", "must not be negative"),

      entry("sms_attachments_pkey", "id", "already exists"),
      entry("sms_attachments_message_fkey", "message_id", "must name an existing message"),
      entry("sms_attachments_file_url_not_blank", "file_url", NOT_BLANK),
      entry("sms_attachments_file_size_range", "file_size", "must not be negative"),
      entry("sms_attachments_mime_type_format", "mime_type", "must be a MIME type such as image/jpeg"),

      entry("sms_reactions_pkey", "id", "already exists"),
      entry("sms_reactions_message_fkey", "message_id", "must name an existing message"),
      entry("sms_reactions_reaction_type_not_blank", "reaction_type", NOT_BLANK),
      entry("sms_reactions_reaction_value_not_blank", "reaction_value", "must not be empty"),
      entry("sms_reactions_reacted_by_not_blank", "reacted_by", NOT_BLANK),
      entry("uq_sms_reactions_once", "reaction_value", "this person already gave this reaction to the message"),

      entry("sms_message_status_events_pkey", "id", "already exists"),
      entry("sms_message_status_events_message_fkey", "message_id", "must name an existing message"),
      entry("sms_message_status_events_status_check", "status", "must be a message status"),
      entry("sms_message_status_events_identifies_message", "message_id",
          "a status event needs a message_id or a provider_message_sid"),
      entry("sms_message_status_events_message_created_at_check", "message_created_at",
          "is the created_at of the message_id, and set exactly when message_id is"),

      entry("sms_opt_outs_pkey", "id", "already exists"),
      entry("sms_opt_outs_service_account_fkey", "service_account_id", "must name an existing service account"),
      entry("sms_opt_outs_phone_e164", "phone", E164),
      entry("sms_opt_outs_scope_check", "scope", "must be one of all, marketing, service, campaign"),
      entry("sms_opt_outs_scope_target", "scope",
          "service scope needs service_account_id, campaign scope needs campaign_id, other scopes neither"),
      entry("sms_opt_outs_source_check", "source", "must be keyword, provider or api"),
      entry("sms_opt_outs_opt_in_source_check", "opt_in_source", "must be keyword, provider or api"),
      entry("sms_opt_outs_opted_in_after_out", "opted_in_at", "must not be before opted_out_at"),
      entry("uq_sms_opt_outs_active", "phone", "is already opted out for this scope"),

      entry("sms_message_keys_pkey", "key", "already names a message"),
      entry("sms_message_keys_message_fkey", "message_id", "must name an existing message"),
      entry("sms_message_keys_kind_check", "kind", "must be idempotency or inbound"),
      entry("sms_message_keys_key_length", "key", "must be 1 to 255 characters"),

      entry("sms_inbound_fragments_pkey", "part", "this part is already stored"),
      entry("sms_inbound_fragments_part_range", "part", "must be between 1 and total"),
      entry("sms_inbound_fragments_total_range", "total", "must be between 1 and 255"),

      entry("sms_service_accounts_fallback_account_fkey", "fallback_sender_account_id",
          "must name an existing sender account"),
      entry("sms_service_accounts_fallback_differs", "fallback_sender_account_id",
          "must differ from the service's own sender account"),
      entry("sms_outbox_pkey", "message_id", "is already queued"),
      entry("sms_outbox_message_fkey", "message_id", "must name an existing message"),
      entry("sms_outbox_priority_range", "priority", "must be between 0 and 9"),
      entry("sms_outbox_attempts_range", "attempts", "must not be negative"),
      entry("sms_outbox_lease_complete", "lease_until", "a lease needs both an owner and an end"),
      entry("sms_send_attempts_pkey", "attempt", "this attempt is already recorded"),
      entry("sms_send_attempts_message_fkey", "message_id", "must name an existing message"),
      entry("sms_send_attempts_attempt_range", "attempt", "must be at least 1"),
      entry("sms_send_attempts_outcome_check", "outcome", "must be sent, retry, failed, unknown, held or reported"),
      entry("sms_send_attempts_finished_after_start", "finished_at", "must not be before started_at"),
      entry("sms_rate_buckets_pkey", "target_id", "already has a bucket"),
      entry("sms_rate_buckets_kind_check", "kind", "must be number or account"),
      entry("sms_circuit_breakers_pkey", "account_id", "already has a circuit breaker"),
      entry("sms_circuit_breakers_account_fkey", "account_id", "must name an existing sender account"),
      entry("sms_circuit_breakers_failures_range", "consecutive_failures", "must not be negative"),
      entry("sms_account_pauses_pkey", "account_id", "is already paused"),
      entry("sms_account_pauses_account_fkey", "account_id", "must name an existing sender account"),
      entry("sms_held_messages_pkey", "message_id", "is already held"),
      entry("sms_held_messages_message_fkey", "message_id", "must name an existing message"),
      entry("sms_held_messages_attempt_range", "attempt", "must be at least 1"),
      entry("sms_held_messages_checks_range", "checks", "must not be negative"),
      entry("sms_key_checks_pkey", "key_id", "already has a key check value"),
      entry("sms_key_checks_key_id_format", "key_id", "must be 1 to 64 of A-Z, a-z, 0-9, '_', '.', '-'"),
      entry("sms_key_checks_check_value_format", "check_value",
          "must be enc:v1:<keyId>:<base64> made with the row's key id"),
      entry("sms_analysis_tasks_pkey", "conversation_id", "already has a pending analysis"),
      entry("sms_analysis_tasks_conversation_fkey", "conversation_id", "must name an existing conversation"),
      entry("sms_analysis_tasks_attempts_range", "attempts", "must not be negative"),
      entry("sms_analysis_tasks_lease", "lease_until", "a lease needs both an owner and an end"),
      entry("sms_analysis_sweeps_pkey", "id", "the installation has one sweep watermark"),
      entry("sms_analysis_sweeps_single", "id", "must be 1: the installation has one sweep watermark"),
      entry("sms_analyzer_settings_pkey", "tenant_id", "already has an analyzer"),
      entry("sms_analyzer_settings_analyzer_format", "analyzer",
          "must be a lower-case SPI name of at most 50 characters"),
      entry("sms_analyzer_settings_settings_object", "settings", "must be a JSON object"),
      entry("sms_analyzer_settings_secrets_object", "secrets", "must be a JSON object"),
      entry("sms_analysis_runs_pkey", "id", "is already recorded"),
      entry("sms_analysis_runs_outcome_check", "outcome", "must be analyzed, unsupported_language, unchanged or failed"),
      entry("sms_analysis_runs_counts", "latency_ms", "tokens, latency and messages must not be negative"));

  /**
   * The dispatch invariant, checked at commit by constraint triggers (they raise under these names): no outbound
   * message may be left stranded.
   */
  private static final Map<String, Rule> INVARIANTS = Map.ofEntries(
      entry("sms_messages_queued_in_outbox", "status",
          "a queued or scheduled message must stay in the outbox until it is sent"),
      entry("sms_messages_sending_attempted", "status", "a message can only be sending after an attempt to send it"),
      entry("sms_messages_sending_accounted", "status",
          "a sending message must be leased to a dispatcher, held, or known to its provider"));

  private ConstraintRules() {}

  private static Map.Entry<String, Rule> entry(String constraint, String field, String rule) {
    return Map.entry(constraint, new Rule(field, rule));
  }

  /**
   * A partition of {@code sms_messages} reports its own index names ({@code sms_messages_p2026_12_pkey}, {@code
   * sms_messages_p_initial_pkey}: {@code <partition>_<name on the parent, less idx_sms_messages_>}).
   */
  private static final java.util.regex.Pattern MESSAGE_PARTITION =
      java.util.regex.Pattern.compile("sms_messages_p(?:_initial|[0-9]{4}_[0-9]{2})_(.+)");

  static Optional<Rule> forConstraint(String constraint) {
    java.util.regex.Matcher partition = MESSAGE_PARTITION.matcher(constraint);
    if (partition.matches()) {
      String suffix = partition.group(1);
      return forConstraint(suffix.equals("pkey") ? "sms_messages_pkey" : "idx_sms_messages_" + suffix);
    }
    return Optional.ofNullable(RULES.getOrDefault(constraint, INVARIANTS.get(constraint)));
  }

  /** The names of the dispatch invariant's rules (raised by triggers, so not in the catalog of constraints). */
  static java.util.Set<String> invariants() {
    return INVARIANTS.keySet();
  }

  static java.util.Set<String> names() {
    return RULES.keySet();
  }
}
