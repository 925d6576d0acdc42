package org.smskit.jooq.analysis;

import static org.smskit.jooq.generated.Tables.SMS_ANALYSIS_RUNS;
import static org.smskit.jooq.generated.Tables.SMS_ANALYSIS_SWEEPS;
import static org.smskit.jooq.generated.Tables.SMS_ANALYSIS_TASKS;
import static org.smskit.jooq.generated.Tables.SMS_ANALYZER_SETTINGS;
import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_META_CONVERSATION;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
import org.smskit.core.analysis.AnalysisMessage;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.model.Direction;
import org.smskit.core.model.StoredEnum;

/**
 * The statements of conversation analysis, over one transaction's jOOQ context; every statement names the tenant
 * it touches, so it serves the worker (all tenants) and on-demand analysis (one) alike.
 */
final class AnalysisQueue {
  /** A sweep looks this far behind its watermark for messages committed after a later one was swept. */
  static final Duration SWEEP_MARGIN = Duration.ofMinutes(1);
  private static final Duration FIRST_SWEEP = Duration.ofHours(1);

  private final DSLContext dsl;
  private final String schema;

  AnalysisQueue(DSLContext dsl, String schema) {
    this.dsl = dsl;
    this.schema = '"' + schema + '"';
  }

  /** A claimed task: a conversation to analyse, and the how-manieth attempt this is. */
  record Task(String tenant, String conversationId, int attempt) {}

