package org.smskit.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.EnvironmentKeyProvider;
import org.smskit.core.crypto.KeyConfigurationException;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.spi.SmsProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.analysis.AnalysisWorker;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.schema.SchemaConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * An {@link SmsService} over the application's {@link DataSource}, configured by {@link SmsKitProperties} and
 * {@link SmsKitCustomizer} beans, migrated when created; the dispatcher (and, when enabled, the analysis worker)
 * started and stopped with the context; the webhook endpoint when {@code smskit.webhook.enabled}.
 *
 * <p>It publishes no {@code Flyway}, {@code DSLContext} or {@code DataSource} bean: Boot's own would back off
 * ({@code @ConditionalOnMissingBean}) and the host's migrations or jOOQ context would silently disappear. smskit's
 * Flyway and jOOQ stay inside the service.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
    "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
    "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnClass(SmsService.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "smskit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SmsKitProperties.class)
public class SmsKitAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(SmsKitAutoConfiguration.class);
  private static final boolean SPRING_JDBC = ClassUtils.isPresent(
      "org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy",
      SmsKitAutoConfiguration.class.getClassLoader());

  /**
   * The service, migrated unless {@code smskit.migrate.enabled=false}; after the host's own database initialisation
   * (Flyway, Liquibase, SQL scripts), whose tables smskit's ERP foreign keys may reference.
   */
  @Bean
  @ConditionalOnMissingBean
  @DependsOnDatabaseInitialization
  public SmsService smsService(DataSource dataSource, SmsKitProperties properties, ObjectProvider<KeyProvider> keys,
      ObjectProvider<SmsProviderFactory> providers, ObjectProvider<SmsListener> listeners,
      ObjectProvider<SmsKitCustomizer> customizers) {
    boolean join = properties.isJoinTransactions() && SPRING_JDBC;
    SmsService.Builder builder = SmsService.builder(join ? SpringTransactions.threadBound(dataSource) : dataSource,
            keys.getIfAvailable(() -> keyProvider(properties.getKeys())))
        .schema(SchemaConfig.defaults().withSchema(properties.getSchema())
            .withHistoryTable(properties.getHistoryTable()))
        .defaultRegion(properties.getDefaultRegion())
        .webhookBaseUrl(properties.getWebhook().getBaseUrl())
        .conversationScope(properties.getConversationScope())
        .stickySender(properties.isStickySender())
        .helpReply(properties.getHelpReply())
        .keywordOptOutScope(properties.getKeywordOptOutScope())
        .transactionalIgnoresMarketingOptOut(properties.isTransactionalIgnoresMarketingOptOut())
        .dispatch(properties.getDispatch().toConfig().build());
    if (join) {
      builder.afterCommit(SpringTransactions.AFTER_COMMIT);
    }
    // Provider modules on the class path are found as without Spring; factory beans add to them (or replace one
    // of the same name).
    SmsProviders installed = SmsProviders.discover();
    for (SmsProviderFactory factory : providers.orderedStream().toList()) {
      installed = installed.with(factory);
    }
    builder.providers(installed);
    listeners.orderedStream().forEach(builder::listener);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    SmsService sms = builder.build();
    if (properties.getMigrate().isEnabled()) {
      try {
        String version = sms.migrate();
        log.info("smskit schema {} at version {}", properties.getSchema(), version);
      } catch (RuntimeException e) {
        sms.close();
        throw e;
      }
    }
    return sms;
  }

  /** The keys of {@code smskit.keys.ring}, or else those of the SMSKIT_KEYS and SMSKIT_ACTIVE_KEY variables. */
  static KeyProvider keyProvider(SmsKitProperties.Keys keys) {
    if (keys.getRing().isEmpty()) {
      return EnvironmentKeyProvider.fromEnvironment();
    }
    Map<String, SecretKey> ring = new LinkedHashMap<>();
    keys.getRing().forEach((id, base64) -> ring.put(id, AesKeys.fromBase64("smskit.keys.ring[" + id + "]", base64)));
    String active = keys.getActive();
    if (active == null) {
      if (ring.size() != 1) {
        throw new KeyConfigurationException("smskit.keys.active", "is not set while the ring holds several keys");
      }
      active = ring.keySet().iterator().next();
    }
    return StaticKeyProvider.of(ring, active);
  }

  /** The dispatcher of this node (all tenants), started with the context and stopped before the pool closes. */
  @Bean
  @ConditionalOnBooleanProperty(name = "smskit.dispatch.enabled", matchIfMissing = true)
  WorkerLifecycle smsKitDispatcher(SmsService sms, SmsKitProperties properties) {
    SmsKitProperties.Dispatch p = properties.getDispatch();
    Dispatcher dispatcher = sms.dispatcher(p.toConfig().build());
    return new WorkerLifecycle("dispatcher", dispatcher::start, dispatcher::stop, p.getShutdownGrace());
  }

  /** The conversation analysis worker of this node (all tenants), opt-in. */
  @Bean
  @ConditionalOnBooleanProperty(name = "smskit.analysis.enabled")
  WorkerLifecycle smsKitAnalysisWorker(SmsService sms, SmsKitProperties properties) {
    AnalysisWorker worker = sms.analytics().worker(properties.getAnalysis().toConfig());
    return new WorkerLifecycle("analysis worker", worker::start, worker::stop,
        properties.getDispatch().getShutdownGrace());
  }

  /** The webhook endpoint, opt-in ({@code smskit.webhook.enabled}), on Spring MVC. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
  @ConditionalOnBooleanProperty(name = "smskit.webhook.enabled")
  static class WebhookConfiguration {
    @Bean
    @ConditionalOnMissingBean
    SmsKitWebhookController smsKitWebhookController(SmsService sms, SmsKitProperties properties) {
      return new SmsKitWebhookController(sms, properties.getWebhook().getBaseUrl());
    }
  }
}
