package org.smskit.jooq.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.smskit.core.TenantId;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.schema.ErpTables;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.schema.SmsSchema;

/**
 * Base of database tests: each test class gets a fresh database on the test server with the stand-in ERP tables
 * in {@code public}, smskit migrated into schema {@code smskit} with foreign keys to them, and an
 * {@link SmsDatabase} over it.
 */
public abstract class DatabaseTest {
  protected static final TenantId TENANT = TenantId.of("acme");
  protected static final TenantId OTHER_TENANT = TenantId.of("globex");
  protected static final SchemaConfig CONFIG = SchemaConfig.defaults().withErpTables(ErpTables.standard("public"));

  protected static TestDatabase db;
  protected static SmsDatabase sms;

  @BeforeAll
  static void createDatabase() {
    db = TestPostgres.newDatabase();
    db.createErpStandIn("public");
    SmsSchema.migrate(db.dataSource(), CONFIG);
    sms = SmsDatabase.create(db.dataSource(), CONFIG);
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  /** Runs {@code work} in one transaction for {@link #TENANT}. */
  protected static <T> T tx(SmsDatabase.Work<T> work) {
    return sms.inTransaction(TENANT, work);
  }

  /** Runs {@code work} in one transaction for {@link #TENANT}, without a result. */
  protected static void run(java.util.function.Consumer<Repositories> work) {
    sms.inTransaction(TENANT, r -> {
      work.accept(r);
      return null;
    });
  }

  /** One number from a SQL query, for assertions on what was (not) written. */
  protected static long count(String sql) {
    return sms.inTransaction(TENANT, r -> r.dsl().fetchSingle(sql).get(0, Long.class));
  }
}
