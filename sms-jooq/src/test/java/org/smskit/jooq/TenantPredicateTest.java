package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.smskit.core.PageRequest;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Contact;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.Priority;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.HeldResolution;
import org.smskit.jooq.generated.Smskit;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.analysis.AnalysisWorker;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendRequest;

/**
 * Every SQL statement smskit issues for a tenant names the tenant. A broad scenario runs through the public API of
 * a service whose {@link DataSource} records every statement JDBC is handed; each statement that reads or writes
 * an smskit table must confine every tenant table it names to a tenant: {@code tenant_id} compared with a value
 * (in its WHERE clause, or the ON clause of a join), equal to the {@code tenant_id} of a table that is confined,
 * or among the columns of an INSERT. The exceptions are deliberate and listed in {@link #CROSS_TENANT} by the
 * method that issues them, each with its reason; a failure lists the offending SQL and the smskit method that
 * issued it.
 */
class TenantPredicateTest extends DispatchTestBase {
  static final String HELP = "Acme: help at acme.example. Reply STOP to opt out.";

  /**
   * Statements that are cross-tenant by design, by the method that issues them: a statement is excused when a
   * frame of its stack (at the moment JDBC received it) is one of these methods (or, for an entry ending in a dot,
   * lies in that class or package). Every entry must be needed by the scenario, so that the list cannot rot.
   */
  static final Map<String, String> CROSS_TENANT = Map.of(
      // The dispatcher serves every tenant of the installation from one queue: a claim looks at the due rows of
      // all tenants (FOR UPDATE SKIP LOCKED) and writes each row it defers or leases with its tenant named.
      "org.smskit.jooq.dispatch.DispatchQueue.candidates", "a claim's due rows, of all tenants",
      "org.smskit.jooq.dispatch.DispatchQueue.nextDue", "when a claim that found nothing should look again",
      "org.smskit.jooq.dispatch.DispatchQueue.writeClaim", "the claimed rows, each named by tenant in a VALUES list",
      // A lease belongs to a worker's batch (lease_owner), whichever tenants the batch's messages are of.
      "org.smskit.jooq.dispatch.DispatchQueue.renewLeases", "a batch renews its leases before a request, by owner",
      "org.smskit.jooq.dispatch.DispatchQueue.extendLeases", "a started dispatcher's heartbeat, by owner",
      // A started dispatcher's periodic reconciliation looks up the held messages of every tenant.
      "org.smskit.jooq.dispatch.DispatchQueue.heldToCheck", "held messages of all tenants, least recently checked",
      // Keys belong to the installation, not to a tenant (V5__create_key_checks.sql): verifying a key reads one
      // stored credential per key id, whichever tenant stored it. (sms_key_checks itself has no tenant_id.)
      "org.smskit.jooq.repository.KeyCheckRepository.onePerKeyId", "one stored credential per key id, all tenants",
      // The analysis worker, like the dispatcher, serves every tenant: its sweep walks the tenants of the rollup
      // and marks their stale conversations (each task written with its tenant).
      "org.smskit.jooq.analysis.AnalysisQueue.sweep", "stale conversations of every tenant, marked");

  /**
   * Statements that belong to the installation and run through the same data source when a tenant's service
   * migrates: Flyway's own, and the DDL of the ERP foreign keys. Excused like {@link #CROSS_TENANT}, but not
   * required by the scenario (over a migrated schema they touch no smskit table). Advisory locks name no table
   * and are not checked at all.
   */
  static final Map<String, String> INSTALLATION = Map.of(
      "org.flywaydb.", "Flyway: history table, the migrations' DDL",
      "org.smskit.jooq.schema.SmsSchema.", "the ERP foreign keys (ALTER TABLE under an advisory lock)");

