package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.testing.DatabaseTest;

/**
 * The database's store for parts of messages delivered in pieces: any order, duplicates, concurrent arrivals and
 * restarts give exactly one complete set, once; incomplete sets expire.
 */
class FragmentRepositoryTest extends DatabaseTest {
  private static final Instant LATER = Instant.now().plus(1, ChronoUnit.HOURS);

  private static Optional<List<String>> add(String key, int part, int total) {
    return tx((Repositories r) -> r.fragments().add("vonage", key, part, total, "p" + part, LATER));
  }

  @Test
  void partsInAnyOrderWithDuplicatesCompleteOnceInPartOrder() {
    List<Integer> arrivals = new ArrayList<>(List.of(1, 2, 3, 4, 5, 3, 1, 5));
    Collections.shuffle(arrivals, new Random(7));
    List<List<String>> completed = new ArrayList<>();
    for (int part : arrivals) {
      add("ref-a", part, 5).ifPresent(completed::add);
    }
    assertThat(completed).containsExactly(List.of("p1", "p2", "p3", "p4", "p5"));
    // A part delivered again after completion is recognised, not the start of a new set.
    assertThat(add("ref-a", 4, 5)).isEmpty();
    assertThat(count("SELECT count(*) FROM smskit.sms_inbound_fragments WHERE reference = 'ref-a'"
        + " AND completed_at IS NULL")).isZero();
    assertThat(count("SELECT count(*) FROM smskit.sms_inbound_fragments WHERE reference = 'ref-a'"
        + " AND payload <> ''")).as("payloads are not kept").isZero();
  }

  @Test
  void partsSurviveARestartBecauseTheyAreInTheDatabase() {
    assertThat(add("ref-b", 2, 2)).isEmpty();
    // A new store over a new pool: what a restarted application would have.
    SmsDatabase restarted = SmsDatabase.create(db.dataSource(), CONFIG);
    Optional<List<String>> done = restarted.inTransaction(TENANT,
        r -> r.fragments().add("vonage", "ref-b", 1, 2, "p1", LATER));
    assertThat(done).contains(List.of("p1", "p2"));
  }

  @Test
  void concurrentPartsCompleteExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 10; round++) {
        String key = "ref-c" + round;
        List<Future<Optional<List<String>>>> futures = new ArrayList<>();
        for (int part = 1; part <= 6; part++) {
          int p = part;
          futures.add(pool.submit(() -> add(key, p, 6)));
          futures.add(pool.submit(() -> add(key, p, 6)));
        }
        int completions = 0;
        for (var f : futures) {
          if (f.get().isPresent()) {
            completions++;
            assertThat(f.get().get()).containsExactly("p1", "p2", "p3", "p4", "p5", "p6");
          }
        }
        assertThat(completions).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void incompleteSetsExpire() {
    tx((Repositories r) -> r.fragments().add("vonage", "ref-d", 1, 2, "p1", Instant.now().minusSeconds(1)));
    // The expired part is gone by the time part 2 arrives: the set does not complete with stale parts.
    assertThat(add("ref-d", 2, 2)).isEmpty();
    assertThat(count("SELECT count(*) FROM smskit.sms_inbound_fragments WHERE reference = 'ref-d'")).isEqualTo(1);
  }

  @Test
  void aReusedReferenceStartsAfreshOnceTheCompletedSetExpired() {
    add("ref-f", 1, 1).orElseThrow();
    db.execute("UPDATE smskit.sms_inbound_fragments SET expires_at = now() - interval '1 second'"
        + " WHERE reference = 'ref-f'");
    assertThat(add("ref-f", 1, 1)).contains(List.of("p1"));
  }

  @Test
  void tenantsKeepTheirPartsApart() {
    sms.inTransaction(OTHER_TENANT, r -> r.fragments().add("vonage", "ref-e", 1, 2, "theirs", LATER));
    assertThat(add("ref-e", 2, 2)).isEmpty();
  }
}
