package org.smskit.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Message;
import org.smskit.core.model.ServiceType;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.schema.RowLevelSecurity;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.SendRequest;

/**
 * smskit at volume: 2 tenants, 500,000 contacts and conversations, 5,000,000 messages over the last twelve months
 * (one partition each) with a skewed spread (the busiest conversations hold tens of thousands), 100,000
 * attachments and 100,000 reactions, all generated in SQL. Then every read the library issues, through its own API,
 * {@value #RUNS} times with varied parameters: p50/p95 and the plan of every statement the call sent (captured on
 * the way to the driver and explained with its values), as the application role under row level security and as a
 * role that bypasses it. Also the cost of {@code queue} at 5M rows against the empty schema, and table sizes.
 *
 * <p>Run with {@code mvn -q -DskipTests -Pbench verify -pl sms-bench -am -Dbench.main=org.smskit.bench.ScaleBenchmark}
 * ({@code -Dscale.messages=N} for another size); set {@code SMS_BENCH_JDBC_URL} to use a running PostgreSQL (a
 * throw-away database is created there, and dropped). Writes {@code target/scale-results.md}.
 */
public final class ScaleBenchmark {
  static final int MESSAGES = Integer.getInteger("scale.messages", 5_000_000);
  static final int CONTACTS = MESSAGES / 10;
  static final int RUNS = Integer.getInteger("scale.runs", 200);
  static final int QUEUED = 2 * RUNS * 50;
  static final int QUEUE_CALLS = 1_000;
  static final TenantId[] TENANTS = {TenantId.of("tenant-zero"), TenantId.of("tenant-one")};
  static final String[] OUR_NUMBERS = {"+14155550100", "+14155550200"};

  private final String url;
  private final HikariDataSource admin;
  private final RowLevelSecurity roles;
  private final RecordingDataSource app;
  private final RecordingDataSource worker;
  private final RecordingDataSource bypass;
  private final SmsService secured;
  private final SmsService plain;
  private final UUID[] services = new UUID[2];
  private final Random random = new Random(42);
  private final List<String> out = new ArrayList<>();

  private ScaleBenchmark(String url) {
    this.url = url;
    this.admin = pool(url, null, 4);
    String prefix = "scale_" + UUID.randomUUID().toString().substring(0, 6);
    this.roles = new RowLevelSecurity(prefix + "_owner", prefix + "_app", prefix + "_worker");
    roles.createRoles(admin, "smskit", "bench", "bench", "bench");
    var keys = StaticKeyProvider.of("bench", AesKeys.generate());
    SmsProviders providers = SmsProviders.of(new SimulatedProviderFactory(new SimulatedNetwork()));
    this.app = new RecordingDataSource(pool(url, roles.appRole(), 4));
    this.worker = new RecordingDataSource(pool(url, roles.workerRole(), 4));
    this.bypass = new RecordingDataSource(admin);
    this.secured = SmsService.builder(app, keys)
        .schema(SchemaConfig.defaults().withRowLevelSecurity(roles))
        .workerDataSource(worker)
        .migrationDataSource(pool(url, roles.ownerRole(), 2))
        .providers(providers)
        .build();
    secured.migrate();
    // The same tables through a superuser's pool: no tenant setting, no policy (a superuser bypasses them).
    this.plain = SmsService.builder(bypass, keys).schema(SchemaConfig.defaults()).providers(providers).build();
  }