  /** smskit's tables, from the generated code; those without tenant_id are the installation's. */
  static final Set<String> TABLES = Smskit.SMSKIT.getTables().stream().map(Table::getName)
      .collect(Collectors.toCollection(TreeSet::new));
  static final Set<String> GLOBAL_TABLES = Smskit.SMSKIT.getTables().stream()
      .filter(t -> t.field("tenant_id") == null).map(Table::getName).collect(Collectors.toCollection(TreeSet::new));

  @Test
  void everyStatementOfATenantNamesTheTenantExceptTheDeliberateOnes() throws Exception {
    List<Recorded> recorded = new CopyOnWriteArrayList<>();

    scenario(recordingService(recorded), recorded);

    Verdict verdict = verdict(recorded);
    assertThat(verdict.offending()).as("statements on tenant tables without a tenant predicate").isEmpty();
    assertThat(verdict.excusedBy().keySet()).as("cross-tenant exceptions the scenario needed")
        .containsAll(CROSS_TENANT.keySet());
    // Not vacuous: the scenario read or wrote every tenant table (fragments are a Vonage multipart concern the
    // simulated provider never stores), through statements that passed the check.
    Set<String> tenantTables = new TreeSet<>(TABLES);
    tenantTables.removeAll(GLOBAL_TABLES);
    tenantTables.remove("sms_inbound_fragments");
    assertThat(verdict.confinedTables()).as("tenant tables read or written").containsAll(tenantTables);
  }

  @Test
  void keyChecksAreTheOnlyTableWithoutATenant() {
    // A new table without tenant_id is a deliberate decision: add it here, and say why in its migration.
    // sms_analysis_sweeps is the analysis worker's watermark, which spans tenants (V9).
    assertThat(GLOBAL_TABLES).containsExactly("sms_analysis_sweeps", "sms_key_checks");
  }

  @Test
  void aTenantLessQueryThroughTheSameProxyIsCaughtWithItsSql() {
    List<Recorded> recorded = new CopyOnWriteArrayList<>();
    SmsService rec = recordingService(recorded);
    world(rec);
    recorded.clear();

    rec.inTransaction((Repositories r) -> r.dsl().fetchCount(DSL.table(DSL.name("smskit", "sms_messages"))));
    rec.inTransaction((Repositories r) -> r.dsl().select(DSL.field(DSL.name("id"))).from(DSL.table(DSL.name(
        "smskit", "sms_contacts"))).orderBy(DSL.field(DSL.name("tenant_id"))).fetch());
    rec.inTransaction((Repositories r) -> r.dsl().execute("UPDATE smskit.sms_outbox SET attempts = attempts"));

    List<String> offending = verdict(recorded).offending();
    assertThat(offending).hasSize(3);
    assertThat(offending.get(0)).contains("select count(*) from \"smskit\".\"sms_messages\"");
    assertThat(offending.get(1)).as("tenant_id in ORDER BY is no predicate").contains("sms_contacts");
    assertThat(offending.get(2)).contains("UPDATE smskit.sms_outbox SET attempts = attempts");
  }

  @Test
  void exceptionsGoByTheMethodThatIssuedTheStatement() {
    String ddl = "CREATE TABLE sms_outbox (tenant_id text NOT NULL)";
    String claim = "select 1 from \"smskit\".\"sms_outbox\" where \"smskit\".\"sms_outbox\".\"due_at\" <= ?";
    Verdict verdict = verdict(List.of(
        new Recorded(ddl, List.of("org.flywaydb.core.internal.jdbc.JdbcTemplate.executeStatement",
            "org.smskit.jooq.schema.SmsSchema.migrate")),
        new Recorded(claim, List.of("org.smskit.jooq.dispatch.DispatchQueue.candidates",
            "org.smskit.jooq.dispatch.DispatchQueue.claimBatch")),
        new Recorded(claim, List.of("org.smskit.jooq.repository.OutboxRepository.lock"))));

    assertThat(verdict.excusedBy())
        .containsOnlyKeys("org.flywaydb.", "org.smskit.jooq.dispatch.DispatchQueue.candidates");
    assertThat(verdict.offending()).singleElement().asString()
        .contains("issued by org.smskit.jooq.repository.OutboxRepository.lock");
  }

