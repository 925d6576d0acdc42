package org.smskit.jooq.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** A fresh database on the test server with a small connection pool; {@link #close()} drops it. */
public final class TestDatabase implements AutoCloseable {
  private final String name;
  private final String jdbcUrl;
  private final Runnable drop;
  private final HikariDataSource dataSource;
  private final List<HikariDataSource> others = new ArrayList<>();

  TestDatabase(String name, String jdbcUrl, Runnable drop) {
    this.name = name;
    this.jdbcUrl = jdbcUrl;
    this.drop = drop;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(10);
    config.setPoolName(name);
    this.dataSource = new HikariDataSource(config);
  }

  public String name() {
    return name;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * A pool of at most {@code maxPoolSize} connections to this database as {@code user} (the test servers trust
   * local connections, so no password), closed with the database.
   */
  public synchronized HikariDataSource dataSourceAs(String user, int maxPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl.replaceAll("([?&])user=[^&]*", "$1user=" + user)
        .replaceAll("([?&])password=[^&]*", "$1password=unused"));
    config.setMaximumPoolSize(maxPoolSize);
    config.setPoolName(name + "-" + user);
    HikariDataSource pool = new HikariDataSource(config);
    others.add(pool);
    return pool;
  }

  /** Runs SQL statements (separated by semicolons at line ends) in one transaction. */
  public void execute(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates the minimal stand-in for the host's ERP tables of the spec ({@code mkt_campaigns}, {@code project},
   * {@code crm_customers}, {@code sys_users}) in {@code schema}. smskit never creates these in a real host.
   */
  public void createErpStandIn(String schema) {
    execute("CREATE SCHEMA IF NOT EXISTS " + schema + ";"
        + "CREATE TABLE " + schema + ".mkt_campaigns (id bigint PRIMARY KEY, name text NOT NULL);"
        + "CREATE TABLE " + schema + ".project (id bigint PRIMARY KEY, name text NOT NULL);"
        + "CREATE TABLE " + schema + ".crm_customers (id integer PRIMARY KEY, name text NOT NULL);"
        + "CREATE TABLE " + schema + ".sys_users (id integer PRIMARY KEY, name text NOT NULL);");
  }

  /** The first column of every row of a query, as text. */
  public List<String> strings(String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out.add(rows.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Override
  public void close() {
    others.forEach(HikariDataSource::close);
    dataSource.close();
    drop.run();
  }
}
