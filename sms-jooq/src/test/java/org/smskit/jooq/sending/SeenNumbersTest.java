package org.smskit.jooq.sending;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smskit.core.phone.PhoneNumber;

/** The primitive set that de-duplicates a streamed bulk send agrees with a HashSet of the numbers. */
class SeenNumbersTest {

  @Test
  void agreesWithAHashSetAcrossGrowthAndTheWholeE164Range() {
    Bulk.SeenNumbers seen = new Bulk.SeenNumbers();
    Set<String> oracle = new HashSet<>();
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      // Mostly one dense range (duplicates likely), some anywhere in E.164 (up to 15 digits).
      String number = random.nextInt(4) == 0
          ? "+" + (1 + random.nextInt(9)) + String.format("%014d", Math.floorMod(random.nextLong(), 100_000_000_000_000L))
          : String.format("+1415%07d", random.nextInt(150_000));
      assertThat(seen.add(PhoneNumber.of(number))).as(number).isEqualTo(oracle.add(number));
    }
    assertThat(seen.add(PhoneNumber.of("+999999999999999"))).isTrue();
    assertThat(seen.add(PhoneNumber.of("+999999999999999"))).isFalse();
  }
}
