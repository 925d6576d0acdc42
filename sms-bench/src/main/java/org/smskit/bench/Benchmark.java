package org.smskit.bench;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.postgresql.PGConnection;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.BulkMessage;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.BulkSummary;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.twilio.TwilioProviderFactory;

/**
 * smskit's write and dispatch paths, each as a ratio to a raw baseline doing the same work, measured in the same
 * run against the same database (and the same loopback HTTP server), with the same threads:
 *
 * <ul>
 *   <li>{@code SmsService.queue}, one message per call (sender, opt-outs, contact, conversation, message, history,
 *       outbox), against a raw autocommit {@code INSERT} of the same {@code sms_messages} row;
 *   <li>{@code SmsService.bulkSend} of 5,000 recipients against PostgreSQL {@code COPY} of the same 5,000 rows;
 *   <li>the {@link Dispatcher} draining queued messages to a loopback Twilio-compatible server, against a raw loop
 *       with as many threads: a batched {@code SKIP LOCKED} claim, one bare OkHttp POST and one result {@code
 *       UPDATE} per message;
 *   <li>a signed Twilio inbound webhook ({@code handleWebhook}: signature, dedupe, contact, message, rollup)
 *       against a raw autocommit {@code INSERT} of the same inbound row.
 * </ul>
 *
 * <p>Each workload runs once to warm up, then {@value #ROUNDS} times, alternating with its baseline; the median
 * round is reported, with p50 and p99 latency per call. The database is analyzed after each warm-up. Raw rows are written {@code sent} or {@code received}:
 * the schema refuses a {@code queued} message without its outbox row. Run with {@code mvn -q -DskipTests -Pbench
 * verify}; set {@code SMS_BENCH_JDBC_URL} to use a running PostgreSQL instead of an embedded one.
 */
