package org.smskit.bench;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.accounts.Accounts;
import org.smskit.jooq.dispatch.Dispatch;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.BulkSendRequest;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.twilio.TwilioProviderFactory;

/**
 * Throughput of smskit's write and dispatch paths, each reported as a ratio to a raw baseline measured in the
 * same run against the same database or the same HTTP server:
 *
 * <ul>
 *   <li>{@code SmsService.queue} (one message per call: contact, conversation rollup, message, history, outbox)
 *       against raw JDBC inserting the same message rows, one autocommit statement each;
 *   <li>{@code SmsService.bulkSend} against raw JDBC batch-inserting the same message rows in one transaction;
 *   <li>the {@link Dispatcher} sending queued messages to a loopback Twilio-compatible server through the Twilio
 *       provider, against a bare OkHttp loop posting the same requests to the same server with as many threads.
 * </ul>
 *
 * <p>Run with {@code mvn -q -DskipTests -Pbench verify}. Each workload runs once to warm up, then three times;
 * the median round is reported. Set {@code SMS_BENCH_JDBC_URL} to use a running PostgreSQL instead of an
 * embedded one.
 */
public final class Benchmark {
  static final int SENDS = 2_000;
  static final int BULK = 5_000;
  static final int DISPATCH = 2_000;
  static final int WORKERS = 4;
  static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);

  private final DataSource dataSource;
  private final SmsService sms;
  private final String schema;
  private final String providerUrl;
  private final UUID service;
  private final AtomicLong numbers = new AtomicLong(2_000_000);

  private Benchmark(DataSource dataSource, String providerUrl) {
    this.dataSource = dataSource;
    this.providerUrl = providerUrl;
    this.schema = "bench_" + UUID.randomUUID().toString().substring(0, 8);
    this.sms = SmsService.builder(dataSource, StaticKeyProvider.of("bench", AesKeys.generate()))
        .schema(SchemaConfig.defaults().withSchema(schema).withHistoryTable(schema + "_history"))
        .providers(SmsProviders.of(new TwilioProviderFactory()))
        .stickySender(false)
        .build();
    sms.migrate();
    UUID account = sms.registerSenderAccount("bench", "twilio", ACCOUNT_SID, "bench-token",
        "{\"baseUrl\": \"" + providerUrl + "\"}", Map.of()).id();
    sms.addPhoneNumber(account, "+14155550100", "bench", true);
    this.service = sms.createService(account, "bench", ServiceType.TRANSACTIONAL, null, null, null).id();
  }

  public static void main(String[] args) throws Exception {
    String external = System.getenv("SMS_BENCH_JDBC_URL");
    EmbeddedPostgres postgres = external == null ? EmbeddedPostgres.builder().start() : null;
    HttpServer server = loopbackProvider();
    try (HikariDataSource dataSource = pool(external != null ? external : postgres.getJdbcUrl("postgres",
        "postgres"))) {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      List<String> table = new Benchmark(dataSource, url).run();
      PrintStream out = System.out;
      table.forEach(out::println);
      Path file = Path.of("target", "benchmark-results.md");
      Files.createDirectories(file.getParent());
      Files.write(file, table);
    } finally {
      server.stop(0);
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private List<String> run() throws Exception {
    List<String> rows = new ArrayList<>();
    rows.add("| workload | operations | smskit ops/s | baseline | baseline ops/s | ratio |");
    rows.add("|---|---:|---:|---|---:|---:|");

    double queue = median(() -> timeQueue(SENDS), () -> timeQueue(200));
    double rawInsert = median(() -> timeRawInserts(SENDS), () -> timeRawInserts(200));
    rows.add(row("`SmsService.queue`, one message per call", SENDS, queue, "raw JDBC insert, autocommit",
        rawInsert));

    double bulk = median(() -> timeBulk(BULK), () -> timeBulk(500));
    double rawBatch = median(() -> timeRawBatch(BULK), () -> timeRawBatch(500));
    rows.add(row("`SmsService.bulkSend`, one call", BULK, bulk, "raw JDBC batch insert, one transaction",
        rawBatch));

    double dispatch = median(() -> timeDispatch(DISPATCH), () -> timeDispatch(200));
    double http = median(() -> timeOkHttp(DISPATCH), () -> timeOkHttp(200));
    rows.add(row("`Dispatcher`, " + WORKERS + " workers, Twilio provider", DISPATCH, dispatch,
        "bare OkHttp POST loop, " + WORKERS + " threads", http));
    rows.add("");
    rows.add(String.format(Locale.ROOT, "%d cores, Java %s, %s; median of 3 rounds after one warm-up round.",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), databaseVersion()));
    return rows;
  }

  // ---------------------------------------------------------------------------------------------------------

  private double timeQueue(int n) {
    List<String> to = recipients(n);
    long start = System.nanoTime();
    for (String number : to) {
      sms.queue(SendRequest.to(number).fromService(service).body("Your code is 123456").build());
    }
    double rate = n / seconds(start);
    drainOutbox();
    return rate;
  }

  private double timeRawInserts(int n) throws SQLException {
    String conversation = conversationFor("raw");
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(rawInsertSql())) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        bindRawRow(insert, conversation);
        insert.executeUpdate();
      }
      return n / seconds(start);
    }
  }

  private double timeBulk(int n) {
    List<String> to = recipients(n);
    long start = System.nanoTime();
    sms.bulkSend(new BulkSendRequest(service, "Spring sale: 20% off", to, null, null, null, "{}"));
    double rate = n / seconds(start);
    drainOutbox();
    return rate;
  }

  private double timeRawBatch(int n) throws SQLException {
    String conversation = conversationFor("raw-batch");
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(rawInsertSql())) {
      c.setAutoCommit(false);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        bindRawRow(insert, conversation);
        insert.addBatch();
        if (i % 500 == 499) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
      c.commit();
      return n / seconds(start);
    }
  }

  private double timeDispatch(int n) {
    List<String> to = recipients(n);
    sms.bulkSend(new BulkSendRequest(service, "Dispatch me", to, null, null, null, "{}"));
    DispatcherConfig config = DispatcherConfig.builder().workers(WORKERS).batchSize(20).longCodeRate(0)
        .accountRate("twilio", 0).pollInterval(Duration.ofMillis(5)).build();
    try (Dispatcher dispatcher = sms.dispatcher(config)) {
      long start = System.nanoTime();
      dispatcher.start();
      while (outboxRows() > 0) {
        sleep(5);
      }
      return n / seconds(start);
    }
  }

  private double timeOkHttp(int n) throws Exception {
    OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    String auth = Credentials.basic(ACCOUNT_SID, "bench-token");
    String url = providerUrl + "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    AtomicInteger left = new AtomicInteger(n);
    ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
    try {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < WORKERS; t++) {
        done.add(threads.submit(() -> {
          while (left.getAndDecrement() > 0) {
            Request request = new Request.Builder().url(url).header("Authorization", auth)
                .post(new FormBody.Builder().add("To", "+14155551234").add("From", "+14155550100")
                    .add("Body", "Dispatch me").build())
                .build();
            try (Response response = client.newCall(request).execute()) {
              response.body().string();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return n / seconds(start);
    } finally {
      threads.shutdown();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /** The columns {@code queue} writes to {@code sms_messages} for one message. */
  private String rawInsertSql() {
    return "INSERT INTO " + schema + ".sms_messages (tenant_id, id, direction, from_number, to_number, body,"
        + " media_count, status, provider, conversation_id, metadata, message_type, segment_count, encoding,"
        + " created_at) VALUES ('default', ?, 'outbound', '+14155550100', ?, 'Your code is 123456', 0, 'queued',"
        + " 'twilio', ?, '{}'::jsonb, 'sms', 1, 'gsm7', ?)";
  }

  private void bindRawRow(PreparedStatement insert, String conversation) throws SQLException {
    insert.setObject(1, UUID.randomUUID());
    insert.setString(2, String.format(Locale.ROOT, "+1415%07d", numbers.incrementAndGet()));
    insert.setString(3, conversation);
    insert.setTimestamp(4, Timestamp.from(Instant.now()));
  }

  private String conversationFor(String key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO " + schema + ".sms_meta_conversation"
            + " (tenant_id, conversation_id) VALUES ('default', ?) ON CONFLICT DO NOTHING")) {
      s.setString(1, key);
      s.executeUpdate();
    }
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
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + schema + ".sms_outbox");
        var rows = s.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Empties the outbox between rounds so that each round starts from the same queue. */
  private void drainOutbox() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + schema + ".sms_outbox")) {
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String databaseVersion() {
    try (Connection c = dataSource.getConnection()) {
      return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      return "PostgreSQL";
    }
  }

  @FunctionalInterface
  interface Round {
    double run() throws Exception;
  }

  private static double median(Round round, Round warmUp) throws Exception {
    warmUp.run();
    double[] rates = {round.run(), round.run(), round.run()};
    java.util.Arrays.sort(rates);
    return rates[1];
  }

  private static String row(String workload, int n, double ours, String baseline, double base) {
    return String.format(Locale.ROOT, "| %s | %,d | %,.0f | %s | %,.0f | %.2f |", workload, n, ours, baseline, base,
        ours / base);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
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
    config.setMaximumPoolSize(WORKERS + 4);
    config.setPoolName("smskit-bench");
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
