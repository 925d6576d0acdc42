package org.smskit.spring.boot;

import org.smskit.jooq.SmsService;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * smskit's health on Spring Boot 3: {@code DOWN} when its database does not answer; otherwise {@code UP} with the
 * counts of {@link DispatchHealth}, or {@code OUT_OF_SERVICE} when the oldest queued message waited longer than
 * {@code smskit.health.max-oldest-queued-age} or more than {@code smskit.health.max-held} messages are held.
 */
final class SmsKitHealthIndicator extends AbstractHealthIndicator {
  private final SmsService sms;
  private final SmsKitProperties.Health settings;

  SmsKitHealthIndicator(SmsService sms, SmsKitProperties.Health settings) {
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
