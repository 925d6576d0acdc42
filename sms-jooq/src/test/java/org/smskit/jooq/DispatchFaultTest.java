package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smskit.core.model.Message;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.twilio.TwilioProviderFactory;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.SendRequest;

/**
 * Faults injected between the dispatcher and a real HTTP provider (the Twilio client against MockWebServer) and
 * under the database: 5xx, 429 with Retry-After, answers slower than the read timeout, dropped connections,
 * database connections killed mid-send. Afterwards every message is final or waiting for a retry, none is lost,
 * and none reached the provider twice unless the at-least-once policy asked for it (counted on the mock).
 */
class DispatchFaultTest extends DispatchTestBase {
  private static final String ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);

  /** What the mock answers: a {@link MockResponse}, or {@link #TIMEOUT}, {@link #DROP} and {@link #ACCEPT}. */
  private enum Answer { ACCEPT, SERVER_ERROR, UNAVAILABLE, THROTTLE, TIMEOUT, DROP }

  /** The Twilio mock: answers each request by the message's body and how many times that body came before. */
  private final class Script extends mockwebserver3.Dispatcher {
    final Map<String, List<Answer>> received = new ConcurrentHashMap<>();
    final List<String> messageIds = new CopyOnWriteArrayList<>();
    final AtomicInteger sids = new AtomicInteger();
    volatile BiFunction<String, Integer, Answer> plan = (body, n) -> Answer.ACCEPT;
    volatile Runnable onRequest = () -> {};

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Map<String, List<String>> form = FormEncoding.decode(request.getBody().string(StandardCharsets.UTF_8));
      String body = FormEncoding.first(form, "Body");
      HttpUrl callback = HttpUrl.parse(FormEncoding.first(form, "StatusCallback"));
      messageIds.add(callback.queryParameter("smskit_message_id"));
      List<Answer> answers = received.computeIfAbsent(body, b -> new CopyOnWriteArrayList<>());
      Answer answer = plan.apply(body, answers.size());
      answers.add(answer);
      onRequest.run();
      return switch (answer) {
        case ACCEPT -> created();
        case SERVER_ERROR -> error(500, 20500, "Internal Server Error").build();
        case UNAVAILABLE -> error(503, 20503, "Service Unavailable").build();
        case THROTTLE -> error(429, 20429, "Too Many Requests").addHeader("Retry-After", "1").build();
        case TIMEOUT -> new MockResponse.Builder(created()).headersDelay(1500, TimeUnit.MILLISECONDS).build();
        case DROP -> new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
      };
    }

    private MockResponse created() {
      String sid = "SM" + HexFormat.of().toHexDigits(sids.incrementAndGet()) + "0".repeat(24);
      return new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json").body("""
          {"sid": "%s", "account_sid": "%s", "status": "queued", "num_segments": "1", "price": null,
           "price_unit": "USD", "error_code": null, "error_message": null}
          """.formatted(sid, ACCOUNT_SID)).build();
    }

    private MockResponse.Builder error(int http, int code, String text) {
      return new MockResponse.Builder().code(http).addHeader("Content-Type", "application/json").body("""
          {"code": %d, "message": "%s", "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}
          """.formatted(code, text, code, http));
    }

    /** Requests that may have left a message at Twilio: accepted, or answered too late to know. */
    long mayHaveSent(String body) {
      return received.getOrDefault(body, List.of()).stream()
          .filter(a -> a == Answer.ACCEPT || a == Answer.TIMEOUT || a == Answer.DROP).count();
    }

    int requests(String body) {
      return received.getOrDefault(body, List.of()).size();
    }
  }

  private MockWebServer server;
  private Script script;

  @BeforeEach
  void startMock() throws IOException {
    script = new Script();
    server = new MockWebServer();
    server.setDispatcher(script);
    server.start();
  }

  @AfterEach
  void stopMock() {
    server.close();
  }

  private record Twilio(SmsService sms, UUID account, UUID service) {}

  /** A service with the Twilio provider whose account talks to the mock. */
  private Twilio twilio(SmsService.Builder builder) {
    SmsService on = service(builder, b -> b.providers(SmsProviders.of(new TwilioProviderFactory(), providers)));
    return twilioAccount(on);
  }

  private Twilio twilioAccount(SmsService on) {
    String settings = "{\"baseUrl\": \"" + server.url("/") + "\", \"readTimeoutMillis\": 500}";
    UUID account = on.registerSenderAccount("Twilio", "twilio", ACCOUNT_SID, "f2e1d0c9b8a7f6e5d4c3b2a190817263",
        settings, Map.of()).id();
    on.addPhoneNumber(account, OUR_PRIMARY, "Main", true);
    UUID service = on.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();
    return new Twilio(on, account, service);
  }

  private static UUID queue(Twilio t, String body) {
    return t.sms().queue(SendRequest.to(CUSTOMER).fromService(t.service()).body(body).build()).messageId();
  }

  private static DispatcherConfig.Builder steps(UnknownOutcome policy) {
    return config().unknownOutcome(policy).longCodeRate(0).backoff(Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  @Test
  void serverErrorsAreRetriedWithBackoffUntilTwilioAccepts() {
    Twilio t = twilio(builder());
    script.plan = (body, n) -> n == 0 ? Answer.SERVER_ERROR : n == 1 ? Answer.UNAVAILABLE : Answer.ACCEPT;
    Dispatcher dispatcher = dispatcher(t.sms(), steps(UnknownOutcome.HOLD).build());
    UUID id = queue(t, "five hundred");

    for (int i = 0; i < 3; i++) {
      assertThat(dispatcher.runOnce()).isEqualTo(1);
      outbox(id).ifPresent(e -> clock.set(e.dueAt()));
    }

    assertThat(script.requests("five hundred")).isEqualTo(3);
    assertThat(attempts(id)).containsExactly("1:retry", "2:retry", "3:sent");
    assertThat(db.strings("SELECT error_code FROM smskit.sms_send_attempts WHERE message_id = ? ORDER BY attempt",
        id)).containsExactly("20500", "20503", null);
    Message sent = t.sms().message(id).message();
    assertThat(sent.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(sent.providerMessageSid()).startsWith("SM");
    assertThat(script.messageIds).containsOnly(id.toString());
  }

  @Test
  void http429WithRetryAfterHoldsTheWholeAccountBack() {
    Twilio t = twilio(builder());
    script.plan = (body, n) -> body.equals("first") && n == 0 ? Answer.THROTTLE : Answer.ACCEPT;
    Dispatcher dispatcher = dispatcher(t.sms(), steps(UnknownOutcome.HOLD)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());
    UUID first = queue(t, "first");
    dispatcher.runOnce();
    UUID second = queue(t, "second");

    assertThat(dispatcher.runOnce()).isZero();
    assertThat(dueAt(first)).isEqualTo(T0.plusSeconds(1));
    assertThat(dueAt(second)).isEqualTo(T0.plusSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    clock.advance(Duration.ofMillis(10)); // Twilio accounts send 100 segments a second by default
    assertThat(dispatcher.runOnce()).isEqualTo(1);

    assertThat(script.requests("first")).isEqualTo(2);
    assertThat(script.requests("second")).isEqualTo(1);
    assertThat(attempts(first)).containsExactly("1:retry", "2:sent");
  }

  @ParameterizedTest
  @EnumSource(UnknownOutcome.class)
  void answerSlowerThanTheReadTimeoutFollowsTheUnknownOutcomePolicy(UnknownOutcome policy) {
    Twilio t = twilio(builder());
    script.plan = (body, n) -> n == 0 ? Answer.TIMEOUT : Answer.ACCEPT;
    Dispatcher dispatcher = dispatcher(t.sms(), steps(policy).build());
    UUID id = queue(t, "slow");

    dispatcher.runOnce();
    clock.advance(Duration.ofMinutes(5));
    drain(dispatcher);

    Message m = t.sms().message(id).message();
    assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
    if (policy == UnknownOutcome.HOLD) {
      assertThat(script.requests("slow")).as("never sent again").isEqualTo(1);
      assertThat(attempts(id)).containsExactly("1:held");
      assertThat(m.providerMessageSid()).isNull();
      assertThat(m.providerErrorCode()).isEqualTo("outcome_unknown");
    } else {
      assertThat(script.requests("slow")).as("sent again, as at-least-once asks").isEqualTo(2);
      assertThat(attempts(id)).containsExactly("1:unknown", "2:sent");
      assertThat(m.providerMessageSid()).startsWith("SM");
    }
  }

  @Test
  void droppedConnectionIsAnUnknownOutcomeAndIsNotSentAgain() {
    Twilio t = twilio(builder());
    script.plan = (body, n) -> n == 0 ? Answer.DROP : Answer.ACCEPT;
    Dispatcher dispatcher = dispatcher(t.sms(), steps(UnknownOutcome.HOLD).build());
    UUID id = queue(t, "dropped");

    dispatcher.runOnce();
    clock.advance(Duration.ofHours(1));
    drain(dispatcher);

    assertThat(script.requests("dropped")).isEqualTo(1);
    assertThat(attempts(id)).containsExactly("1:held");
    assertThat(t.sms().dispatchStats().held()).isEqualTo(1);
    assertThat(t.sms().dispatchStats().sending()).isZero();
  }

  @Test
  void databaseConnectionsKilledDuringTheProviderCallStillRecordTheOutcome() throws Exception {
    Twilio t = twilio(builder());
    script.onRequest = this::killServiceConnections;
    Dispatcher dispatcher = dispatcher(t.sms(), steps(UnknownOutcome.HOLD).build());
    UUID id = queue(t, "survives");

    dispatcher.runOnce();
    script.onRequest = () -> {};
    Thread.sleep(600); // past HikariCP's bypass window, so that the test's own reads get live connections

    Message m = t.sms().message(id).message();
    assertThat(script.requests("survives")).isEqualTo(1);
    assertThat(m.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(m.providerMessageSid()).as("the answer was recorded, not lost").startsWith("SM");
    assertThat(attempts(id)).containsExactly("1:sent");
    assertThat(outbox(id)).isEmpty();
  }

  @Test
  void twoDispatchersThroughEveryFaultAtOnceLoseNothingAndSendNothingTwice() throws Exception {
    // Real time and two nodes: the mock answers by script (per message: accept, 5xx then accept, 429 then accept,
    // too slow, dropped, 5xx twice then accept), and once kills every database connection mid-send.
    Twilio here = twilio(builder().clock(Clock.systemUTC()));
    SmsService elsewhere = otherNode(b -> b.clock(Clock.systemUTC())
        .providers(SmsProviders.of(new TwilioProviderFactory(), providers)));
    Answer[][] plans = {
        {Answer.ACCEPT},
        {Answer.SERVER_ERROR, Answer.ACCEPT},
        {Answer.THROTTLE, Answer.ACCEPT},
        {Answer.TIMEOUT},
        {Answer.DROP},
        {Answer.UNAVAILABLE, Answer.SERVER_ERROR, Answer.ACCEPT}};
    script.plan = (body, n) -> {
      Answer[] plan = plans[Integer.parseInt(body.substring(body.indexOf('#') + 1)) % plans.length];
      return plan[Math.min(n, plan.length - 1)];
    };
    AtomicInteger requests = new AtomicInteger();
    script.onRequest = () -> {
      if (requests.incrementAndGet() == 20) {
        killServiceConnections();
      }
    };
    // Short leases, so that a message whose worker lost its connection between claim and send is taken over soon.
    DispatcherConfig config = DispatcherConfig.builder().workers(3).batchSize(1).lease(Duration.ofSeconds(5))
        .unknownOutcome(UnknownOutcome.HOLD)
        .pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(100)).longCodeRate(0)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).maxAttempts(5)
        .circuit(5, Duration.ofMillis(300)).build();
    dispatcher(here.sms(), config).start();
    dispatcher(elsewhere, config).start();
    int count = 48;
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(queue(here, "chaos #" + i));
    }

    awaitEmptyOutbox(Duration.ofSeconds(40));
    Thread.sleep(600);

    for (int i = 0; i < count; i++) {
      String body = "chaos #" + i;
      Answer[] plan = plans[i % plans.length];
      Message m = here.sms().message(ids.get(i)).message();
      assertThat(script.requests(body)).as("%s reached the mock", body).isGreaterThanOrEqualTo(1);
      assertThat(script.mayHaveSent(body)).as("%s may have been sent once at most", body).isEqualTo(1);
      assertThat(m.status()).as(body).isEqualTo(MessageStatus.SENDING);
      if (plan[plan.length - 1] == Answer.ACCEPT) {
        assertThat(script.requests(body)).as(body).isEqualTo(plan.length);
        assertThat(m.providerMessageSid()).as(body).startsWith("SM");
        // Attempt numbers may skip one whose claim lost its connection before the send; the outcomes may not.
        List<String> outcomes = attempts(ids.get(i)).stream().map(a -> a.substring(a.indexOf(':') + 1)).toList();
        assertThat(outcomes).as(body).endsWith("sent").containsOnlyOnce("sent").hasSize(plan.length);
      } else {
        assertThat(m.providerMessageSid()).as(body).isNull();
        // As above, the attempt number may skip a claim that lost its connection before the send.
        assertThat(attempts(ids.get(i))).as(body).singleElement().asString().endsWith(":held");
      }
    }
    assertThat(script.messageIds).hasSize(requests.get());
    assertThat(db.strings("SELECT count(*) FROM smskit.sms_send_attempts WHERE tenant_id = ? AND outcome IS NULL",
        tenant.value())).containsExactly("0");
  }

  /** Terminates every other backend of the test database: the pools' connections die under them. */
  private void killServiceConnections() {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitEmptyOutbox(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (db.strings("SELECT count(*) FROM smskit.sms_outbox").get(0).equals("0")) {
          return;
        }
      } catch (IllegalStateException connectionKilled) {
        // the test's own pooled connection was terminated too; the next try gets a new one
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the outbox still holds messages: " + db.strings(
        "SELECT o.due_at || ' ' || o.attempts || ' ' || coalesce(o.lease_owner, '-') || ' ' || m.body"
            + " FROM smskit.sms_outbox o JOIN smskit.sms_messages m ON m.id = o.message_id"));
  }
}
