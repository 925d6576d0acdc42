package org.smskit.jooq.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How an idle worker waits: backing off to the longest poll interval, yet fetching a row due sooner on time. */
class IdlePolicyTest {
  private final DispatcherConfig config = DispatcherConfig.builder().pollInterval(Duration.ofMillis(10))
      .maxPollInterval(Duration.ofMillis(200)).build();

  @Test
  void nothingDueBacksOffByDoublingUpToTheLongestInterval() {
    Duration idle = config.pollInterval();
    StringBuilder waits = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      Dispatcher.Idle next = Dispatcher.idle(idle, null, config);
      waits.append(next.pause().toMillis()).append(' ');
      idle = next.idle();
    }
    assertThat(waits.toString().trim()).isEqualTo("10 20 40 80 160 200 200");
  }

  @Test
  void aRowDueBeforeTheNextPollIsFetchedOnTimeWithoutGrowingTheInterval() {
    Dispatcher.Idle next = Dispatcher.idle(Duration.ofMillis(200), Duration.ofMillis(35), config);

    assertThat(next.pause()).isEqualTo(Duration.ofMillis(35));
    assertThat(next.idle()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aRowThatFellDueDuringTheClaimIsFetchedAtOnce() {
    assertThat(Dispatcher.idle(Duration.ofMillis(200), Duration.ofMillis(-3), config).pause()).isZero();
  }

  @Test
  void aRowDueLaterThanTheIntervalIsNoReasonToWakeEarly() {
    Dispatcher.Idle next = Dispatcher.idle(Duration.ofMillis(40), Duration.ofSeconds(5), config);

    assertThat(next.pause()).isEqualTo(Duration.ofMillis(40));
    assertThat(next.idle()).isEqualTo(Duration.ofMillis(80));
  }
}
