package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.smskit.core.TenantId;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.ProviderException;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.SendRequest;

/**
 * Two independent dispatchers (two services, each over its own connection pool, as two JVMs would be) with
 * several workers each, over thousands of messages of several tenants and numbers: every message is sent, and
 * none twice.
 */
class MultiDispatcherTest extends DispatchTestBase {
  private static final int TENANTS = 4;
  private static final int PER_TENANT = 500;

  @Test
  void twoNodesSendThousandsOfMessagesEachExactlyOnce() throws Exception {
    SmsService nodeA = otherNode(b -> b.clock(Clock.systemUTC()));
    SmsService nodeB = otherNode(b -> b.clock(Clock.systemUTC()));
    List<SmsService> tenantsA = new ArrayList<>();
    List<SmsService> tenantsB = new ArrayList<>();
    List<World> worlds = new ArrayList<>();
    DispatcherConfig.Builder config = DispatcherConfig.builder().workers(4).batchSize(10)
        .pollInterval(Duration.ofMillis(5)).maxPollInterval(Duration.ofMillis(50))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).maxAttempts(10);
    for (int t = 0; t < TENANTS; t++) {
      TenantId id = TenantId.of(tenant.value() + "-" + t);
      tenantsA.add(nodeA.forTenant(id));
      tenantsB.add(nodeB.forTenant(id));
      World w = world(tenantsA.get(t));
      worlds.add(w);
      // The first tenant's numbers are rate limited (high, shared through the database), the others unlimited.
      double rate = t == 0 ? 5000 : 0;
      config.numberRate(w.primary().id(), rate).numberRate(w.second().id(), rate);
    }
    // Messages are queued (on both nodes) while both dispatchers run. Now and then the provider fails, so that
    // retries run concurrently with first attempts.
    AtomicInteger calls = new AtomicInteger();
    providers.onSend((message, simulated) -> {
      if (calls.incrementAndGet() % 41 == 0) {
        throw new ProviderException("simulated", ProviderException.Kind.RETRYABLE, "30001", "flaky");
      }
      return simulated.send(message);
    });
    Dispatcher a = dispatcher(nodeA, config.build()).start();
    Dispatcher b = dispatcher(nodeB, config.build()).start();

    List<Callable<List<UUID>>> producers = new ArrayList<>();
    for (int t = 0; t < TENANTS; t++) {
      for (int half = 0; half < 2; half++) {
        SmsService on = half == 0 ? tenantsA.get(t) : tenantsB.get(t);
        World w = worlds.get(t);
        int first = half * PER_TENANT / 2;
        producers.add(() -> {
          List<UUID> ids = new ArrayList<>();
          for (int i = first; i < first + PER_TENANT / 2; i++) {
            UUID number = i % 2 == 0 ? w.primary().id() : w.second().id();
            ids.add(on.queue(SendRequest.to(String.format("+1415555%04d", 200 + i % 50)).fromNumber(number)
                .body("message " + i).build()).messageId());
          }
          return ids;
        });
      }
    }
    List<UUID> queued = runAll(producers).stream().flatMap(List::stream).toList();
    awaitEmptyOutbox(Duration.ofSeconds(90));
    a.stop(Duration.ofSeconds(10));
    b.stop(Duration.ofSeconds(10));

    int total = TENANTS * PER_TENANT;
    assertThat(queued).hasSize(total).doesNotHaveDuplicates();
    Map<UUID, Long> sendsPerMessage = network().sent().stream()
        .collect(Collectors.groupingBy(s -> s.message().messageId(), Collectors.counting()));
    assertThat(sendsPerMessage.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(queued);
    assertThat(sendsPerMessage.values()).as("none sent twice").containsOnly(1L);

    Map<UUID, String> sids = network().sent().stream()
        .collect(Collectors.toMap(s -> s.message().messageId(), SimulatedNetwork.Sent::providerMessageId));
    List<String> stored = db.strings("SELECT id || '=' || status || '=' || coalesce(provider_message_sid, '-')"
        + " FROM smskit.sms_messages WHERE tenant_id LIKE ? AND direction = 'outbound'", tenant.value() + "-%");
    assertThat(stored).hasSize(total).allSatisfy(row -> {
      String[] parts = row.split("=");
      assertThat(parts[1]).isEqualTo("sending");
      assertThat(parts[2]).isEqualTo(sids.get(UUID.fromString(parts[0])));
    });
    assertThat(db.strings("SELECT message_id FROM smskit.sms_send_attempts WHERE outcome = 'sent'"
        + " GROUP BY tenant_id, message_id HAVING count(*) > 1")).as("messages with two sent attempts").isEmpty();
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_send_attempts WHERE tenant_id LIKE ? AND outcome = 'sent'",
        tenant.value() + "-%")).containsExactly(String.valueOf(total));
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_send_attempts WHERE outcome IS NULL"))
        .containsExactly("0");
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_send_attempts WHERE outcome = 'retry'"))
        .containsExactly(String.valueOf(calls.get() - total));
    List<String> dispatchers = db.strings("SELECT DISTINCT regexp_replace(worker, '-[0-9]+$', '')"
        + " FROM smskit.sms_send_attempts WHERE tenant_id LIKE ?", tenant.value() + "-%");
    assertThat(dispatchers).as("both nodes sent").hasSize(2);
  }

  private void awaitEmptyOutbox(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (db.strings("SELECT count(*) FROM smskit.sms_outbox").get(0).equals("0")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the outbox still holds " + db.strings("SELECT count(*) FROM smskit.sms_outbox")
        + " messages");
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<T>> futures = tasks.stream().map(pool::submit).toList();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
