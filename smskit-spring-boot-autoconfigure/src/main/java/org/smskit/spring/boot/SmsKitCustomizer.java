package org.smskit.spring.boot;

import org.smskit.jooq.SmsService;

/**
 * Configures the auto-configured {@link SmsService} beyond the {@code smskit.*} properties (quiet hours, ERP tables,
 * row level security pools, a clock...). Every bean of this type is applied, in {@code @Order}, after the
 * properties and before {@code build()}.
 *
 * <pre>{@code
 * @Bean
 * SmsKitCustomizer quietHours() {
 *   return builder -> builder.quietHours(QuietHours.between(LocalTime.of(21, 0), LocalTime.of(8, 0)));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SmsKitCustomizer {
  void customize(SmsService.Builder builder);
}
