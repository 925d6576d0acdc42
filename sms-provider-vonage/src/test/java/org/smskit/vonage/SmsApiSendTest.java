package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.vonage.Fixtures.API_KEY;
import static org.smskit.vonage.Fixtures.MESSAGE_ID;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;

class SmsApiSendTest {
  private static final PhoneNumber FROM = PhoneNumber.of("+14155550100");
  private static final PhoneNumber TO = PhoneNumber.of("+447700900123");
  private static final URI CALLBACK = URI.create("https://hooks.example.com/vonage/status");

  @StartStop
  private final MockWebServer server = new MockWebServer();

  private String settings(String extra) {
    return "{\"smsBaseUrl\":\"" + server.url("/") + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  private VonageProvider provider() {
    return Fixtures.provider(Fixtures.config(settings("\"priceCurrency\":\"EUR\"")));
  }

  private static OutboundMessage message(String body) {
    return OutboundMessage.builder(MESSAGE_ID, TO).from(FROM).body(body).statusCallbackUrl(CALLBACK).build();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  private static String onePart(String id) {
    return "{\"message-count\":\"1\",\"messages\":[{\"to\":\"447700900123\",\"message-id\":\"" + id + "\","
        + "\"status\":\"0\",\"remaining-balance\":\"3.14159265\",\"message-price\":\"0.03330000\","
        + "\"network\":\"23410\",\"client-ref\":\"" + MESSAGE_ID + "\"}]}";
  }

  private static String failing(String status, String errorText) {
    return "{\"message-count\":\"1\",\"messages\":[{\"status\":\"" + status + "\",\"error-text\":\"" + errorText
        + "\"}]}";
  }

  private RecordedRequest take() throws InterruptedException {
    return server.takeRequest();
  }

  @Test
  void textIsPostedAsUtf8FormWithKeySecretClientRefAndCallback() throws Exception {
    server.enqueue(json(200, onePart("0A0000000123ABCD")));

    SendResult result = provider().send(message("Hello there"));

    RecordedRequest request = take();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/sms/json");
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded; charset=UTF-8");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(request.getHeaders().get("Authorization")).isNull();
    assertThat(request.getBody().utf8()).isEqualTo("api_key=a1b2c3d4&api_secret=Sup3rS3cret&from=14155550100"
        + "&to=447700900123&text=Hello+there&type=text&client-ref=0190f7c2-1111-7aaa-8bbb-123456789abc"
        + "&status-report-req=true&callback=https%3A%2F%2Fhooks.example.com%2Fvonage%2Fstatus");

    assertThat(result.providerMessageId()).isEqualTo("0A0000000123ABCD");
    assertThat(result.partIds()).containsExactly("0A0000000123ABCD");
    assertThat(result.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(result.segments()).isEqualTo(1);
    assertThat(result.price()).isEqualByComparingTo("0.0333");
    assertThat(result.priceCurrency()).isEqualTo("EUR");
    assertThat(result.rawResponse()).contains("remaining-balance");
  }

  @Test
  void bodyOutsideGsm7IsSentAsTypeUnicodeInUtf8() throws Exception {
    server.enqueue(json(200, onePart("0A01")));

    provider().send(message("Grüße, Привет 👋"));

    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form.get("type")).containsExactly("unicode");
    assertThat(form.get("text")).containsExactly("Grüße, Привет 👋");
  }

  @Test
  void gsm7ExtensionCharactersStayTypeText() throws Exception {
    server.enqueue(json(200, onePart("0A02")));

    provider().send(message("Price: 5€ [net] {x} ~ ^ | \\"));

    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form.get("type")).containsExactly("text");
    assertThat(form.get("text")).containsExactly("Price: 5€ [net] {x} ~ ^ | \\");
  }

  @Test
  void withoutStatusCallbackNoCallbackParameterIsSent() throws Exception {
    server.enqueue(json(200, onePart("0A03")));

    provider().send(OutboundMessage.sms(MESSAGE_ID, FROM, TO, "Hi"));

    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form).doesNotContainKey("callback");
    assertThat(form.get("status-report-req")).containsExactly("true");
  }

