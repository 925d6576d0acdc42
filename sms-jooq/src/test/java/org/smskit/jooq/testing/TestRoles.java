package org.smskit.jooq.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import org.smskit.jooq.schema.RowLevelSecurity;

/**
 * The three roles of row level security, made for one test database with names of their own (roles are shared by
 * the whole server), with a pool for each: the owner that migrates, the application role of the host's pool (a
 * pool of two, so that connections are reused all the time), and the worker role that dispatches.
 */
public final class TestRoles implements AutoCloseable {
  private final RowLevelSecurity roles;
  private final HikariDataSource owner;
  private final HikariDataSource app;
  private final HikariDataSource worker;

  private TestRoles(RowLevelSecurity roles, HikariDataSource owner, HikariDataSource app, HikariDataSource worker) {
    this.roles = roles;
    this.owner = owner;
    this.app = app;
    this.worker = worker;
  }

  /**
   * Creates the roles with smskit's helper; lets the owner reference, and the application role read, the ERP
   * stand-in tables of {@code public}.
   */
  public static TestRoles create(TestDatabase db, String schema) {
    String prefix = "rls_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    RowLevelSecurity roles = new RowLevelSecurity(prefix + "_owner", prefix + "_app", prefix + "_worker");
    roles.createRoles(db.dataSource(), schema, "owner-secret", "app-secret", "worker-secret");
    // What a host grants: the owner references its ERP tables, the application role reads them (inbox joins).
    db.execute("GRANT USAGE ON SCHEMA public TO " + roles.ownerRole() + ", " + roles.appRole() + ";"
        + "GRANT REFERENCES ON ALL TABLES IN SCHEMA public TO " + roles.ownerRole() + ";"
        + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + roles.appRole());
    return new TestRoles(roles, db.dataSourceAs(roles.ownerRole(), 2), db.dataSourceAs(roles.appRole(), 2),
        db.dataSourceAs(roles.workerRole(), 4));
  }

  public RowLevelSecurity roles() {
    return roles;
  }

  public HikariDataSource owner() {
    return owner;
  }

  public HikariDataSource app() {
    return app;
  }

  public HikariDataSource worker() {
    return worker;
  }

  /** Drops the roles; call after the database was dropped. */
  @Override
  public void close() {
    owner.close();
    app.close();
    worker.close();
    TestPostgres.dropRoles(roles.appRole(), roles.workerRole(), roles.ownerRole());
  }
}