  @Test
  void theCheckerReadsJoinsSubqueriesAliasesInsertsAndRowValues() {
    // Confined: a value, an IN list, a row value, a join on tenant_id with a confined table, an INSERT's columns,
    // hand-written SQL with an alias.
    assertThat(unconfined("select `smskit`.`sms_messages`.`id` from `smskit`.`sms_messages`"
        + " where (`smskit`.`sms_messages`.`tenant_id` = ? and `smskit`.`sms_messages`.`id` = ?)")).isEmpty();
    assertThat(unconfined("select 1 from `smskit`.`sms_outbox` where `smskit`.`sms_outbox`.`tenant_id` in (?, ?)"))
        .isEmpty();
    assertThat(unconfined("select 1 from `smskit`.`sms_rate_buckets` where (`smskit`.`sms_rate_buckets`.`tenant_id`,"
        + " `smskit`.`sms_rate_buckets`.`kind`) in ((?, ?))")).isEmpty();
    assertThat(unconfined("select 1 from `smskit`.`sms_outbox` as `o` join `smskit`.`sms_messages` as `m`"
        + " on (`m`.`tenant_id` = `o`.`tenant_id` and `m`.`id` = `o`.`message_id`) where `o`.`tenant_id` = ?"))
        .isEmpty();
    assertThat(unconfined("insert into `smskit`.`sms_outbox` (`tenant_id`, `message_id`) values (?, ?)"
        + " on conflict do nothing")).isEmpty();
    assertThat(unconfined("DELETE FROM smskit.sms_contacts c WHERE c.tenant_id = ?")).isEmpty();

    // Not confined.
    assertThat(unconfined("select 1 from `smskit`.`sms_outbox` as `o` join `smskit`.`sms_messages` as `m`"
        + " on `m`.`id` = `o`.`message_id` where `o`.`tenant_id` = ?"))
        .as("a join on the id alone").containsExactly("sms_messages");
    assertThat(unconfined("select 1 from `smskit`.`sms_outbox` as `o` join `smskit`.`sms_messages` as `m`"
        + " on `m`.`tenant_id` = `o`.`tenant_id`"))
        .as("joined on tenant_id, but no tenant named").containsExactlyInAnyOrder("sms_outbox", "sms_messages");
    assertThat(unconfined("select 1 from `smskit`.`sms_messages` where `smskit`.`sms_messages`.`tenant_id` = ?"
        + " and exists (select 1 from `smskit`.`sms_outbox` as `x` where `x`.`message_id` ="
        + " `smskit`.`sms_messages`.`id`)"))
        .as("a subquery on another table").containsExactly("sms_outbox");
    assertThat(unconfined("insert into `smskit`.`sms_outbox` (`message_id`) values (?)"))
        .containsExactly("sms_outbox");
    assertThat(unconfined("update `smskit`.`sms_outbox` set `tenant_id` = ?"))
        .as("tenant_id written, not compared").containsExactly("sms_outbox");
    assertThat(unconfined("select min(`smskit`.`sms_outbox`.`due_at`) from `smskit`.`sms_outbox`"
        + " where `smskit`.`sms_outbox`.`tenant_id` = `smskit`.`sms_outbox`.`tenant_id`"))
        .containsExactly("sms_outbox");

    // No tenant table: nothing to check.
    assertThat(TenantPredicates.touchesTenantTables("select pg_advisory_xact_lock(hashtext(?))")).isFalse();
    assertThat(TenantPredicates.touchesTenantTables(jooq("select `check_value` from `smskit`.`sms_key_checks`")))
        .isFalse();
    assertThat(TenantPredicates.touchesTenantTables(jooq("select * from `smskit`.`smskit_schema_history`")))
        .isFalse();
  }