  public static void main(String[] args) throws Exception {
    String external = System.getenv("SMS_BENCH_JDBC_URL");
    EmbeddedPostgres embedded = external != null ? null : EmbeddedPostgres.builder()
        .setServerConfig("max_wal_size", "4GB").setServerConfig("shared_buffers", "512MB").start();
    String adminUrl = external != null ? external : embedded.getJdbcUrl("postgres", "postgres");
    String database = "smskit_scale_" + UUID.randomUUID().toString().substring(0, 8);
    execute(adminUrl, "CREATE DATABASE " + database);
    ScaleBenchmark benchmark = null;
    try {
      benchmark = new ScaleBenchmark(adminUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database));
      List<String> table = benchmark.run(external != null);
      PrintStream stdout = System.out;
      table.forEach(stdout::println);
      Path file = Path.of("target", "scale-results.md");
      Files.createDirectories(file.getParent());
      Files.write(file, table);
    } finally {
      if (benchmark != null) {
        benchmark.close();
        execute(adminUrl, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        for (String role : List.of(benchmark.roles.appRole(), benchmark.roles.workerRole(),
            benchmark.roles.ownerRole())) {
          execute(adminUrl, "DROP ROLE IF EXISTS " + role);
        }
      }
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private List<String> run(boolean server) throws Exception {
    for (int t = 0; t < 2; t++) {
      SmsService sms = secured.forTenant(TENANTS[t]);
      UUID account = sms.registerSenderAccount("Main", "simulated", "SIM-" + t, "token").id();
      sms.addPhoneNumber(account, OUR_NUMBERS[t], "Main", true);
      services[t] = sms.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();
    }
    double emptyRate = queueRate("310");
    long loadStart = System.nanoTime();
    load();
    Duration loaded = Duration.ofNanos(System.nanoTime() - loadStart);
    double fullRate = queueRate("312");

    out.add("| read (through smskit's API) | statements | plan | with RLS p50 / p95 ms | without RLS p50 / p95 ms |");
    out.add("|---|---:|---|---:|---:|");
    probes();
    out.add("");
    out.add(String.format(Locale.ROOT, "`queue` (one message per call, %,d calls, application role): %.0f/s on the"
        + " empty schema, %.0f/s at %,d messages (%.2f of the empty rate).", QUEUE_CALLS, emptyRate, fullRate,
        MESSAGES, fullRate / emptyRate));
    out.add("");
    sizes();
    out.add("");
    out.add(String.format(Locale.ROOT, "%,d messages, %,d contacts and conversations, generated in SQL in %d s;"
            + " %d runs per read with varied parameters after one warm-up pass; %d cores, Java %s, %s (%s).",
        MESSAGES, CONTACTS, loaded.toSeconds(), RUNS, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), text("SELECT version()").replaceAll(" on .*", ""),
        server ? "`SMS_BENCH_JDBC_URL`" : "embedded"));
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Data

  private void load() throws SQLException {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    // Twelve months of history, as an installation a year old has them: one partition per month (a fresh
    // install would file them all in its initial partition).
    StringBuilder ddl = new StringBuilder("ALTER TABLE smskit.sms_messages DETACH PARTITION"
        + " smskit.sms_messages_p_initial; DROP TABLE smskit.sms_messages_p_initial;");
    ddl.append("CREATE TABLE smskit.sms_messages_p_initial PARTITION OF smskit.sms_messages FOR VALUES FROM"
        + " (MINVALUE) TO ('").append(now.minusMonths(12).atDay(1)).append(" 00:00:00+00');");
    for (int m = 12; m >= 1; m--) {
      YearMonth month = now.minusMonths(m);
      ddl.append("CREATE TABLE smskit.sms_messages_p").append(month.format(DateTimeFormatter.ofPattern("yyyy_MM")))
          .append(" PARTITION OF smskit.sms_messages FOR VALUES FROM ('").append(month.atDay(1))
          .append(" 00:00:00+00') TO ('").append(month.plusMonths(1).atDay(1)).append(" 00:00:00+00');");
    }
    sql(ddl.toString());
    // The two tenants' numbers and services, for the generating statements (x below).
    sql("CREATE TABLE public.scale_x (t int PRIMARY KEY, tenant text, our text, number uuid, service uuid)");
    for (int t = 0; t < 2; t++) {
      sql("INSERT INTO public.scale_x SELECT " + t + ", '" + TENANTS[t] + "', '" + OUR_NUMBERS[t] + "', n.id, '" + services[t]
          + "' FROM smskit.sms_sender_phone_numbers n WHERE n.tenant_id = '" + TENANTS[t] + "'");
    }
    sql("INSERT INTO smskit.sms_contacts (tenant_id, id, phone, name, last_contacted_at, created_at)"
        + " SELECT x.tenant, gen_random_uuid(), '+1' || (2125550000 + g), 'Contact ' || g,"
        + " now() - (g % 360) * interval '1 day', now() - interval '400 days'"
        + " FROM generate_series(1, " + CONTACTS + ") g JOIN public.scale_x x ON x.t = g % 2");
    sql("INSERT INTO smskit.sms_meta_conversation (tenant_id, id, conversation_id, conversation_start,"
        + " last_message_at, message_count, unread_count, assigned_staff_id, status, state)"
        + " SELECT x.tenant, gen_random_uuid(), 'n:' || x.our || ':+1' || (2125550000 + g),"
        + " now() - interval '365 days', now() - (g % 360) * interval '1 day' - (g % 1000) * interval '1 second',"
        + " 10, CASE WHEN g % 7 = 0 THEN 2 ELSE 0 END, CASE WHEN g % 5 = 0 THEN g % 100 END,"
        + " CASE WHEN g % 10 = 0 THEN 'archived' ELSE 'active' END, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END"
        + " FROM generate_series(1, " + CONTACTS + ") g JOIN public.scale_x x ON x.t = g % 2");
    sql("SELECT setseed(0.42)");
    int chunk = 500_000;
    for (int from = 1; from <= MESSAGES; from += chunk) {
      int to = Math.min(MESSAGES, from + chunk - 1);
      // Conversation c = 1 + n * r^3: the first conversations hold tens of thousands of messages, most a few.
      sql("INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,"
          + " provider, provider_message_sid, conversation_id, created_at, read_at, sender_phone_number_id,"
          + " service_account_id, segment_count, encoding, provider_error_code, price, price_unit)"
          + " SELECT x.tenant, smskit.uuid_generate_v7(), CASE WHEN m.inbound THEN 'inbound' ELSE 'outbound' END,"
          + " CASE WHEN m.inbound THEN m.phone ELSE x.our END, CASE WHEN m.inbound THEN x.our ELSE m.phone END,"
          + " 'Message ' || m.g, CASE WHEN m.inbound THEN 'received' WHEN m.g % 25 = 0 THEN 'undelivered'"
          + " ELSE 'delivered' END, 'simulated',"
          + " CASE WHEN m.inbound THEN 'IN' ELSE 'SM' END || md5(m.g::text),"
          + " 'n:' || x.our || ':' || m.phone, m.at,"
          + " CASE WHEN m.inbound AND m.g % 20 <> 0 THEN m.at + interval '1 hour' END,"
          + " CASE WHEN NOT m.inbound THEN x.number END, CASE WHEN NOT m.inbound THEN x.service END, 1, 'gsm7',"
          // One outbound message in 25 undelivered (three error codes); a price on nine in ten of the others.
          + " CASE WHEN NOT m.inbound AND m.g % 25 = 0 THEN (ARRAY['30003', '30005', '30007'])[1 + m.g % 3] END,"
          + " CASE WHEN NOT m.inbound AND m.g % 10 <> 0 THEN 0.0079 END,"
          + " CASE WHEN NOT m.inbound AND m.g % 10 <> 0 THEN 'USD' END"
          + " FROM (SELECT g, c, '+1' || (2125550000 + c) AS phone, random() < 0.5 AS inbound,"
          + "       now() - interval '1 hour' - random() * interval '350 days' AS at"
          + "       FROM (SELECT g, 1 + floor(" + CONTACTS + " * power(random(), 3))::int AS c"
          + "             FROM generate_series(" + from + ", " + to + ") g) s) m"
          + " JOIN public.scale_x x ON x.t = m.c % 2");
    }
    // Messages waiting in the outbox, for the dispatcher's claim.
    sql("WITH m AS (INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,"
        + " provider, conversation_id, created_at, sender_phone_number_id, service_account_id, segment_count,"
        + " encoding) SELECT x.tenant, smskit.uuid_generate_v7(), 'outbound', x.our, '+1' || (2125550000 + g),"
        + " 'Queued ' || g, 'queued', 'simulated', 'n:' || x.our || ':+1' || (2125550000 + g),"
        + " now() - interval '1 minute' - g * interval '1 millisecond', x.number,"
        + " x.service, 1, 'gsm7' FROM generate_series(1, " + QUEUED + ") g JOIN public.scale_x x ON x.t = g % 2"
        + " RETURNING tenant_id, id, created_at)"
        + " INSERT INTO smskit.sms_outbox (tenant_id, message_id, message_created_at, due_at)"
        + " SELECT tenant_id, id, created_at, now() - interval '1 minute' FROM m");
    // The rollups as smskit keeps them: a contact's last contact and a conversation's last message and count.
    sql("UPDATE smskit.sms_contacts c SET last_contacted_at = m.last FROM (SELECT tenant_id, phone, max(at) AS last"
        + " FROM (SELECT tenant_id, CASE WHEN direction = 'inbound' THEN from_number ELSE to_number END AS phone,"
        + " created_at AS at FROM smskit.sms_messages) a GROUP BY tenant_id, phone) m"
        + " WHERE c.tenant_id = m.tenant_id AND c.phone = m.phone");
    sql("UPDATE smskit.sms_meta_conversation c SET last_message_at = m.last, message_count = m.n,"
        + " unread_count = least(c.unread_count, m.n)"
        + " FROM (SELECT tenant_id, conversation_id, max(created_at) AS last, count(*) AS n FROM smskit.sms_messages"
        + " GROUP BY tenant_id, conversation_id) m"
        + " WHERE c.tenant_id = m.tenant_id AND c.conversation_id = m.conversation_id");
    sql("INSERT INTO smskit.sms_attachments (tenant_id, message_id, message_created_at, file_url, mime_type)"
        + " SELECT tenant_id, id, created_at, 'https://cdn.example/' || id || '.jpg', 'image/jpeg'"
        + " FROM smskit.sms_messages WHERE body LIKE 'Message %' AND abs(hashtext(id::text)) % 50 = 0 LIMIT 100000");
    sql("INSERT INTO smskit.sms_reactions (tenant_id, message_id, message_created_at, reaction_type, reaction_value,"
        + " reacted_by) SELECT tenant_id, id, created_at, 'emoji', '+1', 'user-' || abs(hashtext(id::text)) % 100"
        + " FROM smskit.sms_messages WHERE abs(hashtext(id::text)) % 50 = 1 LIMIT 100000");
    sql("VACUUM ANALYZE");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reads

  /** One read, given a tenant's service and the index of the run (to vary its parameters). */
  private interface Read {
    Object run(SmsService sms, int tenant, int run) throws Exception;
  }

  private void probes() throws Exception {
    // Parameters, read once: the busiest conversations, random conversations, contacts, ids and provider ids.
    List<String> big = texts("SELECT conversation_id FROM smskit.sms_messages GROUP BY tenant_id, conversation_id"
        + " ORDER BY count(*) DESC LIMIT 2");
    // Each sample is "<parameter> <tenant>".
    List<String> conversations = texts("SELECT conversation_id || ' ' || tenant_id FROM smskit.sms_meta_conversation"
        + " WHERE abs(hashtext(conversation_id)) % 500 = 7 LIMIT " + RUNS);
    List<String> messageIds = texts("SELECT id::text || ' ' || tenant_id FROM smskit.sms_messages"
        + " WHERE abs(hashtext(id::text)) % 5000 = 7 LIMIT " + RUNS);
    List<String> sids = texts("SELECT provider_message_sid || ' ' || tenant_id FROM smskit.sms_messages"
        + " WHERE provider_message_sid LIKE 'SM%' AND abs(hashtext(id::text)) % 5000 = 8 LIMIT " + RUNS);
    List<String> bigCursors = new ArrayList<>();
    String bigTenant = text("SELECT tenant_id FROM smskit.sms_meta_conversation WHERE conversation_id = '"
        + big.get(0) + "' LIMIT 1");
    int bigIndex = bigTenant.equals(TENANTS[0].value()) ? 0 : 1;
    Page<?> page = plain.forTenant(TENANTS[bigIndex]).timeline(big.get(0), PageRequest.first(50));
    for (int i = 0; i < 400 && page.next().isPresent(); i++) {
      bigCursors.add(page.next().get());
      page = plain.forTenant(TENANTS[bigIndex]).timeline(big.get(0), PageRequest.after(page.next().get(), 50));
    }
    Instant hourAgo = Instant.now().minus(1, ChronoUnit.HOURS);

    probe("inbox, first page of 50", (s, t, i) -> s.inbox(PageRequest.first(50)));
    probe("timeline of the busiest conversation, first page", (s, t, i) -> s.timeline(big.get(0),
        PageRequest.first(50)), bigIndex);
    probe("timeline of the busiest conversation, a page deep in it", (s, t, i) -> s.timeline(big.get(0),
        PageRequest.after(bigCursors.get(i % bigCursors.size()), 50)), bigIndex);
    probe("timeline of a random conversation", (s, t, i) -> s.timeline(first(conversations, i),
        PageRequest.first(50)), -1, conversations);
    probe("unread inbound, first page", (s, t, i) -> s.unread(PageRequest.first(50)));
    probe("assigned to a staff member, with unread", (s, t, i) -> s.assignedWithUnread(i % 100,
        PageRequest.first(50)));
    probe("messages by status since an hour ago (reconciler)", (s, t, i) -> s.inTransaction(r -> r.messages()
        .byStatusSince(MessageStatus.QUEUED, hourAgo, PageRequest.first(50))));
    probe("messages by status, last 7 days (spec)", (s, t, i) -> s.inTransaction(r -> r.messages()
        .recentByStatus(MessageStatus.DELIVERED, PageRequest.first(50))));
    probe("message by id, with attachments and reactions", (s, t, i) -> s.message(UUID.fromString(
        first(messageIds, i))), -1, messageIds);
    probe("message by provider message id (status callback)", (s, t, i) -> s.inTransaction(r -> r.messages()
        .findByProviderSid("simulated", first(sids, i)).orElseThrow()), -1, sids);
    probe("contact by phone", (s, t, i) -> s.findContact("+1" + (2125550000L
        + 2L * (1 + i * 997 % (CONTACTS / 2 - 1)) + t)).orElseThrow());
    probe("conversation with its counted messages (spec)", (s, t, i) -> s.inTransaction(r -> r.conversations()
        .withActualMessageCount(first(conversations, i)).orElseThrow()), -1, conversations);
    probe("messages of a service since a day ago (spec)", (s, t, i) -> s.inTransaction(r -> r.messages()
        .byServiceAccountSince(services[t], hourAgo.minus(23, ChronoUnit.HOURS), PageRequest.first(50))));
    probe("contacts with recent messages (spec)", (s, t, i) -> s.inTransaction(r -> r.contacts()
        .withRecentMessages(50)));
    Instant now = Instant.now();
    int reportRuns = Math.max(5, RUNS / 10);
    probe("delivery report per day, last 7 days", (s, t, i) -> s.deliveryAnalytics()
        .byDay(now.minus(7, ChronoUnit.DAYS), now, java.time.ZoneId.of("America/New_York")), -1, null, reportRuns);
    probe("delivery report per sender number, last 30 days", (s, t, i) -> s.deliveryAnalytics()
        .bySenderNumber(now.minus(30, ChronoUnit.DAYS), now), -1, null, reportRuns);
    probe("delivery report per campaign, last 30 days", (s, t, i) -> s.deliveryAnalytics()
        .byCampaign(now.minus(30, ChronoUnit.DAYS), now), -1, null, reportRuns);
    dispatcherProbe();
  }

  private void probe(String name, Read read) throws Exception {
    probe(name, read, -1, null);
  }

  private void probe(String name, Read read, int onlyTenant) throws Exception {
    probe(name, read, onlyTenant, null);
  }

  /**
   * Runs {@code read} {@value #RUNS} times per mode (tenants alternating, or {@code onlyTenant}; with {@code
   * tenantOf}, the tenant written after the parameter of run i), after a warm-up pass, and adds its row.
   */
  private void probe(String name, Read read, int onlyTenant, List<String> tenantOf) throws Exception {
    probe(name, read, onlyTenant, tenantOf, RUNS);
  }

  /** As above, {@code runs} times per mode (fewer for the reports, which read a range of months each time). */
  private void probe(String name, Read read, int onlyTenant, List<String> tenantOf, int runs) throws Exception {
    String[] cells = new String[2];
    String plans = "";
    int statements = 0;
    for (int mode = 0; mode < 2; mode++) {
      SmsService service = mode == 0 ? secured : plain;
      RecordingDataSource recorder = mode == 0 ? app : bypass;
      long[] nanos = new long[runs];
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < runs; i++) {
          int t = onlyTenant >= 0 ? onlyTenant
              : tenantOf != null ? tenantIndex(tenantOf.get(i % tenantOf.size())) : i % 2;
          SmsService sms = service.forTenant(TENANTS[t]);
          boolean record = pass == 1 && i == 0;
          if (record) {
            recorder.start();
          }
          long start = System.nanoTime();
          read.run(sms, t, i);
          nanos[i] = System.nanoTime() - start;
          if (record) {
            List<RecordingDataSource.Statement> sent = recorder.stop();
            statements = (int) sent.stream().filter(s -> !s.sql().startsWith("select set_config")).count();
            plans = plans.isEmpty() ? planVerdict(sent, t) : plans;
          }
        }
      }
      cells[mode] = percentiles(nanos);
    }
    out.add("| " + name + " | " + statements + " | " + plans + " | " + cells[0] + " | " + cells[1] + " |");
  }

  /** A dispatcher batch of 50: claim, send to the in-memory simulated provider, record the outcomes. */
  private void dispatcherProbe() throws Exception {
    String[] cells = new String[2];
    String plans = "";
    int statements = 0;
    DispatcherConfig config = DispatcherConfig.builder().batchSize(50).longCodeRate(0).accountRate("simulated", 0)
        .build();
    String[] claims = new String[2];
    String[] claimCells = new String[2];
    for (int mode = 0; mode < 2; mode++) {
      RecordingDataSource recorder = mode == 0 ? worker : bypass;
      long[] nanos = new long[RUNS];
      try (Dispatcher dispatcher = (mode == 0 ? secured : plain).dispatcher(config)) {
        for (int i = 0; i < RUNS; i++) {
          boolean record = i == 1;
          if (record) {
            recorder.start();
          }
          long start = System.nanoTime();
          int claimed = dispatcher.runOnce();
          nanos[i] = System.nanoTime() - start;
          if (claimed == 0) {
            throw new IllegalStateException("the outbox ran dry at run " + i);
          }
          if (record) {
            List<RecordingDataSource.Statement> sent = recorder.stop();
            statements = (int) sent.stream().filter(s -> !s.sql().startsWith("select set_config")).count();
            plans = plans.isEmpty() ? planVerdict(sent, -1) : plans;
            if (Boolean.getBoolean("scale.showStatements")) { // which statements a batch sends, and how often
              sent.stream().collect(java.util.stream.Collectors.groupingBy(
                  q -> q.sql().replaceAll("\\s+", " ").substring(0, Math.min(110, q.sql().length())),
                  java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                  .forEach((q, n) -> System.out.println(n + " x " + q));
            }
            claims[mode] = sent.stream().map(RecordingDataSource.Statement::withLiterals)
                .filter(q -> q.toLowerCase(Locale.ROOT).contains("skip locked")).findFirst().orElseThrow();
          }
        }
      }
      cells[mode] = percentiles(nanos);
      claimCells[mode] = percentiles(timeRolledBack(mode == 0 ? worker : bypass, claims[mode]));
    }
    out.add("| outbox claim of 50 (the dispatcher's statement, in a rolled-back transaction) | 1 | "
        + planVerdict(List.of(new RecordingDataSource.Statement(claims[1], java.util.Map.of())), -1) + " | "
        + claimCells[0] + " | " + claimCells[1] + " |");
    out.add("| dispatcher batch of 50: claim, send (in-memory provider), record | " + statements + " | " + plans
        + " | " + cells[0] + " | " + cells[1] + " |");
  }

  /** The parameter of sample {@code i} ("parameter tenant"), cycling through the samples. */
  private static String first(List<String> samples, int i) {
    return samples.get(i % samples.size()).split(" ")[0];
  }

  /** {@value #RUNS} runs of {@code sql}, each in a transaction that is rolled back, after as many of warm-up. */
  private static long[] timeRolledBack(DataSource pool, String sql) throws SQLException {
    long[] nanos = new long[RUNS];
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < RUNS; i++) {
          long start = System.nanoTime();
          s.execute(sql);
          nanos[i] = System.nanoTime() - start;
          c.rollback();
        }
      }
      c.setAutoCommit(true);
    }
    return nanos;
  }