  /** The messages an analysis reads, the rollup's last_message_at when read, and the stored fingerprint. */
  record Window(List<AnalysisMessage> messages, List<UUID> ids, @Nullable Instant lastMessageAt,
      @Nullable String storedFingerprint) {

    /** What the analysis of this window by an analyzer with {@code analyzerFingerprint} is cached under. */
    String fingerprint(String analyzerFingerprint) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(analyzerFingerprint.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < ids.size(); i++) {
          sha.update((byte) 0);
          sha.update(ids.get(i).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(messages.get(i).text().getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }
  }

  /**
   * Marks stale the conversations of every tenant that got a message since the last sweep (less {@link
   * #SWEEP_MARGIN}) after their last analysis: one task each, due {@code debounce} after now, or kept at its due
   * time when nothing new came since it was last marked; never later than {@code maxDelay} after first marked.
   * Reads each tenant's recent conversations through the rollup's (tenant_id, last_message_at) index. Returns how
   * many tasks were added or moved.
   *
   * <p>The stale rows are share-locked, skipping those being written: an analysis committed after this
   * statement's snapshot is re-read (not marked again), one being stored holds its row (skipped; it will not be
   * stale), and a message being written is found by the next sweep, whose look-back covers it.
   */
  int sweep(Instant now, Duration debounce, Duration maxDelay) {
    var w = SMS_ANALYSIS_SWEEPS;
    // The first sweep of an installation starts an hour back: conversations quiet before that are analysed on
    // demand, not all at once by a worker that was just switched on.
    Instant since = dsl.select(w.SWEPT_TO).from(w).where(w.ID.eq((short) 1)).forUpdate()
        .fetchOptional(w.SWEPT_TO).orElse(now.minus(FIRST_SWEEP));
    int marked = dsl.execute("""
        WITH RECURSIVE tenants AS (
          (SELECT tenant_id FROM %1$s.sms_meta_conversation ORDER BY tenant_id LIMIT 1)
          UNION ALL
          SELECT (SELECT c.tenant_id FROM %1$s.sms_meta_conversation c WHERE c.tenant_id > t.tenant_id
                  ORDER BY c.tenant_id LIMIT 1)
          FROM tenants t WHERE t.tenant_id IS NOT NULL),
        stale AS (
          SELECT c.tenant_id, c.conversation_id, c.last_message_at FROM tenants t
          CROSS JOIN LATERAL (
            SELECT c.tenant_id, c.conversation_id, c.last_message_at
            FROM %1$s.sms_meta_conversation c
            WHERE c.tenant_id = t.tenant_id AND c.last_message_at > CAST(? AS timestamptz)
              AND (c.ai_input_last_message_at IS NULL OR c.ai_input_last_message_at < c.last_message_at)
            FOR SHARE OF c SKIP LOCKED) c
          WHERE t.tenant_id IS NOT NULL)
        INSERT INTO %1$s.sms_analysis_tasks AS t (tenant_id, conversation_id, due_at, first_requested_at,
          seen_message_at)
        SELECT tenant_id, conversation_id, CAST(? AS timestamptz), CAST(? AS timestamptz), last_message_at FROM stale
        ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
          due_at = least(greatest(t.due_at, excluded.due_at), t.first_requested_at + CAST(? AS interval)),
          seen_message_at = excluded.seen_message_at
        WHERE excluded.seen_message_at > t.seen_message_at
        """.formatted(schema), since.minus(SWEEP_MARGIN), now.plus(debounce), now, maxDelay.toMillis() + " milliseconds");
    dsl.insertInto(w).set(w.ID, (short) 1).set(w.SWEPT_TO, now)
        .onConflict(w.ID).doUpdate().set(w.SWEPT_TO, DSL.greatest(w.SWEPT_TO, DSL.excluded(w.SWEPT_TO)))
        .execute();
    return marked;
  }

  /** Leases up to {@code limit} due tasks to {@code owner} ({@code SKIP LOCKED}: workers never wait for each other). */
  List<Task> claim(String owner, Instant now, Duration lease, int limit) {
    var t = SMS_ANALYSIS_TASKS;
    var due = dsl.select(t.TENANT_ID, t.CONVERSATION_ID).from(t)
        .where(t.DUE_AT.le(now), t.LEASE_UNTIL.isNull().or(t.LEASE_UNTIL.lt(now)))
        .orderBy(t.DUE_AT).limit(limit).forUpdate().skipLocked();
    return dsl.update(t)
        .set(t.LEASE_OWNER, owner).set(t.LEASE_UNTIL, now.plus(lease)).set(t.ATTEMPTS, t.ATTEMPTS.plus(1))
        .where(DSL.row(t.TENANT_ID, t.CONVERSATION_ID).in(due))
        .returning(t.TENANT_ID, t.CONVERSATION_ID, t.ATTEMPTS)
        .fetch(r -> new Task(r.get(t.TENANT_ID), r.get(t.CONVERSATION_ID), r.get(t.ATTEMPTS)));
  }

  /**
   * The newest {@code maxMessages} messages of a conversation with text (canceled and failed sends left out), cut
   * to {@code maxChars} from the newest, oldest first; empty when the conversation is gone.
   */
  java.util.Optional<Window> window(String tenant, String conversationId, int maxMessages, int maxChars) {
    var mc = SMS_META_CONVERSATION;
    var conversation = dsl.select(mc.LAST_MESSAGE_AT, mc.AI_INPUT_FINGERPRINT).from(mc)
        .where(mc.TENANT_ID.eq(tenant), mc.CONVERSATION_ID.eq(conversationId)).fetchOptional();
    if (conversation.isEmpty()) {
      return java.util.Optional.empty();
    }
    var m = SMS_MESSAGES;
    List<AnalysisMessage> messages = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    int chars = 0;
    for (var r : dsl.select(m.ID, m.DIRECTION, m.BODY, m.CREATED_AT).from(m)
        .where(m.TENANT_ID.eq(tenant), m.CONVERSATION_ID.eq(conversationId), m.BODY.isNotNull(), m.BODY.ne(""),
            m.STATUS.notIn("canceled", "failed"))
        .orderBy(m.CREATED_AT.desc(), m.ID.desc()).limit(maxMessages).fetch()) {
      chars += r.get(m.BODY).length();
      if (chars > maxChars && !messages.isEmpty()) {
        break;
      }
      messages.add(new AnalysisMessage(StoredEnum.fromDb(Direction.class, "direction", r.get(m.DIRECTION)),
          r.get(m.CREATED_AT), r.get(m.BODY)));
      ids.add(r.get(m.ID));
    }
    Collections.reverse(messages);
    Collections.reverse(ids);
    return java.util.Optional.of(new Window(messages, ids, conversation.get().value1(),
        conversation.get().value2()));
  }

  /**
   * Stores an analysis of {@code window} on the conversation, unless a stored one read later messages (a slower
   * analysis of older input never overwrites a newer one). Returns whether it was stored.
   */
  boolean store(String tenant, String conversationId, Window window, String fingerprint,
      @Nullable ConversationAnalysis analysis, Instant now) {
    var mc = SMS_META_CONVERSATION;
    var update = dsl.update(mc)
        .set(mc.AI_INPUT_FINGERPRINT, fingerprint)
        .set(mc.AI_INPUT_LAST_MESSAGE_AT, window.lastMessageAt());
    if (analysis != null) {
      update = update
          .set(mc.SUMMARY_TEXT, analysis.summary())
          .set(mc.KEY_POINTS, analysis.keyPoints().toArray(String[]::new))
          .set(mc.SENTIMENT_SCORE, decimal(analysis.sentimentScore()))
          .set(mc.EMOTION, analysis.emotion())
          .set(mc.AI_INTENT, analysis.intent())
          .set(mc.AI_LANGUAGE, analysis.language())
          .set(mc.AI_MODEL, analysis.model() + "/" + analysis.modelVersion())
          .set(mc.CONFIDENCE_SCORE, decimal(analysis.confidence()))
          .set(mc.SUMMARY_UPDATED_AT, now);
    }
    return update.where(mc.TENANT_ID.eq(tenant), mc.CONVERSATION_ID.eq(conversationId),
            window.lastMessageAt() == null ? DSL.noCondition()
                : mc.AI_INPUT_LAST_MESSAGE_AT.isNull().or(mc.AI_INPUT_LAST_MESSAGE_AT.le(window.lastMessageAt())))
        .execute() == 1;
  }

  private static @Nullable BigDecimal decimal(@Nullable Double value) {
    return value == null ? null : BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN);
  }

  /**
   * Locks the task's conversation, then the task if {@code owner} still holds it; false when its lease was lost
   * to another worker. In that order because a sweep locks conversations before it writes their tasks.
   */
  boolean stillOwned(Task task, String owner) {
    var mc = SMS_META_CONVERSATION;
    dsl.selectOne().from(mc).where(mc.TENANT_ID.eq(task.tenant()), mc.CONVERSATION_ID.eq(task.conversationId()))
        .forNoKeyUpdate().fetchOptional();
    var t = SMS_ANALYSIS_TASKS;
    return dsl.selectOne().from(t)
        .where(t.TENANT_ID.eq(task.tenant()), t.CONVERSATION_ID.eq(task.conversationId()), t.LEASE_OWNER.eq(owner))
        .forUpdate().fetchOptional().isPresent();
  }

  /**
   * Ends the task {@code owner} holds: deleted when the analysis read every message the sweep had seen, else
   * released (due as it was) so that the newer messages are analysed too.
   */
  void finish(Task task, String owner, @Nullable Instant analysedUpTo) {
    var t = SMS_ANALYSIS_TASKS;
    var mine = DSL.and(t.TENANT_ID.eq(task.tenant()), t.CONVERSATION_ID.eq(task.conversationId()),
        t.LEASE_OWNER.eq(owner));
    int deleted = dsl.deleteFrom(t)
        .where(mine, analysedUpTo == null ? DSL.noCondition() : t.SEEN_MESSAGE_AT.le(analysedUpTo)).execute();
    if (deleted == 0) {
      dsl.update(t).setNull(t.LEASE_OWNER).setNull(t.LEASE_UNTIL).set(t.ATTEMPTS, 0).setNull(t.LAST_ERROR)
          .where(mine).execute();
    }
  }

  /** Gives the task back to be tried at {@code due}, with the error. */
  void retry(Task task, String owner, Instant due, String error) {
    var t = SMS_ANALYSIS_TASKS;
    dsl.update(t).setNull(t.LEASE_OWNER).setNull(t.LEASE_UNTIL).set(t.DUE_AT, due).set(t.LAST_ERROR, error)
        .where(t.TENANT_ID.eq(task.tenant()), t.CONVERSATION_ID.eq(task.conversationId()), t.LEASE_OWNER.eq(owner))
        .execute();
  }

  /**
   * Drops a task that failed for good, and counts the messages it was for as seen, so that only the conversation's
   * next message marks it again (the stored analysis, if any, stays).
   */
  void giveUp(Task task, String owner, @Nullable Instant seenUpTo) {
    var t = SMS_ANALYSIS_TASKS;
    dsl.deleteFrom(t)
        .where(t.TENANT_ID.eq(task.tenant()), t.CONVERSATION_ID.eq(task.conversationId()), t.LEASE_OWNER.eq(owner))
        .execute();
    if (seenUpTo != null) {
      var mc = SMS_META_CONVERSATION;
      dsl.update(mc).set(mc.AI_INPUT_LAST_MESSAGE_AT, seenUpTo)
          .where(mc.TENANT_ID.eq(task.tenant()), mc.CONVERSATION_ID.eq(task.conversationId()),
              mc.AI_INPUT_LAST_MESSAGE_AT.isNull().or(mc.AI_INPUT_LAST_MESSAGE_AT.lt(seenUpTo)))
          .execute();
    }
  }

  /** A tenant's chosen analyzer: its settings, its secrets as stored (encrypted), when it was last changed. */
  record StoredAnalyzer(String analyzer, java.util.Map<String, String> settings, java.util.Map<String, String> secrets,
      Instant updatedAt) {}

  java.util.Optional<StoredAnalyzer> analyzer(String tenant) {
    var s = SMS_ANALYZER_SETTINGS;
    return dsl.selectFrom(s).where(s.TENANT_ID.eq(tenant)).fetchOptional()
        .map(r -> new StoredAnalyzer(r.getAnalyzer(), map(r.getSettings()), map(r.getSecrets()), r.getUpdatedAt()));
  }

  void saveAnalyzer(String tenant, String analyzer, java.util.Map<String, String> settings,
      java.util.Map<String, String> encryptedSecrets, Instant now) {
    var s = SMS_ANALYZER_SETTINGS;
    dsl.insertInto(s).set(s.TENANT_ID, tenant).set(s.ANALYZER, analyzer).set(s.SETTINGS, json(settings))
        .set(s.SECRETS, json(encryptedSecrets)).set(s.UPDATED_AT, now)
        .onConflict(s.TENANT_ID).doUpdate()
        .set(s.ANALYZER, analyzer).set(s.SETTINGS, json(settings)).set(s.SECRETS, json(encryptedSecrets))
        .set(s.UPDATED_AT, now)
        .execute();
  }

  /**
   * Replaces a tenant's stored secrets with {@code next} if they are still {@code expected} (a rotation must not
   * undo a change made meanwhile); the settings' version ({@code updated_at}) stays: the values are the same.
   */
  boolean replaceSecrets(String tenant, java.util.Map<String, String> expected, java.util.Map<String, String> next) {
    var s = SMS_ANALYZER_SETTINGS;
    return dsl.update(s).set(s.SECRETS, json(next))
        .where(s.TENANT_ID.eq(tenant), s.SECRETS.eq(json(expected)))
        .execute() == 1;
  }

  private static org.jooq.JSONB json(java.util.Map<String, String> values) {
    return org.jooq.JSONB.valueOf(org.jooq.tools.json.JSONObject.toJSONString(new java.util.TreeMap<>(values)));
  }

  private static java.util.Map<String, String> map(org.jooq.JSONB json) {
    try {
      java.util.Map<String, String> out = new java.util.TreeMap<>();
      ((java.util.Map<?, ?>) new org.jooq.tools.json.JSONParser().parse(json.data()))
          .forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      return out;
    } catch (org.jooq.tools.json.ParseException e) {
      throw new IllegalStateException("sms_analyzer_settings holds JSON that does not parse", e);
    }
  }

  /** One audit row: what ran, for how long, with what outcome (never message text). */
  void audit(String tenant, String conversationId, String analyzer, @Nullable ConversationAnalysis analysis,
      String outcome, @Nullable String errorCode, long latencyMillis, int messages) {
    var r = SMS_ANALYSIS_RUNS;
    dsl.insertInto(r)
        .set(r.TENANT_ID, tenant)
        .set(r.CONVERSATION_ID, conversationId)
        .set(r.ANALYZER, analyzer)
        .set(r.MODEL, analysis == null ? null : analysis.model())
        .set(r.MODEL_VERSION, analysis == null ? null : analysis.modelVersion())
        .set(r.OUTCOME, outcome)
        .set(r.ERROR_CODE, errorCode)
        .set(r.PROMPT_TOKENS, analysis == null ? 0 : analysis.promptTokens())
        .set(r.COMPLETION_TOKENS, analysis == null ? 0 : analysis.completionTokens())
        .set(r.LATENCY_MS, (int) Math.min(Integer.MAX_VALUE, latencyMillis))
        .set(r.MESSAGES, messages)
        .execute();
  }
}
