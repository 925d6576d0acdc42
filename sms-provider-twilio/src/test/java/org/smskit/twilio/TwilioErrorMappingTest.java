package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.smskit.core.spi.ProviderException.Kind.BAD_CREDENTIALS;
import static org.smskit.core.spi.ProviderException.Kind.OUTCOME_UNKNOWN;
import static org.smskit.core.spi.ProviderException.Kind.PERMANENT;
import static org.smskit.core.spi.ProviderException.Kind.RATE_LIMITED;
import static org.smskit.core.spi.ProviderException.Kind.RECIPIENT_OPTED_OUT;
import static org.smskit.core.spi.ProviderException.Kind.RETRYABLE;
import static org.smskit.core.spi.ProviderException.Kind.UNSUPPORTED;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;
import static org.smskit.twilio.Fixtures.provider;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;

/** Every row of the table in {@link TwilioErrors} (and the README), each answered by a real HTTP server. */
class TwilioErrorMappingTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static final OutboundMessage SMS = OutboundMessage.sms(UUID.randomUUID(), PhoneNumber.of("+14155550199"),
      PhoneNumber.of("+14155550100"), "Hi");

  static Stream<Arguments> twilioCodes() {
    return Stream.of(
        Arguments.of(401, 20003, "Authenticate", BAD_CREDENTIALS),
        Arguments.of(401, 10001, "Account is not active", BAD_CREDENTIALS),
        Arguments.of(401, 20005, "Account not active", BAD_CREDENTIALS),
        Arguments.of(403, 20403, "Forbidden", BAD_CREDENTIALS),
        Arguments.of(403, 70051, "Authorization Failed", BAD_CREDENTIALS),
        Arguments.of(429, 20429, "Too Many Requests", RATE_LIMITED),
        Arguments.of(400, 14107, "SMS send rate limit exceeded", RATE_LIMITED),
        Arguments.of(400, 21611, "This 'From' number has exceeded the maximum number of queued messages",
            RATE_LIMITED),
        Arguments.of(429, 63017, "Rate limit exceeded", RATE_LIMITED),
        Arguments.of(400, 21610, "Attempt to send to unsubscribed recipient", RECIPIENT_OPTED_OUT),
        Arguments.of(400, 21623, "Number of media files exceeds allowed limit", UNSUPPORTED),
        Arguments.of(400, 21211, "The 'To' number 5551234567 is not a valid phone number.", PERMANENT),
        Arguments.of(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the"
            + " 'To' number: +99912345678.", PERMANENT),
        Arguments.of(400, 21612, "The 'To' phone number is not currently reachable via SMS.", PERMANENT),
        Arguments.of(400, 21614, "'To' number is not a valid mobile number", PERMANENT),
        // Codes without a row of their own fall through to the HTTP status.
        Arguments.of(400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone"
            + " number for this destination.", PERMANENT),
        Arguments.of(400, 21617, "The concatenated message body exceeds the 1600 character limit.", PERMANENT),
        Arguments.of(400, 35118, "MessagingServiceSid is required to schedule a message", PERMANENT),
        Arguments.of(404, 20404, "The requested resource was not found", BAD_CREDENTIALS),
        Arguments.of(500, 20500, "Internal Server Error", RETRYABLE),
        Arguments.of(503, 20503, "Service Unavailable", RETRYABLE));
  }

  @ParameterizedTest(name = "HTTP {0} with code {1} is {3}")
  @MethodSource("twilioCodes")
  void twilioErrorCodeDecidesTheKind(int http, int code, String message, Kind expected) {
    server.enqueue(Fixtures.error(http, code, message));
    ProviderException e = send();

    assertThat(e.kind()).isEqualTo(expected);
    assertThat(e.providerCode()).contains(String.valueOf(code));
    assertThat(e.httpStatus()).isEqualTo(http);
    assertThat(e.provider()).isEqualTo("twilio");
    assertThat(server.getRequestCount()).as("never re-sent").isEqualTo(1);
  }

  static Stream<Arguments> httpStatuses() {
    return Stream.of(
        Arguments.of(401, BAD_CREDENTIALS),
        Arguments.of(403, BAD_CREDENTIALS),
        Arguments.of(404, BAD_CREDENTIALS),
        Arguments.of(408, RETRYABLE),
        Arguments.of(429, RATE_LIMITED),
        Arguments.of(400, PERMANENT),
        Arguments.of(413, PERMANENT),
        Arguments.of(302, PERMANENT),
        Arguments.of(500, RETRYABLE),
        Arguments.of(502, RETRYABLE),
        Arguments.of(503, RETRYABLE),
        Arguments.of(504, OUTCOME_UNKNOWN));
  }

  @ParameterizedTest(name = "HTTP {0} without a Twilio body is {1}")
  @MethodSource("httpStatuses")
  void httpStatusDecidesWithoutTwilioErrorBody(int http, Kind expected) {
    server.enqueue(new MockResponse.Builder().code(http).addHeader("Location", "https://elsewhere.example.com/")
        .addHeader("Content-Type", "text/html").body("<html><body>gateway says no</body></html>").build());
    ProviderException e = send();

    assertThat(e.kind()).isEqualTo(expected);
    assertThat(e.providerCode()).isEmpty();
    assertThat(e.httpStatus()).isEqualTo(http);
    assertThat(server.getRequestCount()).as("redirects not followed, nothing re-sent").isEqualTo(1);
  }

  @Test
  void pairRateLimitWithoutRetryAfterWaitsTwilioDocumentedThirtySeconds() {
    server.enqueue(Fixtures.error(400, 14107, "SMS send rate limit exceeded"));
    assertThat(send().retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void permanentRefusalCarriesNoRetryAfter() {
    server.enqueue(new MockResponse.Builder(Fixtures.error(400, 21211, "bad To")).addHeader("Retry-After", "5")
        .build());
    assertThat(send().retryAfter()).isEmpty();
  }

  @Test
  void exceptionMessageMasksTheNumbersTwilioQuotesAndNeverShowsTheToken() {
    server.enqueue(Fixtures.error(400, 21211, "The 'To' number +15005550001 is not a valid phone number."));
    ProviderException e = send();

    assertThat(e.getMessage()).doesNotContain("+15005550001").doesNotContain(AUTH_TOKEN)
        .contains("+15*******01").contains("21211");
  }

  private ProviderException send() {
    try (TwilioProvider twilio = provider(server, "")) {
      return catchThrowableOfType(ProviderException.class, () -> twilio.send(SMS));
    }
  }
}
