package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Contact;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.smskit.jooq.testing.TestRoles;

/**
 * Row level security attacked as the application role: tenant A's transactions, through the API and through raw
 * SQL on the same pool, read, change, delete and insert nothing of tenant B's; thousands of interleaved
 * transactions on a pool of two never see another tenant; a connection back in the pool carries no tenant; the
 * setup refuses roles the policies would not confine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowLevelSecurityTest {
  private static final TenantId A = TenantId.of("tenant-a");
  private static final TenantId B = TenantId.of("tenant-b");

  private final StaticKeyProvider keys = StaticKeyProvider.of("k1", AesKeys.generate());
  private TestDatabase db;
  private TestRoles roles;
  private SchemaConfig config;
  private SmsService service;
  private UUID messageOfB;
  private Contact contactOfB;
  private final Map<TenantId, Long> messages = new HashMap<>();

  @BeforeAll
  void start() {
    db = TestPostgres.newDatabase();
    roles = TestRoles.create(db, SchemaConfig.DEFAULT_SCHEMA);
    config = SchemaConfig.defaults().withRowLevelSecurity(roles.roles());
    service = builder(roles.app()).build();
    service.migrate();
    for (TenantId tenant : List.of(A, B)) {
      SmsService sms = service.forTenant(tenant);
      UUID account = sms.registerSenderAccount("Main", "simulated", "SIM-" + tenant, "token").id();
      sms.addPhoneNumber(account, "+14155550100", "Main", true);
      for (int i = 0; i < (tenant.equals(A) ? 3 : 5); i++) {
        UUID id = sms.queue(SendRequest.to("+1415555012" + i).fromAccount(account).body("hi " + i).build())
            .messageId();
        if (tenant.equals(B)) {
          messageOfB = id;
        }
      }
      messages.put(tenant, tenant.equals(A) ? 3L : 5L);
    }
    contactOfB = service.forTenant(B).findContact("+14155550120").orElseThrow();
  }

  private SmsService.Builder builder(DataSource pool) {
    return SmsService.builder(pool, keys)
        .schema(config)
        .workerDataSource(roles.worker())
        .migrationDataSource(roles.owner())
        .providers(SmsProviders.of(new SimulatedProviderFactory(new SimulatedNetwork())));
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
    db.close();
    roles.close();
  }

  /** The tables of smskit that hold tenants' rows. */
  private List<String> tenantTables() {
    return db.strings("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
        + " WHERE n.nspname = 'smskit' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1");
  }

  @Test
  void everyTenantTableHasForcedRowLevelSecurityAndPoliciesForReadsAndWrites() {
    List<String> tables = tenantTables();
    assertThat(tables).containsExactlyInAnyOrder("sms_account_pauses", "sms_analysis_runs", "sms_analysis_tasks",
        "sms_analyzer_settings", "sms_attachments", "sms_circuit_breakers",
        "sms_contacts", "sms_held_messages", "sms_inbound_fragments", "sms_message_keys",
        "sms_message_status_events", "sms_messages", "sms_meta_conversation", "sms_opt_outs", "sms_outbox",
        "sms_rate_buckets", "sms_reactions", "sms_send_attempts", "sms_sender_accounts", "sms_sender_phone_numbers",
        "sms_service_accounts");
    for (String table : tables) {
      assertThat(db.strings("SELECT relrowsecurity::text || relforcerowsecurity::text FROM pg_class"
          + " WHERE oid = ?::regclass", "smskit." + table)).as(table).containsExactly("truetrue");
      assertThat(db.strings("SELECT cmd || ' ' || array_to_string(roles, ',') || ' ' || qual || ' ' || with_check"
          + " FROM pg_policies WHERE schemaname = 'smskit' AND tablename = ? AND policyname = 'smskit_tenant'", table))
          .as(table).singleElement().asString()
          .startsWith("ALL public ")
          .contains("current_setting('app.tenant_id'::text, true)")
          .satisfies(s -> assertThat(s.split("current_setting")).hasSize(3)); // in USING and in WITH CHECK
      assertThat(db.strings("SELECT array_to_string(roles, ',') FROM pg_policies WHERE schemaname = 'smskit'"
          + " AND tablename = ? AND policyname = 'smskit_across_tenants'", table)).as(table)
          .containsExactly(roles.roles().workerRole());
    }
    // The tables of the whole installation are the worker's alone; Flyway's history is the owner's alone.
    String app = roles.roles().appRole();
    assertThat(db.strings("SELECT has_table_privilege(?, 'smskit.sms_key_checks', 'SELECT')::text", app))
        .containsExactly("false");
    assertThat(db.strings("SELECT has_table_privilege(?, 'smskit.sms_analysis_sweeps', 'SELECT')::text", app))
        .containsExactly("false");
    assertThat(db.strings("SELECT has_table_privilege(?, 'smskit.smskit_schema_history', 'SELECT')::text", app))
        .containsExactly("false");
    assertThat(db.strings("SELECT rolsuper::text || rolbypassrls::text FROM pg_roles WHERE rolname = ?", app))
        .containsExactly("falsefalse");
  }

  @Test
  void rawSqlOfTenantAOnTheApplicationPoolReadsChangesAndDeletesNothingOfB() throws SQLException {
    Map<String, String> before = rowsOf(B);
    try (Connection c = roles.app().getConnection()) {
      c.setAutoCommit(false);
      setTenant(c, A);
      for (String table : tenantTables()) {
        String t = "smskit." + table;
        assertThat(count(c, "SELECT count(*) FROM " + t + " WHERE tenant_id = 'tenant-b'")).as(t).isZero();
        assertThat(count(c, "SELECT count(*) FROM " + t + " WHERE tenant_id <> 'tenant-a'")).as(t).isZero();
        assertThat(update(c, "UPDATE " + t + " SET tenant_id = tenant_id WHERE tenant_id = 'tenant-b'")).as(t)
            .isZero();
        assertThat(update(c, "DELETE FROM " + t + " WHERE tenant_id = 'tenant-b'")).as(t).isZero();
      }
      assertThat(count(c, "SELECT count(*) FROM smskit.sms_messages")).isEqualTo(messages.get(A));
      c.rollback();
      // A partition has no policy of its own; the application role has no privilege on it at all.
      String partition = db.strings("SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"
          + " WHERE h.inhparent = 'smskit.sms_messages'::regclass ORDER BY 1 DESC LIMIT 1").get(0);
      setTenant(c, A);
      assertThatThrownBy(() -> count(c, "SELECT count(*) FROM smskit." + partition))
          .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
      c.rollback();
      setTenant(c, A);
      assertThat(count(c, "SELECT count(*) FROM smskit.sms_messages WHERE id = '" + messageOfB + "'")).isZero();
      c.rollback();

      // Writing a row of B, or moving a row of A to B, is refused by WITH CHECK.
      setTenant(c, A);
      assertThatThrownBy(() -> update(c, "INSERT INTO smskit.sms_contacts (tenant_id, id, phone)"
          + " VALUES ('tenant-b', gen_random_uuid(), '+14155550999')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
      c.rollback();
      setTenant(c, A);
      assertThatThrownBy(() -> update(c, "UPDATE smskit.sms_contacts SET tenant_id = 'tenant-b'"))
          .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
      c.rollback();
    }
    assertThat(rowsOf(B)).isEqualTo(before);
  }

  @Test
  void withoutATenantTheApplicationRoleSeesNothingAndWritesNothing() throws SQLException {
    try (Connection c = roles.app().getConnection()) {
      for (String table : tenantTables()) {
        assertThat(count(c, "SELECT count(*) FROM smskit." + table)).as(table).isZero();
      }
      assertThatThrownBy(() -> update(c, "INSERT INTO smskit.sms_contacts (tenant_id, id, phone)"
          + " VALUES ('tenant-a', gen_random_uuid(), '+14155550998')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
    }
  }

  @Test
  void theApiOfTenantAFindsAndChangesNothingOfB() {
    SmsService a = service.forTenant(A);
    assertThatThrownBy(() -> a.message(messageOfB)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> a.markRead(messageOfB)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> a.addReaction(messageOfB, "emoji", "+1", "me")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> a.updateContact(contactOfB)).isInstanceOf(NotFoundException.class);
    List<String> conversationsOfB = db.strings(
        "SELECT id::text FROM smskit.sms_meta_conversation WHERE tenant_id = 'tenant-b'");
    List<String> inboxOfA = a.inbox(PageRequest.first(50)).items().stream()
        .map(e -> e.conversation().id().toString()).toList();
    assertThat(inboxOfA).hasSize(3).doesNotContainAnyElementsOf(conversationsOfB);
    assertThat(service.forTenant(B).message(messageOfB).message().id()).isEqualTo(messageOfB);
  }

  @Test
  void thousandsOfInterleavedTransactionsOnAPoolOfTwoNeverSeeAnotherTenant() throws Exception {
    NamedSql probe = NamedSql.compile("""
        SELECT current_setting('app.tenant_id', true) AS setting,
               (SELECT count(*) FROM ${schema}.sms_messages WHERE tenant_id <> :tenant) AS foreign_rows,
               (SELECT count(*) FROM ${schema}.sms_messages) AS visible
        """, config);
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger rolledBack = new AtomicInteger();
    List<String> mismatches = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        done.add(pool.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 1000; i++) {
            TenantId tenant = random.nextBoolean() ? A : B;
            boolean fail = random.nextInt(10) == 0;
            try {
              service.forTenant(tenant).inTransaction(r -> {
                List<long[]> rows = r.query(probe, Map.of(), row -> new long[] {
                    tenant.value().equals(row.get("setting", String.class)) ? 1 : 0,
                    row.get("foreign_rows", Long.class), row.get("visible", Long.class)});
                long[] seen = rows.get(0);
                if (seen[0] != 1 || seen[1] != 0 || seen[2] != messages.get(tenant)) {
                  mismatches.add(tenant + ": " + java.util.Arrays.toString(seen));
                }
                checked.incrementAndGet();
                if (fail) {
                  throw new IllegalStateException("roll back");
                }
                return null;
              });
            } catch (IllegalStateException e) {
              rolledBack.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(checked.get()).isEqualTo(4000);
    assertThat(rolledBack.get()).isPositive();
    assertThat(mismatches).isEmpty();

    // Both connections of the pool, back from all that, carry no tenant and see nothing.
    try (Connection c1 = roles.app().getConnection(); Connection c2 = roles.app().getConnection()) {
      for (Connection c : List.of(c1, c2)) {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(current_setting('app.tenant_id', true), ''),"
                 + " (SELECT count(*) FROM smskit.sms_messages)")) {
          rs.next();
          assertThat(rs.getString(1)).isEmpty();
          assertThat(rs.getLong(2)).isZero();
        }
      }
    }
  }

  @Test
  void aStatementOutsideATransactionIsRefused() {
    SmsDatabase database = SmsDatabase.create(roles.app(), roles.worker(), config);
    assertThatThrownBy(() -> database.outsideTransactions().fetchCount(
        org.jooq.impl.DSL.table(org.jooq.impl.DSL.name("smskit", "sms_messages"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("only inside its transactions");
  }

  @Test
  void rolesThePoliciesWouldNotConfineAreRefused() {
    SmsService onSuperuser = builder(db.dataSource()).build();
    assertThatThrownBy(onSuperuser::migrate).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row_level_security.app_role").hasMessageContaining("is a superuser");
    SmsService onOwner = builder(roles.owner()).build();
    assertThatThrownBy(onOwner::migrate).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("owns smskit's tables");
    assertThatThrownBy(() -> SmsService.builder(roles.app(), keys).schema(config).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("worker_data_source");
  }

  @Test
  void migratingWithoutRowLevelSecurityTurnsItOffAndWithItOnAgain() {
    SchemaConfig other = SchemaConfig.defaults().withSchema("smskit_toggle");
    SmsService plain = SmsService.builder(roles.owner(), keys).schema(other).build();
    plain.migrate();
    assertThat(forced("smskit_toggle")).containsOnly("falsefalse");
    SmsService secured = builder(roles.app()).schema(other.withRowLevelSecurity(roles.roles())).build();
    secured.migrate();
    assertThat(forced("smskit_toggle")).containsOnly("truetrue");
    secured.migrate(); // idempotent
    assertThat(db.strings("SELECT count(*)::text FROM pg_policies WHERE schemaname = 'smskit_toggle'"))
        .containsExactly(String.valueOf(2 * db.strings("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
            + " ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
            + " WHERE n.nspname = 'smskit_toggle' AND c.relkind IN ('r', 'p') AND NOT c.relispartition").size()));
    plain.migrate();
    assertThat(forced("smskit_toggle")).containsOnly("falsefalse");
    assertThat(db.strings("SELECT count(*)::text FROM pg_policies WHERE schemaname = 'smskit_toggle'"))
        .containsExactly("0");
  }

  private List<String> forced(String schema) {
    return db.strings("SELECT c.relrowsecurity::text || c.relforcerowsecurity::text FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
        + " AND a.attname = 'tenant_id' WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition",
        schema);
  }

  /** Every row of {@code tenant} in every table, as text, read as the superuser (which bypasses the policies). */
  private Map<String, String> rowsOf(TenantId tenant) {
    Map<String, String> rows = new HashMap<>();
    for (String table : tenantTables()) {
      rows.put(table, String.join("\n", db.strings("SELECT t::text FROM smskit." + table
          + " t WHERE tenant_id = ? ORDER BY 1", tenant.value())));
    }
    return rows;
  }

  private static void setTenant(Connection c, TenantId tenant) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
      s.setString(1, tenant.value());
      s.execute();
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }
}