public final class Benchmark {
  static final int ROUNDS = 3;
  static final int QUEUE_CALLS = 2_000;
  static final int BULK = 5_000;
  static final int STREAMED = 100_000;
  static final int DISPATCH = 2_000;
  static final int ANALYSED = 2_000;
  static final int WORKERS = 4;
  static final int BATCH = 50;
  static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);
  static final String TOKEN = "bench-token";
  static final String OUR_NUMBER = "+14155550100";
  static final String TEXT = "Your code is 123456";

  private final DataSource dataSource;
  private final SmsService sms;
  private final String schema;
  private final String providerUrl;
  private final UUID account;
  private final UUID number;
  private final UUID service;
  private final URI hook;
  private final AtomicLong numbers = new AtomicLong(2_000_000);
  private final AtomicLong sids = new AtomicLong();

  private Benchmark(DataSource dataSource, String providerUrl) {
    this.dataSource = dataSource;
    this.providerUrl = providerUrl;
    this.schema = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    this.sms = SmsService.builder(dataSource, StaticKeyProvider.of("bench", AesKeys.generate()))
        .schema(SchemaConfig.defaults().withSchema(schema).withHistoryTable(schema + "_history"))
        .providers(SmsProviders.of(new TwilioProviderFactory()))
        .webhookBaseUrl(URI.create("https://erp.example.com/sms/hooks"))
        .build();
    sms.migrate();
    this.account = sms.registerSenderAccount("bench", "twilio", ACCOUNT_SID, TOKEN,
        "{\"baseUrl\": \"" + providerUrl + "\"}", Map.of()).id();
    SenderPhoneNumber ours = sms.addPhoneNumber(account, OUR_NUMBER, "bench", true);
    this.number = ours.id();
    this.service = sms.createService(account, "bench", ServiceType.TRANSACTIONAL, null, null, null).id();
    this.hook = sms.webhookUrl(account).orElseThrow();
  }

  public static void main(String[] args) throws Exception {
    String external = System.getenv("SMS_BENCH_JDBC_URL");
    EmbeddedPostgres postgres = external == null ? EmbeddedPostgres.builder().start() : null;
    HttpServer server = loopbackProvider();
    try (HikariDataSource dataSource = pool(external != null ? external : postgres.getJdbcUrl("postgres",
        "postgres"))) {
      Benchmark benchmark = new Benchmark(dataSource, "http://127.0.0.1:" + server.getAddress().getPort());
      List<String> table = benchmark.run(external != null);
      PrintStream out = System.out;
      table.forEach(out::println);
      Path file = Path.of("target", "benchmark-results.md");
      Files.createDirectories(file.getParent());
      Files.write(file, table);
      benchmark.dropSchema();
    } finally {
      server.stop(0);
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private List<String> run(boolean server) throws Exception {
    // -Dbench.only=queue,bulk,dispatch,inbound,streamed,analysis runs only those (all by default).
    Set<String> only = Set.of(System.getProperty("bench.only", "queue,bulk,dispatch,inbound,streamed,analysis")
        .split(","));
    // First, while the database holds no other conversations: the worker's sweep spans the installation.
    String analysed = only.contains("analysis") ? analysis() : null;
    List<String> rows = new ArrayList<>();
    rows.add("| workload | threads | calls | smskit/s | smskit p50 / p99 ms | baseline | baseline/s"
        + " | baseline p50 / p99 ms | ratio | target |");
    rows.add("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
    for (int threads : only.contains("queue") ? new int[] {1, 8} : new int[0]) {
      Result[] r = compare(() -> queue(threads), () -> rawInsert(threads, false));
      rows.add(row("`queue`, one message per call", threads, QUEUE_CALLS, r[0],
          "autocommit `INSERT` of the message row", r[1], 0.6));
    }
    if (only.contains("bulk")) {
      Result[] bulk = compare(this::bulk, this::copy);
      rows.add(row("`bulkSend`, 5,000 recipients per call", 1, BULK, bulk[0],
          "`COPY` of the 5,000 message rows", bulk[1], 0.5));
    }
    if (only.contains("dispatch")) {
      Result[] dispatch = compare(this::dispatch, this::rawDispatch);
      rows.add(row("`Dispatcher` to loopback Twilio", WORKERS, DISPATCH, dispatch[0],
          "claim " + BATCH + " `SKIP LOCKED`, POST, `UPDATE` per message", dispatch[1], 0.5));
    }
    for (int threads : only.contains("inbound") ? new int[] {1, 8} : new int[0]) {
      Result[] r = compare(() -> inbound(threads), () -> rawInsert(threads, true));
      rows.add(row("signed Twilio inbound webhook", threads, QUEUE_CALLS, r[0],
          "autocommit `INSERT` of the inbound row", r[1], 0.5));
    }
    if (only.contains("streamed")) {
      rows.add("");
      rows.add(streamed());
    }
    if (analysed != null) {
      rows.add("");
      rows.add(analysed);
    }
    rows.add("");
    rows.add(String.format(Locale.ROOT, "%d cores, Java %s, %s (%s); median of %d rounds after a warm-up round."
            + " Per-call latency; the bulk rows count recipients and the dispatcher rows messages.",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), databaseVersion(),
        server ? "`SMS_BENCH_JDBC_URL`" : "embedded", ROUNDS));
    return rows;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Workloads: each returns its throughput and latencies; setup that is not the measured work is outside it.

  private Result queue(int threads) throws Exception {
    List<List<String>> to = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      to.add(recipients(QUEUE_CALLS / threads));
    }
    Result result = perCall(threads, QUEUE_CALLS / threads, t -> i -> sms.queue(
        SendRequest.to(to.get(t).get(i)).fromService(service).body(TEXT).build()));
    cancelQueued();
    return result;
  }

  private Result inbound(int threads) throws Exception {
    List<List<WebhookRequest>> requests = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<WebhookRequest> mine = new ArrayList<>();
      for (String from : recipients(QUEUE_CALLS / threads)) {
        mine.add(twilioInbound(from));
      }
      requests.add(mine);
    }
    return perCall(threads, QUEUE_CALLS / threads, t -> i -> sms.handleWebhook(account, requests.get(t).get(i)));
  }

  /** One autocommit insert per call of the row {@code queue} (or an inbound webhook) writes to sms_messages. */
  private Result rawInsert(int threads, boolean inbound) throws Exception {
    String conversation = conversation("raw");
    String sql = "INSERT INTO " + schema + ".sms_messages (tenant_id, id, direction, from_number, to_number, body,"
        + " media_count, status, provider, provider_message_sid, conversation_id, metadata, message_type,"
        + " sender_phone_number_id, service_account_id, segment_count, encoding, received_at, created_at)"
        + " VALUES ('default', ?, ?, ?, ?, ?, 0, ?, 'twilio', ?, ?, '{}'::jsonb, 'sms', ?, ?, 1, 'gsm7', ?, ?)";
    List<Connection> connections = new ArrayList<>();
    List<PreparedStatement> statements = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        Connection c = dataSource.getConnection();
        connections.add(c);
        statements.add(c.prepareStatement(sql));
      }
      List<List<String>> to = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        to.add(recipients(QUEUE_CALLS / threads));
      }
      return perCall(threads, QUEUE_CALLS / threads, t -> i -> {
        PreparedStatement insert = statements.get(t);
        Timestamp now = Timestamp.from(Instant.now());
        String them = to.get(t).get(i);
        insert.setObject(1, UUID.randomUUID());
        insert.setString(2, inbound ? "inbound" : "outbound");
        insert.setString(3, inbound ? them : OUR_NUMBER);
        insert.setString(4, inbound ? OUR_NUMBER : them);
        insert.setString(5, TEXT);
        insert.setString(6, inbound ? "received" : "sent"); // a queued row needs its outbox row (the schema checks)
        insert.setString(7, inbound ? nextSid() : null);
        insert.setString(8, conversation);
        insert.setObject(9, number);
        insert.setObject(10, inbound ? null : service);
        insert.setTimestamp(11, inbound ? now : null);
        insert.setTimestamp(12, now);
        insert.executeUpdate();
      });
    } finally {
      for (Connection c : connections) {
        c.close();
      }
    }
  }

  private Result bulk() {
    List<String> to = recipients(BULK);
    long start = System.nanoTime();
    sms.bulkSend(new BulkSendRequest(service, TEXT, to, null, null, null, "{}"));
    long took = System.nanoTime() - start;
    cancelQueued();
    return Result.ofOneCall(BULK, took);
  }

  /** COPY, text format, of the rows bulkSend writes to sms_messages for the same recipients. */
  private Result copy() throws Exception {
    String conversation = conversation("copy");
    List<String> to = recipients(BULK);
    String now = Instant.now().toString();
    try (Connection c = dataSource.getConnection()) {
      long start = System.nanoTime();
      StringBuilder rows = new StringBuilder(BULK * 200);
      for (String them : to) {
        rows.append("default\t").append(UUID.randomUUID()).append("\toutbound\t").append(OUR_NUMBER).append('\t')
            .append(them).append('\t').append(TEXT).append("\t0\tsent\ttwilio\t").append(conversation)
            .append("\t{}\tsms\t").append(number).append('\t').append(service).append("\t1\tgsm7\t").append(now)
            .append('\n');
      }
      c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + schema + ".sms_messages (tenant_id, id,"
          + " direction, from_number, to_number, body, media_count, status, provider, conversation_id, metadata,"
          + " message_type, sender_phone_number_id, service_account_id, segment_count, encoding, created_at)"
          + " FROM STDIN", new StringReader(rows.toString()));
      return Result.ofOneCall(BULK, System.nanoTime() - start);
    }
  }

  private Result dispatch() {
    queueForDispatch();
    DispatcherConfig config = DispatcherConfig.builder().workers(WORKERS).batchSize(BATCH).longCodeRate(0)
        .accountRate("twilio", 0).pollInterval(Duration.ofMillis(5)).build();
    try (Dispatcher dispatcher = sms.dispatcher(config)) {
      long start = System.nanoTime();
      dispatcher.start();
      while (outboxRows() > 0) {
        sleep(2);
      }
      return Result.ofThroughput(DISPATCH, System.nanoTime() - start);
    }
  }

  /**
   * The dispatcher's work done by hand, with the same threads: claim a batch with {@code FOR UPDATE SKIP LOCKED}
   * under a lease, then per message one bare OkHttp POST of Twilio's form and one autocommit {@code UPDATE} of
   * its status and provider id. No attempts, history, rate slots, circuits or lease checks.
   */
  private Result rawDispatch() throws Exception {
    queueForDispatch();
    String claim = "UPDATE " + schema + ".sms_outbox o SET lease_owner = ?, lease_until = now() + interval '1 minute'"
        + " FROM " + schema + ".sms_messages m WHERE m.tenant_id = o.tenant_id AND m.id = o.message_id"
        + " AND (o.tenant_id, o.message_id) IN (SELECT tenant_id, message_id FROM " + schema + ".sms_outbox"
        + " WHERE due_at <= now() AND lease_owner IS NULL ORDER BY priority, due_at LIMIT " + BATCH
        + " FOR UPDATE SKIP LOCKED) RETURNING o.tenant_id, o.message_id, m.to_number, m.from_number, m.body";
    String done = "UPDATE " + schema + ".sms_messages SET status = 'sent', provider_message_sid = ?, sent_at = now()"
        + " WHERE tenant_id = ? AND id = ?";
    OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    String auth = Credentials.basic(ACCOUNT_SID, TOKEN);
    String url = providerUrl + "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
    try {
      long start = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < WORKERS; t++) {
        String owner = "raw-" + t;
        workers.add(threads.submit(() -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement claimed = c.prepareStatement(claim);
              PreparedStatement update = c.prepareStatement(done)) {
            while (true) {
              claimed.setString(1, owner);
              List<String[]> batch = new ArrayList<>();
              try (ResultSet r = claimed.executeQuery()) {
                while (r.next()) {
                  batch.add(new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                      r.getString(5)});
                }
              }
              if (batch.isEmpty()) {
                return null;
              }
              for (String[] m : batch) {
                Request request = new Request.Builder().url(url).header("Authorization", auth)
                    .post(new FormBody.Builder().add("To", m[2]).add("From", m[3]).add("Body", m[4]).build())
                    .build();
                String sid;
                try (Response response = client.newCall(request).execute()) {
                  String body = response.body().string();
                  sid = body.substring(body.indexOf("SM"), body.indexOf("SM") + 34);
                }
                update.setString(1, sid);
                update.setString(2, m[0]);
                update.setObject(3, UUID.fromString(m[1]));
                update.executeUpdate();
              }
            }
          }
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
      return Result.ofThroughput(DISPATCH, System.nanoTime() - start);
    } finally {
      threads.shutdown();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      execute("DELETE FROM " + schema + ".sms_outbox");
    }
  }

  /** 100,000 recipients streamed to one bulkSend: throughput, and the heap it needed above what was live. */
  private String streamed() {
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    System.gc();
    long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long first = numbers.getAndAdd(STREAMED);
    Iterable<String> recipients = () -> new Iterator<>() {
      long next = first;

      @Override
      public boolean hasNext() {
        return next < first + STREAMED;
      }

      @Override
      public String next() {
        return String.format(Locale.ROOT, "+1415%07d", ++next);
      }
    };
    long start = System.nanoTime();
    BulkSummary summary = sms.bulkSend(BulkMessage.of(service, TEXT, null), recipients, rejected -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    System.gc();
    long after = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    cancelQueued();
    return String.format(Locale.ROOT, "Streamed `bulkSend` of %,d recipients (%,d queued): %,.0f recipients/s;"
            + " heap in use peaked %,d MB above the %,d MB live before (garbage included: the sum of the heap"
            + " pools' peaks), and %,d MB was live after a GC.", STREAMED, summary.queued(), STREAMED / seconds,
        (peak - before) >> 20, before >> 20, Math.max(0, after - before) >> 20);
  }

  /**
   * The offline lexicon analyzer alone over {@value #ANALYSED} synthetic conversations of ten messages (best of
   * three passes after a warm-up), and the analysis worker end to end over as many stored conversations of one
   * inbound message each: sweep, claim, read the window, analyse, store the result and its audit row.
   */
  private String analysis() throws Exception {
    org.smskit.core.analysis.ConversationAnalyzer lexicon = new org.smskit.core.analysis.LexiconAnalyzerFactory()
        .create(org.smskit.core.analysis.AnalyzerConfig.of(Map.of()));
    String[] lines = {"Hi, where is my order #%d? It was due yesterday.", "Sorry for the delay! It ships today.",
        "That's not good enough, I needed it for a birthday :(", "We understand. We refunded the shipping fee.",
        "OK thanks, that helps a bit", "Tracking: it arrives Friday before noon.", "Great, thank you so much!!",
        "You're welcome, anything else?", "No that's all", "Have a nice day 🙂"};
    List<org.smskit.core.analysis.AnalysisRequest> requests = new ArrayList<>();
    Instant at = Instant.parse("2026-01-01T10:00:00Z");
    for (int c = 0; c < ANALYSED; c++) {
      List<org.smskit.core.analysis.AnalysisMessage> messages = new ArrayList<>();
      for (int m = 0; m < lines.length; m++) {
        messages.add(new org.smskit.core.analysis.AnalysisMessage(m % 2 == 0
            ? org.smskit.core.model.Direction.INBOUND : org.smskit.core.model.Direction.OUTBOUND,
            at.plusSeconds(60L * m), String.format(Locale.ROOT, lines[m], c)));
      }
      requests.add(new org.smskit.core.analysis.AnalysisRequest("c" + c, messages));
    }
    double best = 0;
    for (int pass = 0; pass < 4; pass++) {
      long start = System.nanoTime();
      for (org.smskit.core.analysis.AnalysisRequest request : requests) {
        lexicon.analyze(request);
      }
      double rate = ANALYSED / ((System.nanoTime() - start) / 1e9);
      best = pass == 0 ? 0 : Math.max(best, rate); // the first pass warms up
    }
    for (String from : recipients(ANALYSED)) {
      sms.handleWebhook(account, twilioInbound(from));
    }
    org.smskit.jooq.analysis.AnalysisWorker worker = sms.analytics().worker(
        org.smskit.jooq.analysis.AnalysisConfig.builder().debounce(Duration.ZERO).batchSize(100).build());
    long start = System.nanoTime();
    int analysed = 0;
    for (int claimed; (claimed = worker.runOnce()) > 0; ) {
      analysed += claimed;
    }
    double worked = analysed / ((System.nanoTime() - start) / 1e9);
    worker.close();
    return String.format(Locale.ROOT, "Offline conversation analysis: the lexicon analyzer alone %,.0f"
        + " conversations/s (10 messages each, one thread); the analysis worker end to end %,.0f conversations/s"
        + " (%,d conversations of one message: sweep, claim, window, analyse, store, audit).", best, worked,
        analysed);
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A call of one thread's work: thread {@code t}, call {@code i}. */
  @FunctionalInterface
  interface Call {
    void run(int i) throws Exception;
  }

  @FunctionalInterface
  interface Calls {
    Call forThread(int t) throws Exception;
  }

  /** Runs {@code calls} calls on each of {@code threads} threads at once, timing each. */
  private static Result perCall(int threads, int calls, Calls work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<long[]>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Call call = work.forThread(t);
        done.add(pool.submit(() -> {
          long[] took = new long[calls];
          go.await();
          for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.run(i);
            took[i] = System.nanoTime() - start;
          }
          return took;
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      long[] all = new long[0];
      for (Future<long[]> f : done) {
        long[] took = f.get();
        all = Arrays.copyOf(all, all.length + took.length);
        System.arraycopy(took, 0, all, all.length - took.length, took.length);
      }
      return Result.of(all, System.nanoTime() - start);
    } finally {
      pool.shutdown();
    }
  }

  @FunctionalInterface
  interface Round {
    Result run() throws Exception;
  }

  /**
   * Warms both up, then runs them alternately; the median round of each by throughput. Tables are analyzed after
   * the warm-up, as autovacuum does on a running system: plans cached while a new schema's tables were nearly
   * empty (foreign key checks, the schema's triggers) would otherwise scan tables that have since grown.
   */
  private Result[] compare(Round ours, Round baseline) throws Exception {
    ours.run();
    baseline.run();
    execute("ANALYZE");
    Result[] a = new Result[ROUNDS];
    Result[] b = new Result[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      a[i] = ours.run();
      b[i] = baseline.run();
    }
    return new Result[] {Result.median(a), Result.median(b)};
  }

  /** Throughput and per-call latency percentiles (NaN when calls were not timed one by one). */
  record Result(double perSecond, double p50Millis, double p99Millis) {
    static Result of(long[] callNanos, long wallNanos) {
      long[] sorted = callNanos.clone();
      Arrays.sort(sorted);
      return new Result(sorted.length / (wallNanos / 1e9), sorted[sorted.length / 2] / 1e6,
          sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6);
    }

    static Result ofOneCall(int items, long nanos) {
      return new Result(items / (nanos / 1e9), nanos / 1e6, nanos / 1e6);
    }

    static Result ofThroughput(int items, long nanos) {
      return new Result(items / (nanos / 1e9), Double.NaN, Double.NaN);
    }

    static Result median(Result[] rounds) {
      Result[] sorted = rounds.clone();
      Arrays.sort(sorted, (x, y) -> Double.compare(x.perSecond, y.perSecond));
      return sorted[sorted.length / 2];
    }

    String latency() {
      return Double.isNaN(p50Millis) ? "–" : String.format(Locale.ROOT, "%.2f / %.2f", p50Millis, p99Millis);
    }
  }

  private static String row(String workload, int threads, int calls, Result ours, String baseline, Result base,
      double target) {
    double ratio = ours.perSecond / base.perSecond;
    return String.format(Locale.ROOT, "| %s | %d | %,d | %,.0f | %s | %s | %,.0f | %s | **%.2f** | ≥ %.2f %s |",
        workload, threads, calls, ours.perSecond, ours.latency(), baseline, base.perSecond, base.latency(), ratio,
        target, ratio >= target ? "✓" : "✗");
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A Twilio inbound SMS to our number from {@code from}, signed as Twilio signs it. */
  private WebhookRequest twilioInbound(String from) {
    Map<String, String> form = new TreeMap<>();
    form.put("AccountSid", ACCOUNT_SID);
    form.put("ApiVersion", "2010-04-01");
    form.put("Body", "Is my order ready?");
    form.put("From", from);
    form.put("MessageSid", nextSid());
    form.put("NumMedia", "0");
    form.put("NumSegments", "1");
    form.put("SmsStatus", "received");
    form.put("To", OUR_NUMBER);
    StringBuilder signed = new StringBuilder(hook.toString());
    form.forEach((name, value) -> signed.append(name).append(value));
    String signature;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      signature = Base64.getEncoder().encodeToString(mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Map<String, List<String>> parameters = new TreeMap<>();
    form.forEach((name, value) -> parameters.put(name, List.of(value)));
    return WebhookRequest.form(hook, Map.of("X-Twilio-Signature", signature), parameters);
  }

  private String nextSid() {
    return "SM" + String.format(Locale.ROOT, "%032x", sids.incrementAndGet());
  }

  /** Queues {@value #DISPATCH} messages (not timed) for a dispatch round. */
  private void queueForDispatch() {
    sms.bulkSend(new BulkSendRequest(service, "Dispatch me", recipients(DISPATCH), null, null, null, "{}"));
  }

  /** Ends what a round left queued, so that the next starts from an empty outbox. */
  private void cancelQueued() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("UPDATE " + schema + ".sms_messages m SET status = 'canceled' FROM " + schema + ".sms_outbox o"
          + " WHERE m.tenant_id = o.tenant_id AND m.id = o.message_id");
      s.execute("DELETE FROM " + schema + ".sms_outbox");
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String conversation(String key) throws SQLException {
    execute("INSERT INTO " + schema + ".sms_meta_conversation (tenant_id, conversation_id) VALUES ('default', '"
        + key + "') ON CONFLICT DO NOTHING");
    return key;
  }

  private List<String> recipients(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(String.format(Locale.ROOT, "+1415%07d", numbers.incrementAndGet()));
    }
    return out;
  }

  private long outboxRows() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM " + schema + ".sms_outbox")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private void dropSchema() throws SQLException {
    sms.close();
    execute("DROP SCHEMA " + schema + " CASCADE");
    execute("DROP TABLE IF EXISTS public." + schema + "_history");
  }

  private String databaseVersion() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HikariDataSource pool(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(8 + WORKERS + 4);
    config.setPoolName("smskit-bench");
    // -Dbench.connectionInitSql="LOAD 'auto_explain'; SET auto_explain.log_min_duration = 100; ..." profiles the
    // statements in the server's log (README, Performance).
    config.setConnectionInitSql(System.getProperty("bench.connectionInitSql"));
    return new HikariDataSource(config);
  }

  /** A Twilio-compatible endpoint on loopback that accepts every message. */
  private static HttpServer loopbackProvider() throws IOException {
    // Without TCP_NODELAY the JDK server's small responses wait for delayed ACKs (~40 ms each).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    AtomicLong sids = new AtomicLong();
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
      }
      byte[] body = ("{\"sid\": \"SM" + String.format(Locale.ROOT, "%032x", sids.incrementAndGet())
          + "\", \"status\": \"queued\", \"num_segments\": \"1\", \"price\": null, \"price_unit\": \"USD\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(201, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread thread = new Thread(r, "loopback-provider");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    return server;
  }
}