  /** {@link TenantPredicates#unconfined} of SQL written with backticks for jOOQ's double quotes. */
  private static Set<String> unconfined(String sql) {
    return TenantPredicates.unconfined(jooq(sql));
  }

  private static String jooq(String sql) {
    return sql.replace('`', '"');
  }

  // ---------------------------------------------------------------------------------------------------------
  // The scenario: every public operation of SmsService, for one tenant, and dispatchers of its service.

  private SmsService recordingService(List<Recorded> recorded) {
    DataSource recording = Recorder.dataSource(db.dataSource(), recorded);
    return service(SmsService.builder(recording, StaticKeyProvider.of("k1", key))
        .schema(CONFIG)
        .providers(SmsProviders.of(providers))
        .defaultRegion("US")
        .clock(clock)
        .webhookBaseUrl(HOOK_BASE)
        .listener(events::add), b -> b.helpReply(HELP));
  }

  private void scenario(SmsService rec, List<Recorded> recorded) throws Exception {
    db.execute("INSERT INTO public.crm_customers VALUES (7, 'Ada') ON CONFLICT DO NOTHING;"
        + "INSERT INTO public.sys_users VALUES (3, 'Operator') ON CONFLICT DO NOTHING");
    rec.migrate(); // already migrated: Flyway only reads its history; the key checks run
    rec.verifyKeys();

    // Accounts, numbers, services.
    World w = world(rec);
    rec.updateAuthToken(w.account(), "token-2");
    rec.updateSenderAccount(w.account(), "Main renamed", "{}");
    rec.makePrimary(w.second().id());
    rec.makePrimary(w.primary().id());
    UUID backup = rec.registerSenderAccount("Backup", "simulated", "SIM-backup-" + rec.tenant(), "token-b").id();
    SenderPhoneNumber backupNumber = rec.addPhoneNumber(backup, "+14155550199", "Backup line", true);
    rec.setFallbackAccount(w.service(), backup);
    ServiceAccount marketing = rec.createService(w.account(), "Spring sale", ServiceType.MARKETING, null, null, null);
    rec.updateService(marketing);
    rec.provider(w.account());
    rec.rotateCredentials();

    // Sending now (and again, idempotently), queued with media, scheduled, in bulk, and refused.
    SendRequest order = SendRequest.to(CUSTOMER).fromService(w.service()).body("Your order shipped")
        .idempotencyKey("order-1").build();
    UUID sent = rec.send(order).messageId();
    rec.send(order);
    rec.queue(SendRequest.to(CUSTOMER).fromNumber(w.primary().id()).body("Picture")
        .media(MediaItem.of("https://cdn.example.com/a.png", "image/png")).build());
    rec.queue(SendRequest.to(CUSTOMER).fromAccount(w.account()).body("Tomorrow")
        .sendAt(T0.plus(Duration.ofDays(1))).build());
    rec.bulkSend(BulkSendRequest.of(marketing.id(), "20% off", List.of("+14155550141", "+14155550142",
        "+14155550141", "not a number"), "spring-24"));

    // Receiving: a message with media, HELP (answered), STOP, a refused send, START; status reports.
    rec.handleWebhook(w.account(), inbound(rec, w, CUSTOMER, OUR_PRIMARY, "Where is my parcel?",
        new InboundMedia("https://media.example.com/ME1", "image/png", "ME1")));
    rec.handleWebhook(w.account(), inbound(rec, w, CUSTOMER, OUR_PRIMARY, "HELP"));
    rec.handleWebhook(w.account(), inbound(rec, w, "+14155550177", OUR_PRIMARY, "STOP"));
    assertThatThrownBy(() -> rec.send(SendRequest.to("+14155550177").fromService(w.service()).body("Hi").build()))
        .isInstanceOf(RecipientOptedOutException.class);
    rec.handleWebhook(w.account(), inbound(rec, w, "+14155550177", OUR_PRIMARY, "START"));
    String sid = rec.message(sent).message().providerMessageSid();
    rec.handleWebhook(w.account(), network().statusCallback(w.hook(), sid, MessageStatus.DELIVERED, null));
    rec.recordEvent(w.account(), new StatusUpdateEvent("simulated", "SMunknown", null, MessageStatus.DELIVERED,
        "delivered", null, T0.plusSeconds(5), "{}")); // matches no message: kept for reconciliation
    rec.webhookUrl(w.account());

    // Conversations.
    String conversation = rec.message(sent).message().conversationId();
    rec.inbox(PageRequest.first(10));
    rec.conversation(conversation);
    rec.timeline(conversation, PageRequest.first(10));
    List<Message> unread = rec.unread(PageRequest.first(10)).items();
    rec.markRead(unread.get(0).id());
    rec.assignConversation(conversation, 3);
    rec.assignedWithUnread(3, PageRequest.first(10));
    rec.markConversationRead(conversation);
    rec.setConversationStatus(conversation, ConversationStatus.ACTIVE);
    rec.setConversationPriority(conversation, Priority.HIGH);
    rec.setConversationTags(conversation, List.of("vip"));
    rec.setJourneyStage(conversation, "onboarding");
    rec.linkCustomer(conversation, 7);
    rec.updateConversation(conversation, b -> b.nextAction("call back"));
    rec.closeConversation(conversation);
    rec.reopenConversation(conversation);

    // Contacts.
    Contact kept = rec.createContact("Grace", "+14155550160");
    Contact duplicate = rec.createContact(null, "+14155550161");
    rec.updateContact(kept.withCrmId("crm-9"));
    rec.findContact("(415) 555-0160");
    rec.mergeContacts(kept.id(), duplicate.id());

    // Reactions.
    rec.addReaction(sent, "emoji", "👍", "staff:3");
    rec.removeReaction(sent, "emoji", "👍", "staff:3");

    // Conversation analysis: the tenant's analyzer, on demand, by sentiment, and one round of a worker.
    rec.analytics().useAnalyzer("lexicon", Map.of(), Map.of());
    rec.analytics().analyze(conversation);
    rec.analytics().bySentiment(-1, 1, null, PageRequest.first(10));
    try (AnalysisWorker analysis = rec.analytics().worker(AnalysisConfig.builder().debounce(Duration.ZERO).build())) {
      analysis.runOnce();
    }

    // Opt-outs.
    rec.optOut("+14155550155", OptOutScope.SERVICE, w.service(), null);
    rec.activeOptOuts("+14155550155");
    rec.optOuts(PageRequest.first(10));
    rec.exportOptOuts(new StringBuilder());
    rec.optIn("+14155550155");

    // Held messages: an unknown outcome, listed, looked up (the provider cannot tell), resolved.
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID held = rec.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("did it go?").build()).messageId();
    network().lookupsAnswer(false);
    rec.heldMessages(PageRequest.first(10));
    rec.reconcileHeld();
    rec.resolveHeld(held, HeldResolution.failed("customer called"), null);
    rec.dispatchStats();

