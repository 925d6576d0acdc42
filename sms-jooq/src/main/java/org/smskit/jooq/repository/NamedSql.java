package org.smskit.jooq.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.exception.DataAccessException;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * A hand-written statement with {@code :name} parameters and {@code ${schema}} for smskit's schema, compiled once to
 * JDBC's positional form: for the hot paths that do their work in one round trip (several data-modifying CTEs in one
 * statement), where building the statement with the DSL on every call would cost more than the statement. Run it with
 * {@link SmsDatabase#queryOne}; callers read the row by column name and never see JDBC. Internal to smskit.
 */
public final class NamedSql {
  private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([a-z][a-z_0-9]*)");

  private final String jdbc;
  private final List<String> names;

  private NamedSql(String jdbc, List<String> names) {
    this.jdbc = jdbc;
    this.names = List.copyOf(names);
  }

  /** Compiles {@code sql} for {@code schema} (a validated identifier, quoted here). */
  public static NamedSql compile(String sql, SchemaConfig schema) {
    String text = sql.replace("${schema}", '"' + schema.schema() + '"');
    List<String> names = new ArrayList<>();
    Matcher m = PARAMETER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      names.add(m.group(1));
      m.appendReplacement(out, "?");
    }
    m.appendTail(out);
    return new NamedSql(out.toString(), names);
  }

  /** The statement, prepared on {@code connection} with {@code values} bound by name (a missing name is null). */
  PreparedStatement prepare(Connection connection, Map<String, ?> values) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(jdbc);
    for (int i = 0; i < names.size(); i++) {
      Object value = values.get(names.get(i));
      statement.setObject(i + 1, bindable(connection, value));
    }
    return statement;
  }

  /** Instants as timestamptz; arrays of UUIDs, strings, integers and instants as PostgreSQL arrays. */
  private static Object bindable(Connection connection, Object value) throws SQLException {
    if (value instanceof Instant at) {
      return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
    if (value instanceof UUID[] ids) {
      return connection.createArrayOf("uuid", ids);
    }
    if (value instanceof String[] texts) {
      return connection.createArrayOf("text", texts);
    }
    if (value instanceof Integer[] ints) {
      return connection.createArrayOf("int4", ints);
    }
    if (value instanceof Instant[] instants) {
      OffsetDateTime[] times = new OffsetDateTime[instants.length];
      for (int i = 0; i < instants.length; i++) {
        times[i] = instants[i] == null ? null : OffsetDateTime.ofInstant(instants[i], ZoneOffset.UTC);
      }
      return connection.createArrayOf("timestamptz", times);
    }
    return value;
  }

  /** Runs a statement that returns one row and reads it with {@code reader}. */
  <T> T queryOne(Connection connection, Map<String, ?> values, RowReader<T> reader) throws SQLException {
    try (PreparedStatement statement = prepare(connection, values); ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        throw new IllegalStateException("the statement returned no row");
      }
      return reader.read(column(rows));
    }
  }

  /** Runs a statement and reads every row it returns with {@code reader}. */
  <T> List<T> queryAll(Connection connection, Map<String, ?> values, RowReader<T> reader) throws SQLException {
    try (PreparedStatement statement = prepare(connection, values); ResultSet rows = statement.executeQuery()) {
      List<T> out = new ArrayList<>();
      Row row = column(rows);
      while (rows.next()) {
        out.add(reader.read(row));
      }
      return out;
    }
  }

  private static Row column(ResultSet rows) {
    return new Row() {
      @Override
      public <V> V get(String column, Class<V> type) {
        try {
          // Text of any type (json, enums) reads as a string, as JDBC's getString allows.
          return type == String.class ? type.cast(rows.getString(column)) : rows.getObject(column, type);
        } catch (SQLException e) {
          throw new DataAccessException("reading column " + column, e);
        }
      }
    };
  }

  /** The one row a statement returned, read by column name. */
  public interface Row {
    /** The value of {@code column} as {@code type}, or null. */
    <V> V get(String column, Class<V> type);
  }

  /** Reads one row of a result. */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(Row row);
  }

  @Override
  public String toString() {
    return jdbc;
  }
}
