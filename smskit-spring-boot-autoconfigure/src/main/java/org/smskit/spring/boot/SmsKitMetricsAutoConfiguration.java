package org.smskit.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.smskit.jooq.SmsService;
import org.smskit.micrometer.MicrometerMetrics;
import org.smskit.micrometer.SmsGauges;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * smskit's Micrometer meters ({@code smskit-micrometer}) when the application has a {@link MeterRegistry} bean (as
 * Actuator makes): counters and timers through a {@link MicrometerMetrics} handed to the service's builder, and the
 * sampled outbox gauges ({@link SmsGauges}) bound once every singleton exists. The gauges are not a
 * {@code MeterBinder} bean: Boot binds those while it makes the registry, which the service itself needs.
 */
@AutoConfiguration(after = SmsKitAutoConfiguration.class, afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(name = {"org.smskit.micrometer.MicrometerMetrics", "io.micrometer.core.instrument.MeterRegistry"})
@ConditionalOnBean({MeterRegistry.class, SmsService.class})
public class SmsKitMetricsAutoConfiguration {

  /** The service's builder records its events on the registry (read when the service is made). */
  @Bean
  @ConditionalOnMissingBean(name = "smsKitMetricsCustomizer")
  SmsKitCustomizer smsKitMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
    return builder -> builder.metrics(new MicrometerMetrics(registry.getObject()));
  }

  /** Binds the outbox gauges of the application's {@link SmsService} once every singleton exists. */
  @Bean
  @ConditionalOnMissingBean(name = "smsKitGauges")
  SmartInitializingSingleton smsKitGauges(ObjectProvider<SmsService> sms, ObjectProvider<MeterRegistry> registry) {
    return () -> new SmsGauges(sms.getObject()).bindTo(registry.getObject());
  }
}
