package org.smskit.jooq.schema;

import static org.smskit.jooq.schema.SchemaConfig.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.smskit.core.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes row level security of smskit's tables match {@link SchemaConfig#rowLevelSecurity()}, after each migration
 * (so tables added by later migrations are covered): policies, {@code ENABLE}/{@code FORCE} and grants when on;
 * policies dropped and row level security disabled when off. Changes only what differs (grants and revokes too),
 * so that a start-up with nothing to change takes no table lock. Partitions are left alone: rows are reached through their parent, whose
 * policies apply, and the two roles get no privilege on a partition itself (a partition has no policy of its own,
 * so a grant on it would bypass them).
 */
final class TenantPolicies {
  private static final Logger log = LoggerFactory.getLogger(TenantPolicies.class);

  static final String TENANT_POLICY = "smskit_tenant";
  static final String WORKER_POLICY = "smskit_across_tenants";
  private static final String DML = "SELECT, INSERT, UPDATE, DELETE";
  private static final String ALL = DML + ", TRUNCATE, REFERENCES, TRIGGER";

  private TenantPolicies() {}

  /** One table of the schema as the catalog has it. */
  private record Table(String name, boolean hasTenant, boolean enabled, boolean forced, boolean tenantPolicy,
      @Nullable String workerPolicyRoles) {}

  static void reconcile(DataSource dataSource, SchemaConfig config) {
    LockedWork.run(dataSource, "smskit-rls:" + config.schema(), "set up row level security", connection -> {
      List<Table> tables = tables(connection, config);
      try (Statement statement = connection.createStatement()) {
        if (config.rowLevelSecurity() == null) {
          turnOff(statement, config.schema(), tables);
        } else {
          turnOn(connection, statement, config, tables);
        }
      }
    });
  }

  private static void turnOn(Connection connection, Statement statement, SchemaConfig config, List<Table> tables)
      throws SQLException {
    RowLevelSecurity roles = config.rowLevelSecurity();
    String schema = quote(config.schema());
    String app = quote(roles.appRole());
    String worker = quote(roles.workerRole());
    statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + app + ", " + worker);
    for (Table table : tables) {
      String name = schema + "." + quote(table.name());
      if (!table.hasTenant()) {
        // Tables of the whole installation (key checks): cross-tenant work only.
        grant(connection, statement, name, roles.workerRole());
        if (holds(connection, name, roles.appRole(), ALL)) {
          statement.execute("REVOKE ALL ON " + name + " FROM " + app);
        }
        continue;
      }
      if (!table.tenantPolicy()) {
        // COLLATE "C" as the column: a comparison of two different implicit collations would be refused.
        String own = "tenant_id = (current_setting('" + RowLevelSecurity.TENANT_SETTING + "', true) COLLATE \"C\")";
        statement.execute("CREATE POLICY " + TENANT_POLICY + " ON " + name + " FOR ALL USING (" + own
            + ") WITH CHECK (" + own + ")");
      }
      if (!roles.workerRole().equals(table.workerPolicyRoles())) {
        if (table.workerPolicyRoles() != null) {
          statement.execute("DROP POLICY " + WORKER_POLICY + " ON " + name);
        }
        statement.execute("CREATE POLICY " + WORKER_POLICY + " ON " + name + " FOR ALL TO " + worker
            + " USING (true) WITH CHECK (true)");
      }
      if (!table.enabled()) {
        statement.execute("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
      }
      if (!table.forced()) {
        // Forced, so that the owner is confined too when it reads (a migration reading rows must set a tenant).
        statement.execute("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
      }
      grant(connection, statement, name, roles.appRole());
      grant(connection, statement, name, roles.workerRole());
    }
    log.info("smskit row level security on in schema {} (application role {}, worker role {})", config.schema(),
        roles.appRole(), roles.workerRole());
  }

  private static void grant(Connection connection, Statement statement, String table, String role)
      throws SQLException {
    if (!holds(connection, table, role, DML)) {
      statement.execute("GRANT " + DML + " ON " + table + " TO " + quote(role));
    }
  }

  /** True when {@code role} holds any of {@code privileges} on {@code table}. */
  private static boolean holds(Connection connection, String table, String role, String privileges)
      throws SQLException {
    try (PreparedStatement has = connection.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
      has.setString(1, role);
      has.setString(2, table);
      has.setString(3, privileges);
      try (ResultSet rows = has.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private static void turnOff(Statement statement, String schema, List<Table> tables) throws SQLException {
    for (Table table : tables) {
      String name = quote(schema) + "." + quote(table.name());
      if (table.tenantPolicy()) {
        statement.execute("DROP POLICY " + TENANT_POLICY + " ON " + name);
      }
      if (table.workerPolicyRoles() != null) {
        statement.execute("DROP POLICY " + WORKER_POLICY + " ON " + name);
      }
      if (table.forced()) {
        statement.execute("ALTER TABLE " + name + " NO FORCE ROW LEVEL SECURITY");
      }
      if (table.enabled()) {
        statement.execute("ALTER TABLE " + name + " DISABLE ROW LEVEL SECURITY");
        log.info("smskit row level security off on {}", name);
      }
    }
  }

  private static List<Table> tables(Connection connection, SchemaConfig config) throws SQLException {
    String sql = """
        SELECT c.relname,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                       AND NOT a.attisdropped),
               c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?),
               (SELECT string_agg(r.rolname, ',' ORDER BY r.rolname) FROM pg_policy p, unnest(p.polroles) pr
                  JOIN pg_roles r ON r.oid = pr
                WHERE p.polrelid = c.oid AND p.polname = ?)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ?
        ORDER BY c.relname
        """;
    List<Table> tables = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, TENANT_POLICY);
      statement.setString(2, WORKER_POLICY);
      statement.setString(3, config.schema());
      statement.setString(4, config.historyTable());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tables.add(new Table(rows.getString(1), rows.getBoolean(2), rows.getBoolean(3), rows.getBoolean(4),
              rows.getBoolean(5), rows.getString(6)));
        }
      }
    }
    return tables;
  }
}