    // Dispatch on the calling thread, one batch of three (numbers without a rate limit): a retryable failure that
    // opens the account's circuit, then a slow-down (429) that pauses the account; each request takes 3 minutes of
    // the 5 minute lease, so the second renews the batch's leases first.
    network().failNextSend(ProviderException.Kind.RETRYABLE, "30001");
    network().failNextSend(ProviderException.Kind.RATE_LIMITED, "20429");
    for (int i = 0; i < 3; i++) {
      rec.queue(SendRequest.to("+1415555017" + i).fromService(w.service()).body("batch " + i).build());
    }
    providers.onSend((message, simulated) -> {
      clock.advance(Duration.ofMinutes(3));
      return simulated.send(message);
    });
    dispatcher(rec, config().longCodeRate(0).circuit(1, Duration.ofMinutes(1)).build()).runOnce();
    providers.onSend(null);
    clock.advance(Duration.ofMinutes(10));
    drain(dispatcher(rec, config().build()));

    // A started dispatcher: its heartbeat renews the leases of a slow request; its reconciliation looks held
    // messages up across tenants.
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    rec.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("held again").build());
    providers.onSend((message, simulated) -> {
      sleep(Duration.ofMillis(400)); // real time: a few heartbeats of a 300 ms lease
      return simulated.send(message);
    });
    rec.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("slow").build());
    Dispatcher started = dispatcher(rec, config().longCodeRate(0).lease(Duration.ofMillis(300)).reconcileInterval(
        Duration.ofMillis(50)).build()).start();
    awaitFrames(recorded, "org.smskit.jooq.dispatch.DispatchQueue.extendLeases",
        "org.smskit.jooq.dispatch.DispatchQueue.heldToCheck");
    started.close();
    providers.onSend(null);

    // Numbers, services and accounts retired.
    rec.deactivatePhoneNumber(backupNumber.id());
    rec.deactivateService(marketing.id());
    rec.deactivateSenderAccount(backup);
  }

  // ---------------------------------------------------------------------------------------------------------
  // The verdict over what was recorded

  /**
   * @param offending each statement on a tenant table that is not confined and not excused (once per SQL and
   *     issuer): the tables it leaves open, the SQL and the smskit method that issued it
   * @param excusedBy how many statements each exception excused
   * @param confinedTables the tenant tables of statements that passed
   */
  record Verdict(List<String> offending, Map<String, Integer> excusedBy, Set<String> confinedTables) {}

  static Verdict verdict(List<Recorded> recorded) {
    Set<String> offending = new LinkedHashSet<>();
    Map<String, Integer> excusedBy = new LinkedHashMap<>();
    Set<String> confined = new TreeSet<>();
    for (Recorded r : recorded) {
      if (!TenantPredicates.touchesTenantTables(r.sql())) {
        continue;
      }
      Set<String> unconfined = TenantPredicates.unconfined(r.sql());
      if (unconfined.isEmpty()) {
        confined.addAll(TenantPredicates.tenantTables(r.sql()));
        continue;
      }
      Optional<String> excuse = excuse(r, CROSS_TENANT).or(() -> excuse(r, INSTALLATION));
      if (excuse.isPresent()) {
        excusedBy.merge(excuse.get(), 1, Integer::sum);
      } else {
        offending.add("no tenant predicate on " + unconfined + ":\n    " + r.sql().replaceAll("\\s+", " ")
            + "\n    issued by " + r.origin());
      }
    }
    return new Verdict(List.copyOf(offending), excusedBy, confined);
  }

  private static Optional<String> excuse(Recorded r, Map<String, String> exceptions) {
    for (String frame : r.frames()) {
      for (String method : exceptions.keySet()) {
        if (method.endsWith(".") ? frame.startsWith(method) : frame.equals(method)) {
          return Optional.of(method);
        }
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------------------------------
  // The check

  /**
   * Reads SQL by simple rules, on the lower-cased statement with its whitespace collapsed. A table is named as
   * jOOQ renders it ({@code "smskit"."sms_messages"}, optionally {@code as "m"}) or as hand-written SQL does
   * ({@code smskit.sms_messages m}); a column of it is that name or alias, a dot, and the column. A tenant table
   * named by a statement is confined when its {@code tenant_id} is compared with a value ({@code = ?},
   * {@code = 'x'}, {@code in (...)}, or inside a row value {@code (..., tenant_id, ...) in (...)}), equals the
   * {@code tenant_id} of a confined table (a join), or is among the columns of the INSERT into it.
   */
  static final class TenantPredicates {
    private static final String TABLE_NAMES = TABLES.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    /** A table as a row source: not followed by a dot (which would make it the qualifier of a column). */
    private static final Pattern SOURCE = Pattern.compile("(?:\"?smskit\"?\\.)?\"?\\b(" + TABLE_NAMES + ")\\b\"?"
        + "(?!\"?\\.)(?:\\s+(?:as\\s+)?(\"[a-z0-9_]+\"|[a-z_][a-z0-9_]*))?");
    /** Words that may follow a table name and are not its alias. */
    private static final Set<String> NOT_ALIASES = Set.of("where", "join", "inner", "left", "right", "full",
        "cross", "natural", "lateral", "on", "using", "set", "values", "default", "select", "returning", "order",
        "group", "having", "window", "limit", "offset", "fetch", "for", "of", "skip", "nowait", "union", "except",
        "intersect", "as", "add", "drop", "alter", "owner", "rename", "to", "from", "and", "or", "in", "is", "not",
        "then", "when", "else", "end", "asc", "desc", "nulls", "do", "only", "tablesample", "with");
    /** Every INSERT of the statement, also those in data-modifying CTEs ({@code with x as (insert into ...)}). */
    private static final Pattern INSERT = Pattern.compile("(?:^|\\( ?)insert into (\\S+)(?: as \\S+)? \\(([^)]*)\\)");
    private static final Pattern ROW_IN = Pattern.compile("\\(([^()]*)\\) in \\(");
    private static final String VALUE = "\\s*(?:=\\s*(?:\\?|'|cast\\(\\s*\\?|any\\s*\\()|in\\s*\\()";

    static boolean touchesTenantTables(String sql) {
      return !tenantTables(sql).isEmpty();
    }

    static Set<String> tenantTables(String sql) {
      Set<String> tables = new TreeSet<>();
      for (Source s : sources(normalise(sql))) {
        tables.add(s.table());
      }
      tables.removeAll(GLOBAL_TABLES);
      return tables;
    }

    /** The tenant tables of {@code sql} that it does not confine to a tenant (empty when it does, or names none). */
    static Set<String> unconfined(String sql) {
      String s = normalise(sql);
      List<Source> sources = sources(s).stream().filter(x -> !GLOBAL_TABLES.contains(x.table())).toList();
      Set<Source> confined = new HashSet<>();
      Matcher insert = INSERT.matcher(s);
      while (insert.find()) {
        if (insert.group(2).contains("tenant_id")) {
          String target = insert.group(1).replace("\"", "");
          String table = target.substring(target.lastIndexOf('.') + 1);
          sources.stream().filter(x -> x.table().equals(table)).forEach(confined::add);
        }
      }
      for (Source x : sources) {
        if (Pattern.compile(x.tenantColumn() + VALUE).matcher(s).find() || inRowValue(s, x)) {
          confined.add(x);
        }
      }
      // A single table may name its columns unqualified (hand-written SQL): "where tenant_id = ?". Only after a
      // WHERE: "update ... set tenant_id = ?" writes the column, it confines nothing.
      int where = s.indexOf(" where ");
      if (where >= 0 && sources.stream().map(Source::table).distinct().count() == 1
          && Pattern.compile("(?<![.\\w\"])\"?tenant_id\"?" + VALUE).matcher(s.substring(where)).find()) {
        confined.addAll(sources);
      }
      boolean grew = true;
      while (grew) {
        grew = false;
        for (Source a : sources) {
          for (Source b : confined.toArray(new Source[0])) {
            if (!confined.contains(a) && (joined(s, a, b) || joined(s, b, a))) {
              grew |= confined.add(a);
            }
          }
        }
      }
      Set<String> unconfined = new TreeSet<>();
      sources.stream().filter(x -> !confined.contains(x)).forEach(x -> unconfined.add(x.table()));
      return unconfined;
    }

    private static boolean inRowValue(String s, Source x) {
      Matcher row = ROW_IN.matcher(s);
      Pattern column = Pattern.compile(x.tenantColumn());
      while (row.find()) {
        if (column.matcher(row.group(1)).find()) {
          return true;
        }
      }
      return false;
    }

    private static boolean joined(String s, Source a, Source b) {
      return Pattern.compile(a.tenantColumn() + "\\s*=\\s*" + b.tenantColumn()).matcher(s).find();
    }

    /** A table as a row source, and the names its columns are qualified with. */
    record Source(String table, List<String> references) {
      String tenantColumn() {
        return "(?<![\\w\"])(?:" + references.stream().map(Pattern::quote).collect(Collectors.joining("|"))
            + ")\\.\"?tenant_id\\b\"?";
      }
    }

    private static List<Source> sources(String s) {
      Map<String, Source> sources = new LinkedHashMap<>();
      Matcher m = SOURCE.matcher(s);
      while (m.find()) {
        String table = m.group(1);
        String alias = m.group(2) == null || NOT_ALIASES.contains(m.group(2)) ? null : m.group(2);
        List<String> references = alias != null ? List.of(alias)
            : List.of("\"smskit\".\"" + table + "\"", "smskit." + table, "\"" + table + "\"", table);
        sources.putIfAbsent(table + "/" + references.get(0), new Source(table, references));
      }
      return new ArrayList<>(sources.values());
    }

    static String normalise(String sql) {
      return sql.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Recording

  /** One statement as JDBC received it, with the smskit and Flyway frames of the stack that issued it. */
  record Recorded(String sql, List<String> frames) {
    /** The innermost smskit method that issued it. */
    String origin() {
      return frames.stream().filter(f -> f.startsWith("org.smskit.")).findFirst()
          .orElse(frames.isEmpty() ? "(no smskit frame)" : frames.get(0));
    }
  }

  /**
   * A {@link Proxy} over a DataSource, its connections and their plain statements that records every SQL string
   * handed to {@code prepareStatement}/{@code prepareCall} or to {@code Statement.execute*}/{@code addBatch}.
   */
  static final class Recorder implements InvocationHandler {
    private final Object delegate;
    private final List<Recorded> out;

    private Recorder(Object delegate, List<Recorded> out) {
      this.delegate = delegate;
      this.out = out;
    }

    static DataSource dataSource(DataSource delegate, List<Recorded> out) {
      return proxy(DataSource.class, delegate, out);
    }

    private static <T> T proxy(Class<T> type, T delegate, List<Recorded> out) {
      return type.cast(Proxy.newProxyInstance(TenantPredicateTest.class.getClassLoader(), new Class<?>[] {type},
          new Recorder(delegate, out)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      boolean sqlFirst = args != null && args.length > 0 && args[0] instanceof String;
      if (sqlFirst && (delegate instanceof Connection && name.startsWith("prepare")
          || delegate instanceof Statement && (name.startsWith("execute") || name.equals("addBatch")))) {
        out.add(new Recorded((String) args[0], frames()));
      }
      Object result;
      try {
        result = method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof Connection c && name.equals("getConnection")) {
        return proxy(Connection.class, c, out);
      }
      if (result instanceof Statement s && name.equals("createStatement")) {
        return proxy(Statement.class, s, out);
      }
      return result;
    }

    private static List<String> frames() {
      Predicate<String> ours = f -> (f.startsWith("org.smskit.") || f.startsWith("org.flywaydb."))
          && !f.startsWith(TenantPredicateTest.class.getName());
      return Arrays.stream(new Throwable().getStackTrace()).map(e -> e.getClassName() + "." + e.getMethodName())
          .filter(ours).toList();
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private static void awaitFrames(List<Recorded> recorded, String... methods) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Set<String> missing = new LinkedHashSet<>(List.of(methods));
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      for (Recorded r : recorded) {
        missing.removeAll(r.frames());
      }
      Thread.sleep(20);
    }
    assertThat(missing).as("statements of a started dispatcher").isEmpty();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
