package org.smskit.jooq.schema;

import static java.util.Objects.requireNonNull;
import static org.smskit.jooq.schema.SchemaConfig.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.smskit.core.InvalidInputException;

/**
 * Row level security: PostgreSQL itself confines every row of smskit's tables to the tenant of the transaction,
 * for hosts whose database users are not all trusted with every tenant (tables exposed to clients, reporting
 * tools, several applications on one pool). Off by default; turned on with {@link SchemaConfig#withRowLevelSecurity}.
 *
 * <p>Three roles take part:
 * <ul>
 *   <li>the <b>owner</b> owns the schema, runs {@link SmsSchema#migrate} and nothing else;
 *   <li>the <b>application</b> role backs the host's pool: not the owner, not a superuser, {@code NOBYPASSRLS}; it
 *       sees and writes only the rows whose {@code tenant_id} equals {@code current_setting('app.tenant_id')},
 *       which smskit sets at the start of each of its transactions ({@code set_config(..., true)}: it ends with
 *       the transaction, so a pooled connection never carries a tenant to its next borrower);
 *   <li>the <b>worker</b> role backs the pool of work that spans tenants (the dispatcher's claims and leases,
 *       reconciliation, key checks): a policy lets it see every tenant's rows, and smskit still sets the tenant
 *       before each message's writes.
 * </ul>
 *
 * <p>With row level security on, {@link SmsSchema#migrate} enables and forces it on every table that has a
 * {@code tenant_id}, creates the policies ({@code smskit_tenant} for everyone, {@code smskit_across_tenants} for
 * the worker), and grants the two roles what they use; turned off again, it drops the policies and disables it.
 *
 * @param ownerRole the role that owns the schema and migrates it
 * @param appRole the role of the host's pool, confined to one tenant per transaction
 * @param workerRole the role of the pool that dispatches across tenants
 */
public record RowLevelSecurity(String ownerRole, String appRole, String workerRole) {
  /** The setting the policies read: the tenant of the current transaction. */
  public static final String TENANT_SETTING = "app.tenant_id";

  public RowLevelSecurity {
    SchemaConfig.requireIdentifier("row_level_security.owner_role", ownerRole);
    SchemaConfig.requireIdentifier("row_level_security.app_role", appRole);
    SchemaConfig.requireIdentifier("row_level_security.worker_role", workerRole);
    if (ownerRole.equals(appRole) || ownerRole.equals(workerRole) || appRole.equals(workerRole)) {
      throw new InvalidInputException("row_level_security", "the owner, application and worker roles must differ");
    }
  }

  /** Roles {@code smskit_owner}, {@code smskit_app} and {@code smskit_worker}. */
  public static RowLevelSecurity defaultRoles() {
    return new RowLevelSecurity("smskit_owner", "smskit_app", "smskit_worker");
  }

  /**
   * Creates the three roles as login roles with these passwords, where they do not exist yet, lets the owner
   * create schemas in the current database, and creates {@code schema} owned by it (if missing). Optional: a host
   * may create the roles itself. Run as a superuser or a role with {@code CREATEROLE}; idempotent.
   */
  public void createRoles(DataSource admin, String schema, String ownerPassword, String appPassword,
      String workerPassword) {
    requireNonNull(admin, "admin");
    SchemaConfig.requireIdentifier("schema", schema);
    LockedWork.run(admin, "smskit-roles", "create the row level security roles", connection -> {
      // NOBYPASSRLS and NOSUPERUSER are the defaults; they are spelled out because they are the point.
      createRole(connection, ownerRole, ownerPassword);
      createRole(connection, appRole, appPassword);
      createRole(connection, workerRole, workerPassword);
      try (Statement statement = connection.createStatement()) {
        // GRANT ... ON DATABASE needs the name; the server quotes it (format %I).
        statement.execute("DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO " + quote(ownerRole)
            + "', current_database()); EXECUTE format('GRANT CONNECT ON DATABASE %I TO " + quote(appRole) + ", "
            + quote(workerRole) + "', current_database()); END $$");
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema) + " AUTHORIZATION " + quote(ownerRole));
      }
    });
  }

  private static void createRole(Connection connection, String role, String password) throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      exists.setString(1, role);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
    }
    // CREATE ROLE takes no bind parameters: the server quotes the password itself (format %L).
    String sql;
    try (PreparedStatement format = connection.prepareStatement(
        "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD %L', ?, ?)")) {
      format.setString(1, role);
      format.setString(2, requireNonNull(password, "password"));
      try (ResultSet rows = format.executeQuery()) {
        rows.next();
        sql = rows.getString(1);
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

}
