package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;
import static org.smskit.twilio.Fixtures.NOW;
import static org.smskit.twilio.Fixtures.provider;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;

/** Timeouts, broken connections, throttling: what may be retried, and that nothing is retried silently. */
class TwilioNetworkTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static final OutboundMessage SMS = OutboundMessage.sms(UUID.randomUUID(), PhoneNumber.of("+14155550199"),
      PhoneNumber.of("+14155550100"), "Hi");

  @Test
  void http429IsRateLimitedWithRetryAfter() {
    server.enqueue(new MockResponse.Builder(Fixtures.error(429, 20429, "Too Many Requests"))
        .addHeader("Retry-After", "7").build());
    ProviderException e = sendExpectingFailure(provider(server, ""));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.retryable()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void http429WithHttpDateRetryAfterWaitsUntilThatDate() {
    String inTwoMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(120).atOffset(ZoneOffset.UTC));
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", inTwoMinutes).build());

    assertThat(sendExpectingFailure(provider(server, "")).retryAfter()).contains(Duration.ofSeconds(120));
  }

  @Test
  void http429WithoutRetryAfterLeavesTheDelayToTheCaller() {
    server.enqueue(Fixtures.error(429, 20429, "Too Many Requests"));
    ProviderException e = sendExpectingFailure(provider(server, ""));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void readTimeoutAfterTheRequestWasSentIsOutcomeUnknownAndNotRetried() throws Exception {
    server.enqueue(new MockResponse.Builder(Fixtures.created()).headersDelay(5, TimeUnit.SECONDS).build());
    ProviderException e = sendExpectingFailure(provider(server, "\"readTimeoutMillis\":300"));

    assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
    assertThat(e.retryable()).isFalse();
    assertThat(server.takeRequest().getBody().utf8()).contains("Body=Hi");
    assertThat(server.getRequestCount()).as("the POST reached Twilio exactly once").isEqualTo(1);
  }

  @Test
  void connectionDroppedAfterTheRequestIsOutcomeUnknownAndNotRetried() {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(Fixtures.created()); // what a silent retry would get

    ProviderException e = sendExpectingFailure(provider(server, ""));

    assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void hostClientThatRetriesOnConnectionFailureIsOverriddenForSends() {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(Fixtures.created());
    OkHttpClient hostClient = new OkHttpClient.Builder().retryOnConnectionFailure(true).build();
    TwilioProvider twilio = new TwilioProviderFactory(hostClient)
        .create(Fixtures.config(ACCOUNT_SID, AUTH_TOKEN, server, ""));

    assertThat(sendExpectingFailure(twilio).kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(hostClient.dispatcher().executorService().isShutdown()).as("a shared client outlives close()")
        .isFalse();
  }

  @Test
  void serverErrorIsRetryableButNeverRetriedHere() {
    server.enqueue(Fixtures.error(500, 20500, "Internal Server Error"));
    server.enqueue(Fixtures.created());

    assertThat(sendExpectingFailure(provider(server, "")).kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(server.getRequestCount()).as("unlike twilio-java, no automatic retry of a POST on 5xx").isEqualTo(1);
  }

  @Test
  void connectFailureBeforeAnythingWasSentIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    TwilioProvider twilio = new TwilioProviderFactory().create(Fixtures.account(ACCOUNT_SID, AUTH_TOKEN)
        .settingsJson("{\"baseUrl\":\"http://127.0.0.1:" + closedPort + "\",\"connectTimeoutMillis\":2000}").build());

    ProviderException e = sendExpectingFailure(twilio);

    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.httpStatus()).isZero();
    assertThat(e.getMessage()).contains("before the request was sent").doesNotContain(AUTH_TOKEN);
  }

  private static ProviderException sendExpectingFailure(TwilioProvider twilio) {
    try (twilio) {
      return catchThrowableOfType(ProviderException.class, () -> twilio.send(SMS));
    }
  }
}
