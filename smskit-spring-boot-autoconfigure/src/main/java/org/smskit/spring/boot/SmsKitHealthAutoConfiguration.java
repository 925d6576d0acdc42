package org.smskit.spring.boot;

import org.smskit.jooq.SmsService;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code smskit} health indicator on Spring Boot 3 (Actuator): see {@link SmsKitHealthIndicator}. Turned off
 * with {@code management.health.smskit.enabled=false}.
 */
@AutoConfiguration(after = SmsKitAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(SmsService.class)
@ConditionalOnEnabledHealthIndicator("smskit")
public class SmsKitHealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "smskitHealthIndicator")
  SmsKitHealthIndicator smskitHealthIndicator(SmsService sms, SmsKitProperties properties) {
    return new SmsKitHealthIndicator(sms, properties.getHealth());
  }
}
