package org.smskit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviderFactory;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.sending.SendRequest;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The auto-configuration in application contexts over a real PostgreSQL (embedded, or SMS_TEST_JDBC_URL's), with
 * Boot's own DataSource auto-configuration making the pool from {@code spring.datasource.url}.
 */
class SmsKitAutoConfigurationTest extends BootDatabaseTest {

  ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
          DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
          SmsKitAutoConfiguration.class, SmsKitHealthAutoConfiguration.class))
      .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.keys.ring.k1=" + KEY,
          "smskit.dispatch.enabled=false")
      .withBean(SmsProviderFactory.class, SimulatedProviderFactory::new);

  @Test
  void defaultsGiveAMigratedServiceAndPublishNoFlywayDslContextOrSecondDataSource() {
    runner.withPropertyValues("smskit.dispatch.enabled=true").run(context -> {
      assertThat(context).hasSingleBean(SmsService.class).hasSingleBean(DataSource.class)
          .doesNotHaveBean(Flyway.class).doesNotHaveBean(DSLContext.class)
          .hasBean("smsKitDispatcher").doesNotHaveBean("smsKitAnalysisWorker")
          .doesNotHaveBean(SmsKitWebhookController.class);
      assertThat(db.strings("SELECT count(*) FROM smskit.smskit_schema_history WHERE success"))
          .isNotEqualTo(List.of("0"));
    });
  }

  @Test
  void theHostsOwnFlywayIsStillCreatedBesideSmskit() {
    runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
        .withPropertyValues("spring.flyway.schemas=host", "spring.flyway.locations=classpath:host-migrations")
        .run(context -> {
          assertThat(context).hasSingleBean(Flyway.class).hasSingleBean(SmsService.class);
          assertThat(context.getBean(Flyway.class).getConfiguration().getTable()).isEqualTo("flyway_schema_history");
          assertThat(db.strings("SELECT count(*) FROM host.orders")).containsExactly("0");
        });
  }

  @Test
  void smskitEnabledFalseTurnsEverythingOff() {
    runner.withPropertyValues("smskit.enabled=false", "smskit.dispatch.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SmsService.class)
            .doesNotHaveBean("smsKitDispatcher").doesNotHaveBean(SmsKitHealthIndicator.class));
  }

  @Test
  void withoutADataSourceThereIsNoService() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SmsKitAutoConfiguration.class, SmsKitHealthAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SmsService.class));
  }

  @Test
  void theApplicationsOwnServiceWins() {
    runner.withBean("mine", SmsService.class,
            () -> SmsService.builder(db.dataSource(), StaticKeyProvider.of("k1", AesKeys.fromBase64("test", KEY)))
                .build())
        .run(context -> assertThat(context).hasSingleBean(SmsService.class).hasBean("mine"));
  }

  @Test
  void customizersAreAppliedAfterTheProperties() {
    AtomicInteger calls = new AtomicInteger();
    runner.withPropertyValues("smskit.default-region=US")
        .withBean(SmsKitCustomizer.class, () -> builder -> {
          calls.incrementAndGet();
          builder.defaultRegion("DE");
        })
        .run(context -> {
          assertThat(calls).hasValue(1);
          SmsService sms = context.getBean(SmsService.class);
          UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", "t").id();
          // A German national number reads only with the customizer's region.
          assertThat(sms.addPhoneNumber(account, "030 1234567", null, true).phoneNumber().value())
              .isEqualTo("+49301234567");
        });
  }

  @Test
  void migrateOffLeavesTheSchemaAlone() {
    runner.withPropertyValues("smskit.migrate.enabled=false", "smskit.schema=not_migrated").run(context -> {
      assertThat(context).hasSingleBean(SmsService.class);
      assertThat(db.strings("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'not_migrated'"))
          .containsExactly("0");
    });
  }

  @Test
  void aRingOfSeveralKeysNeedsTheActiveOneNamed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SmsKitAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.keys.ring.a=" + KEY,
            "smskit.keys.ring.b=" + KEY)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(
            "smskit.keys.active"));
  }

  @Test
  void theDispatcherRunsWithTheContextAndLeavesNoThread() {
    runner.withPropertyValues("smskit.dispatch.enabled=true", "smskit.dispatch.workers=3").run(context -> {
      WorkerLifecycle dispatcher = context.getBean("smsKitDispatcher", WorkerLifecycle.class);
      assertThat(dispatcher.isRunning()).isTrue();
      assertThat(dispatcherThreads()).hasSizeGreaterThanOrEqualTo(3);
      context.close();
      assertThat(dispatcher.isRunning()).isFalse();
      assertThat(dispatcherThreads()).isEmpty();
    });
    runner.run(context -> assertThat(context).doesNotHaveBean("smsKitDispatcher"));
  }

  @Test
  void theAnalysisWorkerIsOptIn() {
    runner.withPropertyValues("smskit.analysis.enabled=true").run(context -> {
      assertThat(context.getBean("smsKitAnalysisWorker", WorkerLifecycle.class).isRunning()).isTrue();
    });
  }

  @Test
  void workInASpringTransactionIsUndoneByItsRollbackAndHeardOfOnlyAfterItsCommit() {
    List<String> heard = new CopyOnWriteArrayList<>();
    runner.withBean(SmsListener.class, () -> event -> heard.add(event.getClass().getSimpleName()))
        .run(context -> {
          SmsService sms = context.getBean(SmsService.class);
          TransactionTemplate tx = context.getBean(TransactionTemplate.class);
          UUID account = sms.registerSenderAccount("Tx", "simulated", "SIM", "t").id();
          sms.addPhoneNumber(account, "+14155550100", null, true);

          assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            sms.queue(SendRequest.to("+14155550111").fromAccount(account).body("rolled back").build());
            sms.optOut("+14155550112", OptOutScope.ALL, null, null);
            throw new IllegalStateException("the host's failure");
          })).hasMessage("the host's failure");
          assertThat(db.strings("SELECT count(*) FROM smskit.sms_messages WHERE body = 'rolled back'"))
              .containsExactly("0");
          assertThat(sms.activeOptOuts("+14155550112")).isEmpty();
          assertThat(heard).isEmpty();

          tx.executeWithoutResult(status -> {
            sms.queue(SendRequest.to("+14155550111").fromAccount(account).body("committed").build());
            sms.optOut("+14155550112", OptOutScope.ALL, null, null);
            assertThat(heard).as("nothing heard before the commit").isEmpty();
          });
          assertThat(db.strings("SELECT status FROM smskit.sms_messages WHERE body = 'committed'"))
              .containsExactly("queued");
          assertThat(heard).containsExactly("RecipientOptedOut");
        });
  }

  @Test
  void aPoolWithAutocommitOffStillCommitsWorkOutsideATransactionAndJoinsOneInside() {
    runner.withPropertyValues("spring.datasource.hikari.auto-commit=false").run(context -> {
      SmsService sms = context.getBean(SmsService.class);
      TransactionTemplate tx = context.getBean(TransactionTemplate.class);
      sms.optOut("+14155550131", OptOutScope.ALL, null, null);
      // Read from the test's own pool: committed, not left in an open connection.
      assertThat(db.strings("SELECT count(*) FROM smskit.sms_opt_outs WHERE phone = '+14155550131'"))
          .containsExactly("1");

      assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
        sms.optOut("+14155550132", OptOutScope.ALL, null, null);
        throw new IllegalStateException("the host's failure");
      })).hasMessage("the host's failure");
      assertThat(db.strings("SELECT count(*) FROM smskit.sms_opt_outs WHERE phone = '+14155550132'"))
          .containsExactly("0");
    });
  }

  @Test
  void withAMeterRegistryTheServiceRecordsItsMetersAndTheOutboxGaugesAreBound() {
    runner.withConfiguration(AutoConfigurations.of(SmsKitMetricsAutoConfiguration.class))
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .run(context -> {
          var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
          SmsService sms = context.getBean(SmsService.class).forTenant(org.smskit.core.TenantId.of("metrics"));
          UUID account = sms.registerSenderAccount("Metrics", "simulated", "SIM", "t").id();
          sms.addPhoneNumber(account, "+14155550140", null, true);
          sms.queue(SendRequest.to("+14155550141").fromAccount(account).body("counted").build());

          assertThat(registry.get("smskit.messages.queued").tag("provider", "simulated").counter().count())
              .isEqualTo(1.0);
          assertThat(registry.get("smskit.outbox.messages").tag("state", "queued").gauge().value())
              .isGreaterThanOrEqualTo(1.0);
        });
    // Without the module on the class path, or without a registry, nothing of it is made.
    runner.withConfiguration(AutoConfigurations.of(SmsKitMetricsAutoConfiguration.class))
        .withBean(io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader("org.smskit.micrometer"))
        .run(context -> assertThat(context).hasSingleBean(SmsService.class)
            .doesNotHaveBean("smsKitMetricsCustomizer").doesNotHaveBean("smsKitGauges"));
    runner.withConfiguration(AutoConfigurations.of(SmsKitMetricsAutoConfiguration.class))
        .run(context -> assertThat(context).hasSingleBean(SmsService.class)
            .doesNotHaveBean("smsKitMetricsCustomizer"));
  }

  @Test
  void healthIsUpWithTheDispatchCountsAndOutOfServiceOverTheBacklogThreshold() {
    runner.run(context -> {
      SmsService sms = context.getBean(SmsService.class);
      Health health = context.getBean(SmsKitHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsKeys("queued", "sending", "held", "retrying", "failedLastHour",
          "openCircuits");

      UUID account = sms.registerSenderAccount("Health", "simulated", "SIM", "t").id();
      sms.addPhoneNumber(account, "+14155550120", null, true);
      sms.queue(SendRequest.to("+14155550121").fromAccount(account).body("waiting").build());
      Thread.sleep(20);
    });
    runner.withPropertyValues("smskit.health.max-oldest-queued-age=1ms").run(context -> {
      Health health = context.getBean(SmsKitHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat((Long) health.getDetails().get("queued")).isPositive();
    });
    runner.withPropertyValues("management.health.smskit.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SmsKitHealthIndicator.class));
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.health"))
        .run(context -> assertThat(context).hasSingleBean(SmsService.class)
            .doesNotHaveBean(SmsKitHealthIndicator.class));
  }

  @Test
  void healthIsDownWhenTheDatabaseDoesNotAnswer() {
    PGSimpleDataSource unreachable = new PGSimpleDataSource();
    unreachable.setURL("jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=1");
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SmsKitAutoConfiguration.class, SmsKitHealthAutoConfiguration.class))
        .withBean(DataSource.class, () -> unreachable)
        .withPropertyValues("smskit.keys.ring.k1=" + KEY, "smskit.migrate.enabled=false",
            "smskit.dispatch.enabled=false")
        .run(context -> assertThat(context.getBean(SmsKitHealthIndicator.class).health().getStatus())
            .isEqualTo(Status.DOWN));
  }

  @Test
  void propertyMetadataIsGeneratedWithDescriptions() throws IOException {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String key : List.of("smskit.enabled", "smskit.schema", "smskit.history-table", "smskit.default-region",
        "smskit.webhook.base-url", "smskit.webhook.enabled", "smskit.webhook.path", "smskit.keys.ring",
        "smskit.keys.active", "smskit.migrate.enabled", "smskit.dispatch.enabled", "smskit.dispatch.workers",
        "smskit.dispatch.poll-interval", "smskit.dispatch.batch-size", "smskit.dispatch.lease",
        "smskit.analysis.enabled", "smskit.join-transactions", "smskit.health.max-oldest-queued-age")) {
      assertThat(json).contains("\"name\": \"" + key + "\"");
    }
    assertThat(json).contains("Whether this node runs a dispatcher");
  }

  private static List<Thread> dispatcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("smskit-dispatcher-")).toList();
  }
}
