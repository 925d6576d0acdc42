package org.smskit.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * What each secondary index of the tables written per message costs on insert: {@value #ROWS} rows like those
 * smskit writes for an outbound message are inserted with every index, then once without each index (dropped
 * inside a transaction that is rolled back), five rounds, median. Unique indexes and primary keys are not measured:
 * they carry the schema's rules and the upserts' conflict targets.
 *
 * <p>Run with {@code mvn -q -DskipTests -Pbench verify -Dbench.main=org.smskit.bench.IndexCosts}; set {@code
 * SMS_BENCH_JDBC_URL} to use a running PostgreSQL. Writes {@code target/index-costs.md}.
 */
public final class IndexCosts {
  static final int ROWS = 20_000;
  static final int ROUNDS = 7;

  private final DataSource source;
  private final String schema;

  private interface DataSource {
    Connection connection() throws SQLException;
  }

  private IndexCosts(DataSource source, String schema) {
    this.source = source;
    this.schema = schema;
  }

  public static void main(String[] args) throws Exception {
    String external = System.getenv("SMS_BENCH_JDBC_URL");
    EmbeddedPostgres postgres = external == null ? EmbeddedPostgres.builder().start() : null;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(external != null ? external : postgres.getJdbcUrl("postgres", "postgres"));
    config.setMaximumPoolSize(2);
    String schema = "bench_idx_" + UUID.randomUUID().toString().substring(0, 8);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      SmsService sms = SmsService.builder(pool, StaticKeyProvider.of("bench", AesKeys.generate()))
          .schema(SchemaConfig.defaults().withSchema(schema).withHistoryTable(schema + "_history"))
          .build();
      sms.migrate();
      List<String> table = new IndexCosts(pool::getConnection, schema).run(external != null);
      PrintStream out = System.out;
      table.forEach(out::println);
      Path file = Path.of("target", "index-costs.md");
      Files.createDirectories(file.getParent());
      Files.write(file, table);
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
        s.execute("DROP TABLE IF EXISTS public." + schema + "_history");
      }
      sms.close();
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  private List<String> run(boolean server) throws SQLException {
    setUp();
    Map<String, String> inserts = new LinkedHashMap<>();
    inserts.put("sms_contacts", "INSERT INTO sms_contacts (tenant_id, phone, country_code, area_code, timezone,"
        + " last_contacted_at) SELECT 'bench', '+1415' || (3000000 + g), '1', '415', 'America/Los_Angeles', now()"
        + " FROM generate_series(1, " + ROWS + ") g");
    inserts.put("sms_meta_conversation", "INSERT INTO sms_meta_conversation (tenant_id, conversation_id,"
        + " conversation_start, last_message_at, message_count) SELECT 'bench', 'n:+14155550100:+1415' ||"
        + " (3000000 + g), now(), now(), 1 FROM generate_series(1, " + ROWS + ") g");
    inserts.put("sms_messages", "INSERT INTO sms_messages (tenant_id, direction, from_number, to_number, body,"
        + " media_count, status, provider, conversation_id, metadata, message_type, segment_count, encoding,"
        + " created_at) SELECT 'bench', 'outbound', '+14155550100', '+1415' || (3000000 + g), 'Your code is 123456',"
        + " 0, 'sent', 'twilio', 'bench', '{}', 'sms', 1, 'gsm7', now() FROM generate_series(1, " + ROWS + ") g");
    // Children name their message's created_at, as smskit's own inserts do (no lookup by the fill trigger).
    inserts.put("sms_message_status_events", "INSERT INTO sms_message_status_events (tenant_id, message_id,"
        + " message_created_at, status, occurred_at) SELECT 'bench', id, created_at, 'queued', now()"
        + " FROM sms_messages WHERE tenant_id = 'bench'");
    inserts.put("sms_outbox", "INSERT INTO sms_outbox (tenant_id, message_id, message_created_at, priority, due_at)"
        + " SELECT 'bench', id, created_at, 0, now() FROM sms_messages WHERE tenant_id = 'bench'");

    List<String> rows = new ArrayList<>();
    rows.add("| table | index | µs per row inserted | share of the table's insert |");
    rows.add("|---|---|---:|---:|");
    for (var entry : inserts.entrySet()) {
      double all = median(() -> timeInsert(entry.getValue(), null));
      rows.add(String.format(Locale.ROOT, "| `%s` | all indexes, constraints and triggers | %.1f | 100%% |",
          entry.getKey(), all));
      for (String index : secondaryIndexes(entry.getKey())) {
        double without = median(() -> timeInsert(entry.getValue(), index));
        double cost = all - without;
        rows.add(String.format(Locale.ROOT, "| `%s` | `%s` | %.1f | %.0f%% |", entry.getKey(), index, cost,
            100 * cost / all));
      }
    }
    rows.add("");
    rows.add(String.format(Locale.ROOT, "%d rows per insert, median of %d rounds; %s, %s.", ROWS, ROUNDS,
        server ? "SMS_BENCH_JDBC_URL" : "embedded PostgreSQL", version()));
    return rows;
  }

  /** One conversation for the messages, and {@value #ROWS} sent messages for their history and outbox rows. */
  private void setUp() throws SQLException {
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + schema);
      s.execute("INSERT INTO sms_meta_conversation (tenant_id, conversation_id) VALUES ('bench', 'bench')");
      s.execute("INSERT INTO sms_messages (tenant_id, direction, from_number, to_number, body, media_count, status,"
          + " provider, conversation_id, metadata, message_type, segment_count, encoding, created_at)"
          + " SELECT 'bench', 'outbound', '+14155550100', '+1415' || (2000000 + g), 'x', 0, 'sent', 'twilio',"
          + " 'bench', '{}', 'sms', 1, 'gsm7', now() FROM generate_series(1, " + ROWS + ") g");
      s.execute("VACUUM ANALYZE sms_messages");
    }
  }

  private List<String> secondaryIndexes(String table) throws SQLException {
    try (Connection c = source.connection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            + " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " WHERE n.nspname = '" + schema + "' AND t.relname = '" + table + "' AND NOT x.indisunique"
            + " ORDER BY i.relname")) {
      List<String> names = new ArrayList<>();
      while (r.next()) {
        names.add(r.getString(1));
      }
      return names;
    }
  }

  /** Microseconds per row of {@code insert}, in a transaction rolled back, without {@code dropped} if named. */
  private double timeInsert(String insert, String dropped) throws SQLException {
    try (Connection c = source.connection(); Statement s = c.createStatement()) {
      s.execute("SET search_path = " + schema);
      c.setAutoCommit(false);
      try {
        if (dropped != null) {
          s.execute("DROP INDEX " + dropped);
        }
        long start = System.nanoTime();
        s.execute(insert);
        s.execute("SET CONSTRAINTS ALL IMMEDIATE"); // deferred checks run inside the timing, as at commit
        return (System.nanoTime() - start) / 1e3 / ROWS;
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  private interface Measure {
    double run() throws SQLException;
  }

  private static double median(Measure measure) throws SQLException {
    measure.run(); // warm up
    double[] values = new double[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      values[i] = measure.run();
    }
    Arrays.sort(values);
    return values[ROUNDS / 2];
  }

  private String version() throws SQLException {
    try (Connection c = source.connection()) {
      return "PostgreSQL " + c.getMetaData().getDatabaseProductVersion();
    }
  }
}
