package org.smskit.test;

import org.smskit.core.Require;

/**
 * Entry point of the kit's assertions, beside AssertJ's ({@code import static org.smskit.test.SmsAssertions.assertThat}).
 *
 * <pre>{@code
 * assertThat(kit).sentTo("+14155550123").withBodyContaining("order 42").once();
 * assertThat(kit).hasSent(3).nothingSentTo("+14155550199");
 * }</pre>
 */
public final class SmsAssertions {
  private SmsAssertions() {}

  /** Assertions on every message the kit's simulated network accepted (since its last {@code reset()}). */
  public static SentAssert assertThat(SmsTestKit kit) {
    Require.nonNull(kit, "kit");
    return SentAssert.of(kit.sent());
  }
}
