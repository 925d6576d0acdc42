package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.schema.SmsSchema;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * Keeps the committed jOOQ code ({@code src/main/jooq}) honest: runs the real migrations on a real PostgreSQL,
 * generates from the migrated catalog, and fails when the result differs from what is committed.
 *
 * <p>To regenerate after changing a migration:
 * <pre>mvn -pl sms-jooq -am test -Dtest=GeneratedCodeIsCurrentTest -Dsurefire.failIfNoSpecifiedTests=false -Dsmskit.jooq.regenerate=true</pre>
 */
class GeneratedCodeIsCurrentTest {
  static final String PACKAGE = "org.smskit.jooq.generated";
  static final Path COMMITTED = Path.of("src/main/jooq");
  static final String REGENERATE = "smskit.jooq.regenerate";

  @Test
  void committedCodeMatchesWhatTheMigrationsGenerate() throws Exception {
    Path fresh = Path.of("target/jooq-check");
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());
      try (Connection connection = db.dataSource().getConnection()) {
        GenerationTool tool = new GenerationTool();
        tool.setConnection(connection);
        tool.run(codegenConfiguration(fresh));
      }
    }

    if (Boolean.getBoolean(REGENERATE)) {
      deleteTree(COMMITTED.resolve(PACKAGE.replace('.', '/')));
      copyTree(fresh, COMMITTED);
      return;
    }

    Set<Path> expected = files(fresh);
    Set<Path> actual = files(COMMITTED);
    List<Path> differing = new ArrayList<>();
    for (Path file : expected) {
      if (actual.contains(file) && Files.mismatch(fresh.resolve(file), COMMITTED.resolve(file)) != -1) {
        differing.add(file);
      }
    }
    String hint = "src/main/jooq is out of date with the migrations; regenerate with: mvn -pl sms-jooq -am test"
        + " -Dtest=GeneratedCodeIsCurrentTest -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE + "=true";
    assertThat(actual).as(hint).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(differing).as(hint).isEmpty();
  }

  /** The one place the generator's options live. */
  static Configuration codegenConfiguration(Path directory) {
    return new Configuration()
        .withLogging(Logging.WARN)
        .withGenerator(new Generator()
            .withName("org.jooq.codegen.JavaGenerator")
            .withDatabase(new Database()
                .withName("org.jooq.meta.postgres.PostgresDatabase")
                .withInputSchema(SchemaConfig.DEFAULT_SCHEMA)
                .withIncludes(".*")
                .withExcludes(SchemaConfig.DEFAULT_HISTORY_TABLE + "|sms_messages_p.*") // partitions: by date
                .withIncludeRoutines(false)
                .withIncludeTriggerRoutines(false)
                // timestamptz is an instant; the domain values use java.time.Instant throughout.
                .withForcedTypes(new ForcedType()
                    .withName("INSTANT")
                    .withIncludeTypes("(?i:timestamp\\ with\\ time\\ zone)")))
            .withGenerate(new Generate()
                .withRecords(true)
                .withPojos(false)
                .withDaos(false)
                .withInterfaces(false)
                .withJavaTimeTypes(true)
                .withComments(true)
                .withGeneratedAnnotation(false)
                .withIndexes(true)
                .withKeys(true))
            .withTarget(new Target()
                .withPackageName(PACKAGE)
                .withDirectory(directory.toString())
                .withClean(true)));
  }

  private static Set<Path> files(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return Set.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Path file : files(from)) {
      Path target = to.resolve(file);
      Files.createDirectories(target.getParent());
      Files.copy(from.resolve(file), target);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
