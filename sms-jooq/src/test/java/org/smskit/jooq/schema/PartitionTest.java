package org.smskit.jooq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.testing.Catalogs;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * {@code sms_messages} partitioned by month on {@code created_at}: what a fresh install has, where rows go,
 * {@code ensurePartitions} (idempotent, serialised), retention, and the upgrade of a populated V6 table, which ends
 * in the same catalog as a fresh install.
 */
class PartitionTest {
  private static final SchemaConfig CONFIG = SchemaConfig.defaults();
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM");

  private static String partition(YearMonth month) {
    return "sms_messages_p" + month.format(MONTH);
  }

  private static YearMonth thisMonth() {
    return YearMonth.now(ZoneOffset.UTC);
  }

  private static List<String> partitions(TestDatabase db) {
    return db.strings("SELECT c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits h"
        + " JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'smskit.sms_messages'::regclass ORDER BY 1");
  }

  @Test
  void aFreshInstallHasAnInitialPartitionThisMonthAndThreeAheadAndNoDefault() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      assertThat(db.strings("SELECT relkind::text FROM pg_class WHERE oid = 'smskit.sms_messages'::regclass"))
          .containsExactly("p");
      assertThat(db.strings("SELECT pg_get_partkeydef('smskit.sms_messages'::regclass)"))
          .containsExactly("RANGE (created_at)");
      List<String> names = partitions(db).stream().map(p -> p.substring(0, p.indexOf(' '))).toList();
      YearMonth now = thisMonth();
      assertThat(names).containsExactlyInAnyOrder("sms_messages_p_initial", partition(now),
          partition(now.plusMonths(1)), partition(now.plusMonths(2)), partition(now.plusMonths(3)));
      assertThat(partitions(db)).noneMatch(p -> p.contains("DEFAULT"));
      // The initial partition takes everything before this month: imported and back-dated messages.
      assertThat(partitions(db)).contains("sms_messages_p_initial FOR VALUES FROM (MINVALUE) TO ('"
          + now.atDay(1) + " 00:00:00+00')");

