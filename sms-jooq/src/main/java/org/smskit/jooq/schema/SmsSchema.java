package org.smskit.jooq.schema;

import static java.util.Objects.requireNonNull;
import static org.smskit.jooq.schema.SchemaConfig.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades smskit's tables. Runs smskit's own Flyway migrations ({@code classpath:org/smskit/jooq/migration})
 * in smskit's own schema with its own history table, so it lives beside a host's own Flyway setup without
 * touching it: it never baselines, never cleans, and never looks at the host's schemas.
 *
 * <p>Safe to call on every start-up and from several nodes at once (Flyway and the foreign-key step each take
 * an advisory lock).
 */
public final class SmsSchema {
  private static final Logger log = LoggerFactory.getLogger(SmsSchema.class);

  /** Where the migrations live on the classpath; deliberately not {@code db/migration}, which hosts scan. */
  public static final String MIGRATION_LOCATION = "classpath:org/smskit/jooq/migration";

  /** How many months ahead {@link #migrate} makes the partitions of {@code sms_messages}. */
  public static final int MONTHS_AHEAD = 3;

  private SmsSchema() {}

  /**
   * Creates the missing monthly partitions of {@code sms_messages}, from this month (UTC) to {@code monthsAhead}
   * months ahead. {@link #migrate} runs it with {@link #MONTHS_AHEAD}; run it daily as well (any node, any pool of
   * smskit: it is idempotent, serialised by an advisory lock, and runs with the owner's rights), so that a node
   * that never restarts still finds next month's partition. A message whose month has no partition is refused.
   *
   * @return how many partitions were created
   */
  public static int ensurePartitions(DataSource dataSource, SchemaConfig config, int monthsAhead) {
    if (monthsAhead < 0 || monthsAhead > 120) {
      throw new InvalidInputException("months_ahead", "must be between 0 and 120");
    }
    return callInt(dataSource, config, "ensure_message_partitions(?)", monthsAhead, "create the message partitions");
  }