  private static int tenantIndex(String parameterAndTenant) {
    return parameterAndTenant.endsWith(" " + TENANTS[0].value()) ? 0 : 1;
  }

  private static String percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%.2f / %.2f", sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.ceil(sorted.length * 0.95) - 1] / 1e6);
  }

  private static final Pattern SCAN = Pattern.compile("(?:Parallel )?Seq Scan on (\\w+)");

  /**
   * "index scans only" when no statement of the call reads a table of more than 10,000 rows sequentially;
   * otherwise which tables it scans. Explained with the values the call bound, as the superuser.
   */
  private String planVerdict(List<RecordingDataSource.Statement> sent, int tenant) throws SQLException {
    List<String> scanned = new ArrayList<>();
    for (RecordingDataSource.Statement statement : sent) {
      String sql = statement.sql().strip();
      String head = sql.length() < 7 ? sql : sql.substring(0, 7).toLowerCase(Locale.ROOT);
      if (sql.startsWith("select set_config") || !(head.startsWith("select") || head.startsWith("with")
          || head.startsWith("update") || head.startsWith("delete") || head.startsWith("insert"))) {
        continue;
      }
      for (String line : texts("EXPLAIN " + statement.withLiterals())) {
        Matcher m = SCAN.matcher(line);
        if (m.find() && Long.parseLong(text("SELECT reltuples::bigint FROM pg_class WHERE relname = '" + m.group(1)
            + "'")) > 10_000) {
          scanned.add(m.group(1));
        }
      }
    }
    return scanned.isEmpty() ? "index scans only" : "seq scan: " + String.join(", ", scanned);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Writes and sizes

  /** {@value #QUEUE_CALLS} sends to new recipients in area code {@code area}, after 100 of warm-up. */
  private double queueRate(String area) {
    SmsService sms = secured.forTenant(TENANTS[0]);
    for (int i = 0; i < 100; i++) {
      sms.queue(SendRequest.to("+1" + area + "556" + String.format("%04d", i)).fromService(services[0])
          .body("warm-up").build());
    }
    long start = System.nanoTime();
    for (int i = 0; i < QUEUE_CALLS; i++) {
      sms.queue(SendRequest.to("+1" + area + "555" + String.format("%04d", i)).fromService(services[0])
          .body("Your code is 123456").build());
    }
    return QUEUE_CALLS / ((System.nanoTime() - start) / 1e9);
  }

  private void sizes() throws SQLException {
    out.add("| table | rows | table | indexes |");
    out.add("|---|---:|---:|---:|");
    for (String line : texts("SELECT p.relname || ' | ' || to_char(sum(c.reltuples), 'FM999,999,999') || ' | '"
        + " || pg_size_pretty(sum(pg_table_size(c.oid))) || ' | ' || pg_size_pretty(sum(pg_indexes_size(c.oid)))"
        + " FROM pg_class p JOIN pg_namespace n ON n.oid = p.relnamespace"
        // A partitioned table's rows and sizes are its partitions'.
        + " JOIN pg_class c ON (c.oid = p.oid AND p.relkind = 'r')"
        + " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = p.oid)"
        + " WHERE n.nspname = 'smskit' AND p.relkind IN ('r', 'p') AND NOT p.relispartition"
        + " AND p.relname IN ('sms_messages', 'sms_meta_conversation', 'sms_contacts', 'sms_attachments',"
        + " 'sms_reactions', 'sms_outbox')"
        + " GROUP BY p.relname ORDER BY sum(pg_total_relation_size(c.oid)) DESC")) {
      out.add("| `" + line.replaceFirst(" \\|", "` |") + " |");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Plumbing

  private void sql(String sql) throws SQLException {
    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private String text(String sql) throws SQLException {
    List<String> rows = texts(sql);
    return rows.isEmpty() ? "" : rows.get(0);
  }

  private List<String> texts(String sql) throws SQLException {
    try (Connection c = admin.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (r.next()) {
        rows.add(r.getString(1));
      }
      return rows;
    }
  }

  private static HikariDataSource pool(String url, String user, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(user == null ? url : url.replaceAll("([?&])user=[^&]*", "$1user=" + user));
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private void close() {
    secured.close();
    plain.close();
    for (DataSource pool : List.of(app, worker)) {
      try {
        pool.unwrap(HikariDataSource.class).close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    admin.close();
  }
}
