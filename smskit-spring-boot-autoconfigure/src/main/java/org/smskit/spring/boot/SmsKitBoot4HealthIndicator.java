package org.smskit.spring.boot;

import org.smskit.jooq.SmsService;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** {@link SmsKitHealthIndicator} on Spring Boot 4's health API (spring-boot-health). */
final class SmsKitBoot4HealthIndicator extends AbstractHealthIndicator {
  private final SmsService sms;
  private final SmsKitProperties.Health settings;

  SmsKitBoot4HealthIndicator(SmsService sms, SmsKitProperties.Health settings) {
    super("smskit health check failed");
    this.sms = sms;
    this.settings = settings;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    DispatchHealth health = DispatchHealth.check(sms, settings);
    builder.status(health.overThreshold() ? Status.OUT_OF_SERVICE : Status.UP).withDetails(health.details());
  }
}