  @Test
  void alphanumericSenderAndShortCodeSenderAreSentAsTheyAre() throws Exception {
    server.enqueue(json(200, onePart("0A04")));
    server.enqueue(json(200, onePart("0A05")));
    VonageProvider vonage = provider();

    vonage.send(OutboundMessage.sms(MESSAGE_ID, new AlphanumericSenderId("ACME Ltd"), TO, "Hi"));
    vonage.send(OutboundMessage.sms(MESSAGE_ID, new ShortCode("72345"), TO, "Hi"));

    assertThat(FormEncoding.decode(take().getBody().utf8()).get("from")).containsExactly("ACME Ltd");
    assertThat(FormEncoding.decode(take().getBody().utf8()).get("from")).containsExactly("72345");
  }

  /** Expected sig computed with Python's hmac over the canonical string (see the test's comment). */
  @Test
  void signedRequestCarriesTimestampAndSigInsteadOfTheApiSecret() throws Exception {
    server.enqueue(json(200, onePart("0A06")));
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig(settings("\"signatureMethod\":\"sha256\"")));
    URI callback = URI.create("https://hooks.example.com/vonage?a=1&b=2");

    vonage.send(message("Hello & welcome = yes").toBuilder().statusCallbackUrl(callback).build());

    // python3: hmac.new(b"sig-secret-0123456789abcdef", b"&api_key=a1b2c3d4&callback=https://hooks.example.com/
    //   vonage?a_1_b_2&client-ref=0190f7c2-...&from=14155550100&status-report-req=true&text=Hello _ welcome _ yes
    //   &timestamp=1700000000&to=447700900123&type=text", "sha256").hexdigest()
    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form).doesNotContainKey("api_secret");
    assertThat(form.get("api_key")).containsExactly(API_KEY);
    assertThat(form.get("timestamp")).containsExactly("1700000000");
    assertThat(form.get("sig")).containsExactly("cccdd6582d3446b42a1750ae0f37ae091072dc948294811d1c387f76016ac94f");
  }

  @Test
  void signedRequestWithTheDefaultMd5HashMethod() throws Exception {
    server.enqueue(json(200, onePart("0A07")));
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig(settings("")));

    vonage.send(message("Hello & welcome = yes").toBuilder()
        .statusCallbackUrl(URI.create("https://hooks.example.com/vonage?a=1&b=2")).build());

    // python3: hashlib.md5((canonical + "sig-secret-0123456789abcdef").encode()).hexdigest()
    assertThat(FormEncoding.decode(take().getBody().utf8()).get("sig"))
        .containsExactly("d1736abbbe27485ccbab965372ce0c7b");
  }

  @Test
  void signRequestsFalseSendsTheSecretEvenWithASignatureSecret() throws Exception {
    server.enqueue(json(200, onePart("0A08")));
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig(settings("\"signRequests\":false")));

    vonage.send(message("Hi"));

    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form.get("api_secret")).containsExactly(Fixtures.API_SECRET);
    assertThat(form).doesNotContainKeys("sig", "timestamp");
  }

  @Test
  void documentedOptionsArePassedAndOthersIgnored() throws Exception {
    server.enqueue(json(200, onePart("0A09")));

    provider().send(OutboundMessage.builder(MESSAGE_ID, TO).from(FROM).body("Hi")
        .options(Map.of("ttl", "86400000", "account-ref", "cost-centre-7", "ValidityPeriod", "60")).build());

    Map<String, List<String>> form = FormEncoding.decode(take().getBody().utf8());
    assertThat(form.get("ttl")).containsExactly("86400000");
    assertThat(form.get("account-ref")).containsExactly("cost-centre-7");
    assertThat(form).doesNotContainKey("ValidityPeriod");
  }

  @Test
  void malformedTtlIsRefusedBeforeAnyRequest() {
    assertThatThrownBy(() -> provider().send(OutboundMessage.builder(MESSAGE_ID, TO).from(FROM).body("Hi")
        .options(Map.of("ttl", "5")).build()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("options.ttl"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void longMessageAnswerWithThreePartsGivesEveryPartIdAndTheSummedPrice() throws Exception {
    server.enqueue(json(200, "{\"message-count\":\"3\",\"messages\":["
        + "{\"to\":\"447700900123\",\"message-id\":\"0A0000000000000A\",\"status\":\"0\","
        + "\"remaining-balance\":\"10.00000000\",\"message-price\":\"0.03330000\",\"network\":\"23410\"},"
        + "{\"to\":\"447700900123\",\"message-id\":\"0A0000000000000B\",\"status\":\"0\","
        + "\"remaining-balance\":\"9.96670000\",\"message-price\":\"0.03330000\",\"network\":\"23410\"},"
        + "{\"to\":\"447700900123\",\"message-id\":\"0A0000000000000C\",\"status\":\"0\","
        + "\"remaining-balance\":\"9.93340000\",\"message-price\":\"0.03340000\",\"network\":\"23410\"}]}"));

    SendResult result = provider().send(message("x".repeat(400)));

    assertThat(result.providerMessageId()).isEqualTo("0A0000000000000A");
    assertThat(result.partIds()).containsExactly("0A0000000000000A", "0A0000000000000B", "0A0000000000000C");
    assertThat(result.segments()).isEqualTo(3);
    assertThat(result.price()).isEqualByComparingTo(new BigDecimal("0.10000000"));
    assertThat(result.priceCurrency()).isEqualTo("EUR");
  }

  @Test
  void priceCurrencyIsNullUnlessConfigured() throws Exception {
    server.enqueue(json(200, onePart("0A10")));

    SendResult result = Fixtures.provider(Fixtures.config(settings(""))).send(message("Hi"));

    assertThat(result.price()).isEqualByComparingTo("0.0333");
    assertThat(result.priceCurrency()).isNull();
  }

  @Test
  void http200WithAFailingStatusIsClassifiedByThatStatus() {
    server.enqueue(json(200, failing("15", "Illegal Sender Address - rejected")));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
          assertThat(e.providerCode()).contains("15");
          assertThat(e.httpStatus()).isEqualTo(200);
          assertThat(e.getMessage()).contains("invalid sender address").contains("Illegal Sender Address");
        });
  }

  @Test
  void numbersQuotedInErrorTextAreMasked() {
    server.enqueue(json(200, failing("3", "Invalid to address 447700900123")));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e ->
            assertThat(e.getMessage()).doesNotContain("447700900123").contains("447*******23"));
  }

  @Test
  void partlyAcceptedLongMessageIsPermanentAndNamesTheAcceptedParts() {
    server.enqueue(json(200, "{\"message-count\":\"2\",\"messages\":["
        + "{\"message-id\":\"0A0000000000000A\",\"status\":\"0\",\"message-price\":\"0.0333\"},"
        + "{\"status\":\"1\",\"error-text\":\"Throughput Rate Exceeded\"}]}"));

    assertThatThrownBy(() -> provider().send(message("x".repeat(200))))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          // Throttled alone would be retryable; with a part already queued a retry would repeat it.
          assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
          assertThat(e.retryable()).isFalse();
          assertThat(e.providerCode()).contains("1");
          assertThat(e.getMessage()).contains("1 of 2 parts").contains("0A0000000000000A");
        });
  }

  @Test
  void successWithoutMessageIdLeavesTheOutcomeUnknown() {
    server.enqueue(json(200, "{\"message-count\":\"1\",\"messages\":[{\"status\":\"0\"}]}"));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
  }

  @Test
  void unreadableHttp200LeavesTheOutcomeUnknown() {
    server.enqueue(json(200, "<html>proxy says hi</html>"));
    server.enqueue(json(200, "{\"message-count\":\"0\"}"));
    VonageProvider vonage = provider();

    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
  }

  @Test
  void http500And503AreRetryable() {
    server.enqueue(json(500, "{}"));
    server.enqueue(json(503, "{}"));
    VonageProvider vonage = provider();

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> vonage.send(message("Hi")))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
            assertThat(e.httpStatus()).isIn(500, 503);
          });
    }
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void http504FromAGatewayLeavesTheOutcomeUnknown() {
    server.enqueue(json(504, "upstream timed out"));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
  }

  @Test
  void http429IsRateLimitedWithRetryAfter() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        });
  }

  @Test
  void http401IsBadCredentialsAndOther4xxArePermanent() {
    server.enqueue(json(401, "{}"));
    server.enqueue(json(400, "{}"));
    VonageProvider vonage = provider();

    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_CREDENTIALS));
    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
  }

  @Test
  void redirectIsNotFollowed() {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere")).build());

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void readTimeoutAfterTheRequestWasWrittenIsOutcomeUnknownAndNeverResent() {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    server.enqueue(json(200, onePart("0A99")));
    VonageProvider vonage = Fixtures.provider(Fixtures.config(settings("\"readTimeoutMillis\":300")));

    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
          assertThat(e.retryable()).isFalse();
        });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionDroppedBeforeTheAnswerIsOutcomeUnknownAndNeverResent() {
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(200, onePart("0A98")));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  /** A failure on a reused connection is what OkHttp would silently retry with retryOnConnectionFailure(true). */
  @Test
  void connectionDroppedOnAReusedConnectionIsNeverResent() {
    server.enqueue(json(200, onePart("0A97")));
    server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(200, onePart("0A96")));
    VonageProvider vonage = provider();

    vonage.send(message("first"));
    assertThatThrownBy(() -> vonage.send(message("second")))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void refusedConnectionIsRetryableBecauseNothingWasSent() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    VonageProvider vonage = Fixtures.provider(Fixtures.config(
        "{\"smsBaseUrl\":\"http://127.0.0.1:" + closedPort + "/\",\"connectTimeoutMillis\":1000}"));

    assertThatThrownBy(() -> vonage.send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
          assertThat(e.getMessage()).doesNotContain(Fixtures.API_SECRET);
        });
  }

  @Test
  void messagingServiceWithoutSenderIsUnsupportedBeforeAnyRequest() {
    OutboundMessage viaService =
        OutboundMessage.builder(MESSAGE_ID, TO).messagingServiceSid("MG123").body("Hi").build();

    assertThatThrownBy(() -> provider().send(viaService))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void recipientThatIsNotAPhoneNumberIsUnsupported() {
    OutboundMessage toShortCode = OutboundMessage.sms(MESSAGE_ID, FROM, new ShortCode("72345"), "Hi");

    assertThatThrownBy(() -> provider().send(toShortCode))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void secretsNeverAppearInFailureMessages() {
    server.enqueue(json(200, failing("4", "Bad Credentials")));

    assertThatThrownBy(() -> provider().send(message("Hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_CREDENTIALS);
          assertThat(e.getMessage()).doesNotContain(Fixtures.API_SECRET);
        });
  }

  @Test
  void providerOptionsSendTheTypedValidityAsTtlInMillisecondsAndVonagesRawParametersOnly() throws Exception {
    server.enqueue(json(200, onePart("0A09")));
    ProviderOptions options = ProviderOptions.builder().validity(java.time.Duration.ofMinutes(10))
        .raw("vonage", "entity-id", "1101456789").raw("vonage", "content-id", "1107161234")
        .raw("twilio", "ContentSid", "not Vonage's").build();
    VonageProvider vonage = provider();
    vonage.validateOptions(options);

    vonage.send(options.applyTo(OutboundMessage.builder(MESSAGE_ID, TO).from(FROM).body("Hi").build(), "vonage"));

    assertThat(take().getBody().utf8()).isEqualTo("api_key=a1b2c3d4&api_secret=Sup3rS3cret&from=14155550100"
        + "&to=447700900123&text=Hi&type=text&client-ref=0190f7c2-1111-7aaa-8bbb-123456789abc"
        + "&status-report-req=true&entity-id=1101456789&content-id=1107161234&ttl=600000");
  }

  @Test
  void validateOptionsNamesTheOptionItRefuses() {
    Map<ProviderOptions, String> refused = new java.util.LinkedHashMap<>();
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofSeconds(19)).build(), "options.validity");
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofDays(8)).build(), "options.validity");
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofMinutes(1)).raw("vonage", "ttl", "60000")
        .build(), "options.ttl");
    refused.put(ProviderOptions.builder().raw("vonage", "ttl", "5").build(), "options.ttl");
    refused.put(ProviderOptions.builder().raw("vonage", "message-class", "7").build(), "options.message-class");
    refused.put(ProviderOptions.builder().raw("vonage", "client-ref", "mine").build(), "options.client-ref");
    refused.put(ProviderOptions.builder().raw("vonage", "callback", "https://x.example").build(), "options.callback");
    refused.put(ProviderOptions.builder().raw("vonage", "ValidityPeriod", "60").build(), "options.ValidityPeriod");
    VonageProvider vonage = provider();
    vonage.validateOptions(ProviderOptions.builder().validity(java.time.Duration.ofDays(7))
        .raw("twilio", "Foo", "not Vonage's").build());
    refused.forEach((options, field) -> assertThatThrownBy(() -> vonage.validateOptions(options))
        .as("%s", options)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field)));
    assertThat(server.getRequestCount()).isZero();
  }
}