      // Idempotent, and a longer horizon adds only what is missing.
      assertThat(SmsSchema.ensurePartitions(db.dataSource(), CONFIG, 3)).isZero();
      assertThat(SmsSchema.ensurePartitions(db.dataSource(), CONFIG, 5)).isEqualTo(2);
      assertThat(partitions(db)).hasSize(7);
    }
  }

  @Test
  void concurrentCallsCreateEachMonthOnce() throws Exception {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(pool.submit(() -> SmsSchema.ensurePartitions(db.dataSource(), CONFIG, 12)));
        }
        int made = 0;
        for (Future<Integer> call : calls) {
          made += call.get();
        }
        assertThat(made).isEqualTo(9); // months 4..12 ahead
      } finally {
        pool.shutdownNow();
      }
      assertThat(partitions(db)).hasSize(1 + 13);
    }
  }

  @Test
  void aStartedDispatcherCreatesMissingMonthsWithoutAMigrate() throws Exception {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      String last = partition(thisMonth().plusMonths(SmsSchema.MONTHS_AHEAD));
      db.execute("ALTER TABLE smskit.sms_messages DETACH PARTITION smskit." + last + "; DROP TABLE smskit." + last);
      org.smskit.jooq.SmsService sms = org.smskit.jooq.SmsService.builder(db.dataSource(),
          org.smskit.core.crypto.StaticKeyProvider.of("k1", org.smskit.core.crypto.AesKeys.generate()))
          .providers(org.smskit.core.spi.SmsProviders.of()).build();
      try (var dispatcher = sms.dispatcher(org.smskit.jooq.dispatch.DispatcherConfig.builder().build()).start()) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (partitions(db).stream().noneMatch(p -> p.startsWith(last + " ")) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        sms.close();
      }
      assertThat(partitions(db)).anyMatch(p -> p.startsWith(last + " "));
    }
  }

  @Test
  void rowsGoToTheirMonthAndAMonthWithoutPartitionIsRefused() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      insertMessage(db, "m-now", Instant.now());
      insertMessage(db, "m-old", Instant.parse("2019-03-01T00:00:00Z"));
      assertThat(db.strings("SELECT tableoid::regclass::text FROM smskit.sms_messages ORDER BY created_at"))
          .containsExactly("smskit.sms_messages_p_initial", "smskit." + partition(thisMonth()));
      assertThatThrownBy(() -> insertMessage(db, "m-far", Instant.now().plusSeconds(400L * 86_400)))
          .hasStackTraceContaining("no partition of relation \"sms_messages\" found for row");
    }
  }

  /**
   * A bulk send gives thousands of messages one {@code created_at}, while the statistics, gathered when every
   * message had its own, call that column unique. The foreign key checks of their children look a message up by
   * (tenant_id, id, created_at); no plan for that lookup, generic or custom, may read the siblings that share the
   * timestamp and filter them (V8: the created_at index ends with id).
   */
  @Test
  void aMessageIsFoundByItsKeyWithoutReadingTheMessagesThatShareItsTimestamp() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      db.execute("""
          INSERT INTO smskit.sms_meta_conversation (tenant_id, id, conversation_id)
            VALUES ('t1', gen_random_uuid(), 'c1');
          INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,
            conversation_id, created_at)
          SELECT 't1', gen_random_uuid(), 'inbound', '+14155550100', '+14155550101', 'q' || g, 'received', 'c1',
                 now() - g * interval '1 second'
          FROM generate_series(1, 2000) g;
          ANALYZE smskit.sms_messages;
          INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,
            conversation_id, created_at)
          SELECT 't1', gen_random_uuid(), 'inbound', '+14155550100', '+14155550101', 'm' || g, 'received', 'c1',
                 now()
          FROM generate_series(1, 3000) g;
          """);
      String[] key = db.strings("SELECT tenant_id || ' ' || id || ' ' || created_at FROM smskit.sms_messages"
          + " WHERE body = 'm1500'").get(0).split(" ", 3);
      for (String mode : List.of("force_generic_plan", "force_custom_plan")) {
        List<String> plan = keyLookupPlan(db, mode, key);
        assertThat(plan).as(mode).anyMatch(line -> line.contains("Index"))
            .anyMatch(line -> line.contains("actual rows=1 "))
            .noneMatch(line -> line.contains("Rows Removed by Filter"));
      }
    }
  }

  /** The plan, as run, of the lookup PostgreSQL's foreign key checks make, prepared and run under {@code mode}. */
  private static List<String> keyLookupPlan(TestDatabase db, String mode, String[] key) {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET plan_cache_mode = " + mode);
      s.execute("PREPARE lookup(text, uuid, timestamptz) AS SELECT 1 FROM smskit.sms_messages x"
          + " WHERE tenant_id = $1 AND id = $2 AND created_at = $3 FOR KEY SHARE OF x");
      List<String> plan = new ArrayList<>();
      try (ResultSet rows = s.executeQuery("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) EXECUTE lookup('" + key[0]
          + "', '" + key[1] + "', '" + key[2] + "')")) {
        while (rows.next()) {
          plan.add(rows.getString(1));
        }
      }
      s.execute("DEALLOCATE lookup");
      s.execute("RESET plan_cache_mode");
      return plan;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void retentionDropsOldMonthsWithTheirChildrenAndKeepsTheRest() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), CONFIG);
      YearMonth now = thisMonth();
      Instant inThisMonth = now.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
      Instant inNextMonth = now.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
      insertMessage(db, "old", inThisMonth);
      insertMessage(db, "kept", inNextMonth);
      insertMessage(db, "initial", Instant.parse("2020-01-01T00:00:00Z"));
      assertThat(db.strings("SELECT count(*)::text FROM smskit.sms_outbox")).containsExactly("3");

      Instant cutoff = now.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      assertThat(SmsSchema.dropPartitionsBefore(db.dataSource(), CONFIG, cutoff)).isEqualTo(1);
      assertThat(db.strings("SELECT body FROM smskit.sms_messages ORDER BY body")).containsExactly("initial", "kept");
      assertThat(db.strings("SELECT m.body FROM smskit.sms_outbox o JOIN smskit.sms_messages m"
          + " ON m.tenant_id = o.tenant_id AND m.id = o.message_id ORDER BY 1")).containsExactly("initial", "kept");
      assertThat(db.strings("SELECT count(*)::text FROM smskit.sms_message_status_events")).containsExactly("2");
      assertThat(partitions(db)).noneMatch(p -> p.startsWith(partition(now) + " "));
      // Nothing more to drop before the same cutoff.
      assertThat(SmsSchema.dropPartitionsBefore(db.dataSource(), CONFIG, cutoff)).isZero();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "from V{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"3", "6"})
  void upgradingAPopulatedTableKeepsEveryRowAndEndsInTheCatalogOfAFreshInstall(String from) {
    try (TestDatabase upgraded = TestPostgres.newDatabase(); TestDatabase fresh = TestPostgres.newDatabase()) {
      Flyway.configure().configuration(SmsSchema.flyway(upgraded.dataSource(), CONFIG).getConfiguration())
          .target(from).load().migrate();
      upgraded.execute("""
          INSERT INTO smskit.sms_meta_conversation (tenant_id, id, conversation_id)
            VALUES ('t1', gen_random_uuid(), 'c1');
          INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,
            conversation_id, created_at)
          SELECT 't1', gen_random_uuid(), 'inbound', '+14155550100', '+14155550101', 'm' || g, 'received', 'c1',
                 timestamptz '2023-05-01 00:00:00+00' + g * interval '1 day'
          FROM generate_series(1, 500) g;
          INSERT INTO smskit.sms_message_status_events (tenant_id, message_id, status, occurred_at)
            SELECT tenant_id, id, 'received', created_at FROM smskit.sms_messages;
          INSERT INTO smskit.sms_message_keys (tenant_id, kind, key, message_id)
            SELECT tenant_id, 'inbound', 'sim:' || body, id FROM smskit.sms_messages;
          INSERT INTO smskit.sms_reactions (tenant_id, message_id, reaction_type, reaction_value, reacted_by)
            SELECT tenant_id, id, 'emoji', '+1', 'me' FROM smskit.sms_messages WHERE body LIKE 'm1%';
          """);
      // Every value of every row, but the columns added after V7 (provider_options, V10; price and price_unit,
      // V11: null on old rows).
      String rows = "SELECT (to_jsonb(m) - 'provider_options' - 'price' - 'price_unit')::text"
          + " FROM smskit.sms_messages m ORDER BY id";
      String before = String.join("\n", upgraded.strings(rows));

      SmsSchema.migrate(upgraded.dataSource(), CONFIG);
      SmsSchema.migrate(fresh.dataSource(), CONFIG);

      assertThat(String.join("\n", upgraded.strings(rows))).isEqualTo(before);
      assertThat(upgraded.strings("SELECT count(*)::text FROM smskit.sms_messages WHERE provider_options IS NOT NULL"
          + " OR price IS NOT NULL OR price_unit IS NOT NULL")).containsExactly("0");
      assertThat(upgraded.strings("SELECT count(*)::text FROM smskit.sms_messages_p_initial")).containsExactly("500");
      for (String child : List.of("sms_message_status_events", "sms_message_keys", "sms_reactions")) {
        assertThat(upgraded.strings("SELECT count(*)::text FROM smskit." + child + " c JOIN smskit.sms_messages m"
            + " ON m.tenant_id = c.tenant_id AND m.id = c.message_id AND m.created_at = c.message_created_at"))
            .as(child).containsExactlyElementsOf(upgraded.strings("SELECT count(*)::text FROM smskit." + child));
      }
      // The upgraded table's first partition reaches past its newest row, and later months are partitions.
      assertThat(partitions(upgraded)).contains("sms_messages_p_initial FOR VALUES FROM (MINVALUE) TO ('"
          + thisMonth().plusMonths(1).atDay(1) + " 00:00:00+00')");
      assertThat(partitions(upgraded)).anyMatch(p -> p.startsWith(partition(thisMonth().plusMonths(3))));

      assertThat(Catalogs.smskit(upgraded)).containsExactlyInAnyOrderElementsOf(Catalogs.smskit(fresh));
    }
  }

  private static void insertMessage(TestDatabase db, String body, Instant createdAt) {
    db.execute("""
        INSERT INTO smskit.sms_meta_conversation (tenant_id, id, conversation_id)
          VALUES ('t1', gen_random_uuid(), 'c-%1$s');
        WITH m AS (
          INSERT INTO smskit.sms_messages (tenant_id, id, direction, from_number, to_number, body, status,
            conversation_id, created_at)
          VALUES ('t1', gen_random_uuid(), 'outbound', '+14155550100', '+14155550101', '%1$s', 'queued', 'c-%1$s',
            '%2$s')
          RETURNING tenant_id, id, created_at),
        h AS (INSERT INTO smskit.sms_message_status_events (tenant_id, message_id, message_created_at, status,
          occurred_at) SELECT tenant_id, id, created_at, 'queued', created_at FROM m)
        SELECT 1;
        -- A later statement that does not name message_created_at: filled from the message by the trigger.
        INSERT INTO smskit.sms_outbox (tenant_id, message_id)
          SELECT tenant_id, id FROM smskit.sms_messages WHERE body = '%1$s';
        """.formatted(body, createdAt));
  }
}