  /**
   * Retention, opt-in: deletes the messages of every month partition of {@code sms_messages} that ends on or before
   * {@code cutoff} (their attachments, reactions, history, keys and dispatch rows go with them by cascade), then
   * detaches and drops those partitions. The first partition of an upgraded installation (everything before V7)
   * is never dropped; delete from it with an ordinary {@code DELETE}. Conversation rollups ({@code message_count})
   * keep counting the dropped messages.
   *
   * @return how many partitions were dropped
   */
  public static int dropPartitionsBefore(DataSource dataSource, SchemaConfig config, java.time.Instant cutoff) {
    requireNonNull(cutoff, "cutoff");
    return callInt(dataSource, config, "drop_message_partitions_before(?)",
        java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC), "drop old message partitions");
  }

  private static int callInt(DataSource dataSource, SchemaConfig config, String call, Object argument, String what) {
    requireNonNull(dataSource, "dataSource");
    requireNonNull(config, "config");
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT " + quote(config.schema()) + "." + call)) {
      statement.setObject(1, argument);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        int count = rows.getInt(1);
        if (count > 0) {
          log.info("smskit: {}: {}", what, count);
        }
        return count;
      }
    } catch (SQLException e) {
      throw new StorageException("could not " + what + ": " + e.getMessage(), false, e);
    }
  }

  /**
   * Applies pending migrations, then creates or drops the foreign keys to host tables so that they match
   * {@link SchemaConfig#erpTables()}, and turns row level security on or off as {@link
   * SchemaConfig#rowLevelSecurity()} says. With row level security, run it as the owner role.
   *
   * @return the schema version after migrating
   */
  public static String migrate(DataSource dataSource, SchemaConfig config) {
    requireNonNull(dataSource, "dataSource");
    requireNonNull(config, "config");
    MigrateResult result = flyway(dataSource, config).migrate();
    log.info("smskit schema {} at version {} ({} migration(s) applied)", config.schema(), result.targetSchemaVersion,
        result.migrationsExecuted);
    reconcileErpForeignKeys(dataSource, config);
    TenantPolicies.reconcile(dataSource, config);
    ensurePartitions(dataSource, config, MONTHS_AHEAD);
    return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
  }

  /**
   * Checks that row level security applies to the role of {@code appDataSource}: it is neither a superuser, nor
   * {@code BYPASSRLS}, nor the owner of smskit's tables (nor a member of the owner). Does nothing when row level
   * security is off.
   *
   * @throws InvalidInputException naming the role and why the policies would not confine it
   */
  public static void verifyApplicationRole(DataSource appDataSource, SchemaConfig config) {
    requireNonNull(appDataSource, "appDataSource");
    if (config.rowLevelSecurity() == null) {
      return;
    }
    String sql = """
        SELECT r.rolname, r.rolsuper, r.rolbypassrls,
               EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = ? AND pg_has_role(r.oid, c.relowner, 'MEMBER'))
        FROM pg_roles r WHERE r.rolname = current_user
        """;
    try (Connection connection = appDataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, config.schema());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        String role = rows.getString(1);
        String why = rows.getBoolean(2) ? "is a superuser" : rows.getBoolean(3) ? "has BYPASSRLS"
            : rows.getBoolean(4) ? "owns smskit's tables" : null;
        if (why != null) {
          throw new InvalidInputException("row_level_security.app_role", "the pool's role " + role + " " + why
              + ", so row level security would not confine it; back the pool with a role like "
              + config.rowLevelSecurity().appRole());
        }
      }
    } catch (SQLException e) {
      throw new StorageException("could not check the pool's role: " + e.getMessage(), true, e);
    }
  }

  /** The Flyway instance smskit migrates with, for hosts that want {@code info()} or {@code validate()}. */
  public static Flyway flyway(DataSource dataSource, SchemaConfig config) {
    return Flyway.configure(SmsSchema.class.getClassLoader())
        .dataSource(dataSource)
        .schemas(config.schema())
        .defaultSchema(config.schema())
        .createSchemas(true)
        .table(config.historyTable())
        .locations(MIGRATION_LOCATION)
        // Never: with a non-empty schema it would silently skip our V1 (flyway/flyway#3184).
        .baselineOnMigrate(false)
        .cleanDisabled(true)
        .validateMigrationNaming(true)
        .load();
  }

  /** A foreign key from one of our columns to a host table's {@code id}. */
  private record ErpForeignKey(String table, String column, String constraint, @Nullable String target) {}

  private static void reconcileErpForeignKeys(DataSource dataSource, SchemaConfig config) {
    ErpTables erp = config.erpTables();
    List<ErpForeignKey> keys = List.of(
        new ErpForeignKey("sms_service_accounts", "linked_campaign_id", "sms_service_accounts_campaign_erp_fkey",
            erp.campaigns()),
        new ErpForeignKey("sms_service_accounts", "linked_project_id", "sms_service_accounts_project_erp_fkey",
            erp.projects()),
        new ErpForeignKey("sms_meta_conversation", "customer_id_crm", "sms_meta_conversation_customer_erp_fkey",
            erp.customers()),
        new ErpForeignKey("sms_meta_conversation", "assigned_staff_id", "sms_meta_conversation_staff_erp_fkey",
            erp.users()));
    LockedWork.run(dataSource, "smskit-erp-fkeys:" + config.schema(), "create the foreign keys to the host's ERP"
        + " tables", connection -> {
          for (ErpForeignKey key : keys) {
            reconcile(connection, config.schema(), key);
          }
        });
  }

  private static void reconcile(Connection connection, String schema, ErpForeignKey key) throws SQLException {
    String current = currentTarget(connection, schema, key);
    String wanted = key.target() == null ? null : qualified(key.target());
    if (current != null && current.equals(wanted)) {
      return;
    }
    String table = quote(schema) + "." + quote(key.table());
    try (Statement statement = connection.createStatement()) {
      if (current != null) {
        statement.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + quote(key.constraint()));
        log.info("smskit dropped foreign key {} to {}", key.constraint(), current);
      }
      if (wanted != null) {
        statement.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + quote(key.constraint())
            + " FOREIGN KEY (" + quote(key.column()) + ") REFERENCES " + quoteQualified(wanted) + " (id)");
        log.info("smskit added foreign key {} to {}", key.constraint(), wanted);
      }
    }
  }

  /** The table an existing ERP foreign key points at, as {@code schema.table}, or null when absent. */
  private static @Nullable String currentTarget(Connection connection, String schema, ErpForeignKey key)
      throws SQLException {
    String sql = "SELECT tn.nspname || '.' || t.relname FROM pg_constraint c"
        + " JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace"
        + " JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
        + " WHERE rn.nspname = ? AND r.relname = ? AND c.conname = ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema);
      statement.setString(2, key.table());
      statement.setString(3, key.constraint());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  private static String qualified(String name) {
    return name.contains(".") ? name : "public." + name;
  }

  private static String quoteQualified(String qualifiedName) {
    int dot = qualifiedName.indexOf('.');
    return quote(qualifiedName.substring(0, dot)) + "." + quote(qualifiedName.substring(dot + 1));
  }
}
