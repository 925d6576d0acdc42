package org.smskit.adopt;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.EnvironmentKeyProvider;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * The adoption from the command line (see README): {@code mvn -q -pl sms-adopt -am -Padopt -DskipTests verify
 * -Dadopt.jdbcUrl=... -Dadopt.mode=preflight|dry-run|adopt|verify}, options as {@code -Dadopt.<name>} system
 * properties. Exits 0 on success, 1 when verify finds a problem, 2 on bad options.
 */
public final class AdoptMain {
  private AdoptMain() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      int status = run(out);
      if (status != 0) {
        System.exit(status);
      }
    } catch (InvalidInputException e) {
      System.err.println("adopt: " + e.field() + ": " + e.rule());
      System.exit(2);
    }
  }

  static int run(PrintStream out) {
    String url = required("jdbcUrl");
    String mode = property("mode", "preflight").toLowerCase(Locale.ROOT);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    String user = property("user", null);
    if (user != null) {
      dataSource.setUser(user);
    }
    String password = property("password", null);
    if (password != null) {
      dataSource.setPassword(password);
    }
    String schema = property("schema", SchemaConfig.DEFAULT_SCHEMA);
    if (mode.equals("dry-run")) {
      schema = schema + "_dryrun";
    }
    LegacyAdoption.Builder builder = LegacyAdoption.builder(dataSource)
        .legacySchema(property("legacySchema", "public"))
        .target(SchemaConfig.defaults().withSchema(schema))
        .tenant(TenantId.of(property("tenant", TenantId.DEFAULT.value())))
        .defaultRegion(property("region", "US"))
        .legacyZone(zone(property("zone", "UTC")))
        .batchSize(Integer.parseInt(property("batchSize", "5000")));
    KeyProvider keys = keys();
    if (keys != null) {
      builder.keys(keys);
    }
    LegacyAdoption adoption = builder.build();
    switch (mode) {
      case "preflight" -> print(out, adoption.preflight());
      case "adopt" -> print(out, adoption.adopt());
      case "verify" -> {
        return print(out, adoption.verify());
      }
      case "dry-run" -> {
        try {
          print(out, adoption.adopt());
          return print(out, adoption.verify()) == 0 ? 0 : 1;
        } finally {
          drop(dataSource, schema, adoption.adoptionSchema());
          out.println("dry run: dropped schemas " + schema + " and " + adoption.adoptionSchema());
        }
      }
      default -> throw new InvalidInputException("adopt.mode", "is preflight, dry-run, adopt or verify");
    }
    return 0;
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (java.time.DateTimeException e) {
      throw new InvalidInputException("adopt.zone", "must be a zone id such as America/New_York");
    }
  }

  /** {@code adopt.key} (base64 of 32 bytes) with {@code adopt.keyId}, else SMSKIT_KEYS from the environment. */
  private static @Nullable KeyProvider keys() {
    String key = property("key", null);
    if (key != null) {
      return StaticKeyProvider.of(property("keyId", "k1"), AesKeys.fromBase64("adopt.key", key));
    }
    if (System.getenv(EnvironmentKeyProvider.KEYS_VARIABLE) != null) {
      return EnvironmentKeyProvider.fromEnvironment();
    }
    return null;
  }

  private static void drop(DataSource dataSource, String... schemas) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + AdoptionRunner.quote(schema) + " CASCADE");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the dry run's schemas: " + e.getMessage(), e);
    }
  }

  private static void print(PrintStream out, PreflightReport report) {
    out.println("preflight: legacy rows " + report.rows());
    if (!report.missingTables().isEmpty()) {
      out.println("  tables not found: " + report.missingTables());
    }
    out.println("  conversation links without a rollup (to synthesise): " + report.orphanConversations());
    out.println("  plaintext auth tokens (to encrypt): " + report.plaintextTokens());
    out.println("  values that will not convert: " + report.unconverted());
    issues(out, report.issues());
  }

  private static void print(PrintStream out, AdoptionSummary summary) {
    out.println((summary.alreadyCutOver() ? "adopt: already cut over, nothing changed" : "adopt: cut over")
        + " at schema version " + summary.schemaVersion());
    out.println("  rows read " + summary.rowsRead());
    out.println("  rows adopted " + summary.rowsAdopted());
    out.println("  rows kept whole in residue (not importable) " + summary.rowsNotImportable());
    out.println("  conversations synthesised " + summary.conversationsSynthesised());
    issues(out, summary.residue());
  }

  private static int print(PrintStream out, VerifyReport report) {
    out.println("verify: " + (report.ok() ? "ok" : "PROBLEMS") + ", " + report.lost() + " legacy value(s) lost");
    report.lostValues().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::toString)
        .forEach(e -> out.println("  lost " + e));
    report.problems().forEach(p -> out.println("  " + p));
    return report.ok() ? 0 : 1;
  }

  private static void issues(PrintStream out, java.util.List<ColumnIssue> issues) {
    for (ColumnIssue issue : issues) {
      out.printf("  %-28s %-26s %-48s %8d %s%n", issue.table(), issue.column(), issue.reason(), issue.count(),
          issue.examples().isEmpty() ? "" : issue.examples());
    }
  }

  private static String required(String name) {
    String value = property(name, null);
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("adopt." + name, "is required");
    }
    return value;
  }

  private static String property(String name, @Nullable String fallback) {
    return System.getProperty("adopt." + name, fallback);
  }
}
