package org.smskit.jooq.schema;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;

/**
 * Where smskit keeps its tables: its own PostgreSQL schema and its own Flyway history table, so that a host
 * with its own Flyway setup and its own {@code public} tables is never disturbed; and which host (ERP) tables
 * exist for foreign keys.
 *
 * @param schema the PostgreSQL schema of every smskit table (default {@code smskit}); created if missing
 * @param historyTable smskit's Flyway history table inside that schema (default {@code smskit_schema_history})
 * @param erpTables which host tables exist; foreign keys to them are created only for those named
 * @param rowLevelSecurity the roles of row level security, or null (the default) for none: tenancy is then kept
 *     by smskit's queries alone
 */
public record SchemaConfig(String schema, String historyTable, ErpTables erpTables,
    @Nullable RowLevelSecurity rowLevelSecurity) {
  /** The schema name that the generated jOOQ code is written against; other names are mapped at runtime. */
  public static final String DEFAULT_SCHEMA = "smskit";

  public static final String DEFAULT_HISTORY_TABLE = "smskit_schema_history";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public SchemaConfig {
    requireIdentifier("schema", schema);
    requireIdentifier("history_table", historyTable);
    requireNonNull(erpTables, "erpTables");
  }

  /** Without row level security. */
  public SchemaConfig(String schema, String historyTable, ErpTables erpTables) {
    this(schema, historyTable, erpTables, null);
  }

  /** Schema {@code smskit}, history table {@code smskit_schema_history}, no ERP foreign keys. */
  public static SchemaConfig defaults() {
    return new SchemaConfig(DEFAULT_SCHEMA, DEFAULT_HISTORY_TABLE, ErpTables.none());
  }

  public SchemaConfig withSchema(String name) {
    return new SchemaConfig(name, historyTable, erpTables, rowLevelSecurity);
  }

  public SchemaConfig withHistoryTable(String name) {
    return new SchemaConfig(schema, name, erpTables, rowLevelSecurity);
  }

  public SchemaConfig withErpTables(ErpTables tables) {
    return new SchemaConfig(schema, historyTable, tables, rowLevelSecurity);
  }

  /** With row level security over these roles, or without it ({@code null}). */
  public SchemaConfig withRowLevelSecurity(@Nullable RowLevelSecurity roles) {
    return new SchemaConfig(schema, historyTable, erpTables, roles);
  }

  /** Schema, table and role names: plain lower-case identifiers, so that {@link #quote} cannot be escaped. */
  static void requireIdentifier(String field, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new InvalidInputException(field, "must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, up to 63)");
    }
  }

  /** A name checked by {@link #requireIdentifier} (or read from the catalog), quoted for SQL text. */
  static String quote(String identifier) {
    return '"' + identifier + '"';
  }
}
