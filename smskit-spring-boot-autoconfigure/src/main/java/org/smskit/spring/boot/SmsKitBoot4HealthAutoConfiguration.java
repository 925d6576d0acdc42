package org.smskit.spring.boot;

import org.smskit.jooq.SmsService;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code smskit} health indicator on Spring Boot 4, whose health API moved to spring-boot-health; the same as
 * {@link SmsKitHealthAutoConfiguration} on Boot 3. Turned off with {@code management.health.smskit.enabled=false}.
 */
@AutoConfiguration(after = SmsKitAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(SmsService.class)
@ConditionalOnEnabledHealthIndicator("smskit")
public class SmsKitBoot4HealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "smskitHealthIndicator")
  SmsKitBoot4HealthIndicator smskitHealthIndicator(SmsService sms, SmsKitProperties properties) {
    return new SmsKitBoot4HealthIndicator(sms, properties.getHealth());
  }
}
