package org.smskit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.AesKeys;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration on Spring Boot 4 ({@code -Pboot4}): the service, its migrations, the dispatcher, health. */
class SmsKitBoot4Test {
  static final String KEY = AesKeys.toBase64(AesKeys.generate());
  static TestDatabase db;

  @BeforeAll
  static void database() {
    db = TestPostgres.newDatabase();
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  @Test
  void theServiceIsMigratedAndTheDispatcherRunsWithTheContext() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SmsKitAutoConfiguration.class,
            SmsKitBoot4HealthAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.keys.ring.k1=" + KEY)
        .run(context -> {
          assertThat(context.getBean(SmsKitBoot4HealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
          assertThat(context).hasSingleBean(SmsService.class).hasSingleBean(DataSource.class)
              .hasBean("smsKitDispatcher");
          assertThat(context.getBean("smsKitDispatcher", WorkerLifecycle.class).isRunning()).isTrue();
          assertThat(db.strings("SELECT count(*) FROM smskit.smskit_schema_history WHERE success"))
              .isNotEqualTo(List.of("0"));
        });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SmsKitAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "smskit.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SmsService.class));
  }
}
