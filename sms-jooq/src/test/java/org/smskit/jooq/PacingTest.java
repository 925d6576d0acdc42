package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.spi.SmsProviders;
import org.smskit.twilio.TwilioProviderFactory;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.SendRequest;

/**
 * What the provider sees: a 429 with {@code Retry-After} stops every further request to the account for that long,
 * including requests of batches already claimed; after a stall (answers slower than the rate) the provider still
 * sees at most the burst, then the rate; attempts are spent only on requests made.
 */
class PacingTest extends DispatchTestBase {
  private static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);

  private MockWebServer server;
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private final AtomicLong throttledAt = new AtomicLong();
  private final AtomicInteger sids = new AtomicInteger();

  @BeforeEach
  void startMock() throws IOException {
    server = new MockWebServer();
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        long now = System.nanoTime();
        arrivals.add(now);
        if (arrivals.size() == 3) {
          throttledAt.set(now);
          return new MockResponse.Builder().code(429).addHeader("Content-Type", "application/json")
              .addHeader("Retry-After", "2")
              .body("{\"code\": 20429, \"message\": \"Too Many Requests\", \"status\": 429}").build();
        }
        String sid = "SM" + HexFormat.of().toHexDigits(sids.incrementAndGet()) + "0".repeat(24);
        return new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json")
            .body("{\"sid\": \"" + sid + "\", \"status\": \"queued\", \"num_segments\": \"1\"}").build();
      }
    });
    server.start();
  }

  @AfterEach
  void stopMock() {
    server.close();
  }

  @Test
  void retryAfterStopsEveryRequestToTheAccountIncludingClaimedBatchesAcrossDispatchers() throws Exception {
    // Client side: when each request starts, and when the 429 came back.
    List<Long> starts = new CopyOnWriteArrayList<>();
    AtomicLong throttleSeen = new AtomicLong();
    OkHttpClient client = new OkHttpClient.Builder().addInterceptor(chain -> {
      starts.add(System.nanoTime());
      Response response = chain.proceed(chain.request());
      if (response.code() == 429) {
        throttleSeen.compareAndSet(0, System.nanoTime());
      }
      return response;
    }).build();
    SmsService here = service(builder().clock(Clock.systemUTC()),
        b -> b.providers(SmsProviders.of(new TwilioProviderFactory(client), providers)));
    SmsService elsewhere = otherNode(b -> b.clock(Clock.systemUTC())
        .providers(SmsProviders.of(new TwilioProviderFactory(client), providers)));
    UUID account = here.registerSenderAccount("Twilio", "twilio", ACCOUNT_SID, "f2e1d0c9b8a7f6e5d4c3b2a190817263",
        "{\"baseUrl\": \"" + server.url("/") + "\"}", Map.of()).id();
    UUID number = here.addPhoneNumber(account, OUR_PRIMARY, "Main", true).id();
    // Unlimited rates: only the 429 may hold requests back. Batches of 10 sent one request after the other on
    // each worker (a slow answer apart), so that claimed messages are waiting when the 429 comes.
    DispatcherConfig config = DispatcherConfig.builder().workers(2).batchSize(10).longCodeRate(0)
        .accountRate("twilio", 0).pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(50))
        .backoff(Duration.ofMillis(100), Duration.ofMillis(100)).maxAttempts(5).build();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(here.queue(SendRequest.to(String.format("+1415555%04d", 400 + i)).fromNumber(number)
          .body("throttled " + i).build()).messageId());
    }
    dispatcher(here, config).start();
    dispatcher(elsewhere, config).start();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sids.get() < ids.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(sids.get()).as("all accepted in the end").isEqualTo(ids.size());
    long window = TimeUnit.SECONDS.toNanos(2);
    // The other node learns of the 429 from the database: allow it the time to read it (it reads at most every
    // 25 ms, just before a request), after this node's commit of the pause, which a loaded machine (CI runs
    // several JVMs and a server on two cores) has been seen to delay past 100 ms.
    long propagation = TimeUnit.MILLISECONDS.toNanos(250);
    List<Long> startedInside = starts.stream()
        .filter(t -> t - throttleSeen.get() > propagation && t - throttleSeen.get() < window).toList();
    assertThat(startedInside.stream().map(t -> (t - throttleSeen.get()) / 1_000_000).toList())
        .as("requests started inside the Retry-After window (ms after the 429 came back)").isEmpty();
    assertThat(arrivals.stream().filter(t -> t - throttledAt.get() > TimeUnit.MILLISECONDS.toNanos(500)
        && t - throttledAt.get() < window).toList()).as("requests reaching the provider inside the window").isEmpty();
    assertThat(arrivals).hasSize(ids.size() + 1);
    // Requests not made spend no attempt: one attempt per request.
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_send_attempts WHERE tenant_id = ?", tenant.value()))
        .containsExactly(String.valueOf(ids.size() + 1));
    assertThat(stranded()).isEmpty();
  }

  @Test
  void afterAStallTheProviderSeesAtMostTheBurstThenTheRate() throws Exception {
    SmsService realTime = service(b -> b.clock(Clock.systemUTC()));
    World w = world(realTime);
    List<Long> calls = new CopyOnWriteArrayList<>();
    AtomicInteger slow = new AtomicInteger(4);
    providers.onSend((message, simulated) -> {
      calls.add(System.nanoTime());
      if (slow.getAndDecrement() > 0) {
        sleep(1500); // the first answers stall; the requests behind them must not all go at once afterwards
      }
      return simulated.send(message);
    });
    // 10 segments a second with a 1 s burst; one worker sends its batches one request after the other.
    DispatcherConfig config = DispatcherConfig.builder().workers(3).batchSize(20).longCodeRate(0)
        .accountRate(w.account(), 10).accountBurst(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(50)).build();
    for (int i = 0; i < 45; i++) {
      realTime.queue(SendRequest.to(String.format("+1415555%04d", 500 + i)).fromNumber(w.primary().id())
          .body("paced " + i).build());
    }
    Dispatcher runOnCallers = dispatcher(realTime, config);
    // Workers on callers' threads (no pool): each sends its batch one request after the other.
    List<Thread> workers = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int i = 0; i < 3; i++) {
      Thread worker = new Thread(() -> {
        while (network().sent().size() < 45 && System.nanoTime() < end) {
          if (runOnCallers.runOnce() == 0) {
            sleep(10);
          }
        }
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(network().sent()).hasSize(45);
    // GCRA with a 1 s burst at 10/s: any second holds at most 11 (the burst) + 10 (the rate) requests (+1 for timing).
    int busiest = 0;
    for (long start : calls) {
      int inSecond = (int) calls.stream().filter(t -> t >= start && t - start < TimeUnit.SECONDS.toNanos(1)).count();
      busiest = Math.max(busiest, inSecond);
    }
    assertThat(busiest).as("requests in the busiest second").isLessThanOrEqualTo(22);
    assertThat(stranded()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
