package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.API_KEY_SECRET;
import static org.smskit.twilio.Fixtures.API_KEY_SECRETS;
import static org.smskit.twilio.Fixtures.API_KEY_SETTING;
import static org.smskit.twilio.Fixtures.API_KEY_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;
import static org.smskit.twilio.Fixtures.MESSAGE_SID;
import static org.smskit.twilio.Fixtures.NOW;
import static org.smskit.twilio.Fixtures.provider;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.status.MessageStatus;

/** {@link TwilioProvider#lookup} against a real HTTP server: the exact requests, and when absence is proven. */
class TwilioLookupTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static final UUID ID = UUID.fromString("0b7e8c3a-5a44-4c1e-9d57-3f0c2a1b9e10");
  private static final PhoneNumber TO = PhoneNumber.of("+14155550100");
  private static final PhoneNumber FROM = PhoneNumber.of("+14155550199");
  private static final String BODY = "Your order 42 ships today";
  /** Our request ran from 09:30 to 09:40; the lookup runs at 10:00, after the widened window (until 09:45). */
  private static final Instant AFTER = NOW.minus(Duration.ofMinutes(30));
  private static final Instant BEFORE = NOW.minus(Duration.ofMinutes(20));
  private static final String ACCOUNT_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID;
  private static final String LIST_PATH = ACCOUNT_PATH + "/Messages.json";
  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  private static final String OTHER_SID = "SM" + "1".repeat(32);

  private static LookupRequest bySid(String sid) {
    return search(FROM, BEFORE).toBuilder().providerMessageId(sid).build();
  }

  private static LookupRequest search(Address from, Instant sentBefore) {
    return LookupRequest.builder(ID, TO, AFTER, sentBefore).from(from).body(BODY).build();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Twilio's message JSON; null values become JSON null. */
  private static String message(String sid, String from, String body, String direction, Instant created,
      String status, String price, Integer errorCode) {
    return """
        {"sid": "%s", "account_sid": "%s", "to": "%s", "from": %s, "body": %s, "direction": "%s",
         "date_created": "%s", "date_sent": null, "status": "%s", "price": %s, "price_unit": "usd",
         "error_code": %s, "num_segments": "1"}""".formatted(sid, ACCOUNT_SID, TO.value(), quoted(from),
        quoted(body), direction, RFC_2822.format(created), status, quoted(price), errorCode);
  }

  private static String outbound(String sid, String body, Instant created) {
    return message(sid, FROM.value(), body, "outbound-api", created, "delivered", "-0.0079", null);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  private MockResponse page(String nextPageUri, String... messages) {
    return json(200, """
        {"messages": [%s], "next_page_uri": %s, "page_size": 1000, "uri": "%s"}
        """.formatted(String.join(",", messages), quoted(nextPageUri), LIST_PATH));
  }

  private static String quoted(String value) {
    return value == null ? "null" : "\"" + value + "\"";
  }

  private LookupResult lookup(LookupRequest request) {
    return lookup(request, "");
  }

  private LookupResult lookup(LookupRequest request, String settings) {
    try (TwilioProvider twilio = provider(server, settings)) {
      return twilio.lookup(request);
    }
  }

  /** The next request, failing (rather than waiting forever) when none came. */
  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(2, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  private void assertGet(RecordedRequest request, String path, String encodedQuery) {
    assertThat(request.getRequestLine())
        .isEqualTo("GET " + path + (encodedQuery == null ? "" : "?" + encodedQuery) + " HTTP/1.1");
    assertThat(request.getUrl().encodedPath()).isEqualTo(path);
    assertThat(request.getUrl().encodedQuery()).isEqualTo(encodedQuery);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(basic(ACCOUNT_SID, AUTH_TOKEN));
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(request.getBody() == null ? 0 : request.getBody().size()).isZero();
  }

  // ---- by SID

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"accepted, SENDING", "queued, SENDING", "sending, SENDING", "sent, SENT",
      "partially_delivered, SENT", "delivered, DELIVERED", "undelivered, UNDELIVERED", "failed, FAILED",
      "read, READ", "canceled, CANCELED", "scheduled, SCHEDULED"})
  void knownSidIsFetchedAndItsStatusMappedAsStatusCallbacksMapIt(String twilioStatus, MessageStatus ours)
      throws Exception {
    String body = message(MESSAGE_SID, FROM.value(), BODY, "outbound-api", AFTER, twilioStatus, "-0.00790", 30003);
    server.enqueue(json(200, body));

    LookupResult result = lookup(bySid(MESSAGE_SID));

    assertGet(take(), ACCOUNT_PATH + "/Messages/" + MESSAGE_SID + ".json", null);
    assertThat(result).isEqualTo(LookupResult.Found.builder(MESSAGE_SID, ours, twilioStatus).errorCode("30003")
        .price(new BigDecimal("0.00790")).priceCurrency("USD").rawResponse(body).build());
  }

  @Test
  void priceNotYetKnownIsNullAndSoIsItsCurrency() {
    server.enqueue(json(200, message(MESSAGE_SID, FROM.value(), BODY, "outbound-api", AFTER, "queued", null,
        null)));

    LookupResult.Found found = (LookupResult.Found) lookup(bySid(MESSAGE_SID));

    assertThat(found.price()).isNull();
    assertThat(found.priceCurrency()).isNull();
    assertThat(found.errorCode()).isNull();
  }

  @Test
  void apiKeyAccountLooksUpWithTheApiKeyLikeItSends() throws Exception {
    server.enqueue(json(200, outbound(MESSAGE_SID, BODY, AFTER)));
    try (TwilioProvider twilio = new TwilioProviderFactory().create(Fixtures.config(ACCOUNT_SID, AUTH_TOKEN, server,
        API_KEY_SETTING, API_KEY_SECRETS))) {
      assertThat(twilio.lookup(bySid(MESSAGE_SID))).isInstanceOf(LookupResult.Found.class);
    }

    assertThat(take().getHeaders().get("Authorization")).isEqualTo(basic(API_KEY_SID, API_KEY_SECRET));
  }

  @Test
  void notFoundForAKnownSidIsNeverProof() {
    server.enqueue(Fixtures.error(404, 20404, "The requested resource was not found"));

    LookupResult result = lookup(bySid(MESSAGE_SID));

    assertThat(result).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("HTTP 404", "20404", MESSAGE_SID));
  }

  @Test
  void serverErrorIsUnknownWithTheReason() {
    server.enqueue(Fixtures.error(503, 20503, "Service Unavailable"));

    assertThat(lookup(bySid(MESSAGE_SID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("HTTP 503", "20503", "Service Unavailable"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void timeoutIsUnknownNotAnException() {
    server.enqueue(new MockResponse.Builder(json(200, outbound(MESSAGE_SID, BODY, AFTER)))
        .headersDelay(5, TimeUnit.SECONDS).build());

    assertThat(lookup(bySid(MESSAGE_SID), "\"readTimeoutMillis\":300"))
        .isInstanceOfSatisfying(LookupResult.Unknown.class, u -> assertThat(u.reason()).contains("timed out"));
  }

  @Test
  void malformedJsonIsUnknown() {
    server.enqueue(json(200, "{\"sid\": \"SM"));

    assertThat(lookup(bySid(MESSAGE_SID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("not a JSON object"));
  }

  @Test
  void statusSmskitDoesNotMapIsUnknown() {
    server.enqueue(json(200, message(MESSAGE_SID, FROM.value(), BODY, "inbound", AFTER, "received", null, null)));

    assertThat(lookup(bySid(MESSAGE_SID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("'received'"));
  }

  @Test
  void somethingElseThanAMessageSidIsNotPutInThePath() {
    assertThat(lookup(bySid("../../Calls"))).isInstanceOf(LookupResult.Unknown.class);
    assertThat(server.getRequestCount()).isZero();
  }

  // ---- search, when no SID came back

  @Test
  void searchListsToAndFromWithoutDateFilterAndFindsTheOneOutboundMessageWithOurBodyInTheWindow()
      throws Exception {
    String ours = outbound(MESSAGE_SID, BODY, AFTER.plusSeconds(2));
    server.enqueue(page(null,
        outbound(OTHER_SID, "Another text", AFTER.plusSeconds(5)),          // in the window, other body
        outbound("SM" + "2".repeat(32), BODY, AFTER.minus(Duration.ofHours(1))), // same body, long before
        message("SM" + "3".repeat(32), FROM.value(), BODY, "inbound", AFTER, "received", null, null),
        message("SM" + "4".repeat(32), FROM.value(), BODY, "outbound-reply", AFTER, "sent", null, null),
        ours));

    LookupResult result = lookup(search(FROM, BEFORE));

    assertGet(take(), LIST_PATH, "To=%2B14155550100&From=%2B14155550199&PageSize=1000");
    assertThat(result).isInstanceOfSatisfying(LookupResult.Found.class, f -> {
      assertThat(f.providerMessageId()).isEqualTo(MESSAGE_SID);
      assertThat(f.status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(f.price()).isEqualByComparingTo("0.0079");
      assertThat(f.rawResponse()).contains(MESSAGE_SID).doesNotContain(OTHER_SID);
    });
  }

  @Test
  void notFoundOnlyAfterEveryPageWasReadAndNoneWasCreatedInTheWindow() throws Exception {
    String next = LIST_PATH + "?To=%2B14155550100&From=%2B14155550199&PageSize=1000&Page=1&PageToken=PASM00aa";
    server.enqueue(page(next, outbound(OTHER_SID, BODY, AFTER.minus(Duration.ofMinutes(6)))));
    server.enqueue(page(null, outbound("SM" + "2".repeat(32), BODY, BEFORE.plus(Duration.ofMinutes(6)))));

    LookupResult result = lookup(search(FROM, BEFORE));

    assertGet(take(), LIST_PATH, "To=%2B14155550100&From=%2B14155550199&PageSize=1000");
    RecordedRequest second = take();
    assertThat(second.getTarget()).isEqualTo(next);
    assertGet(second, LIST_PATH, next.substring(next.indexOf('?') + 1));
    assertThat(result).isInstanceOfSatisfying(LookupResult.NotFound.class, n -> assertThat(n.evidence())
        .contains("listed all 2 messages", "2 page(s)", "without a date filter", "2030-03-04T09:25:00Z",
            "2030-03-04T09:45:00Z").doesNotContain(TO.value()).doesNotContain(FROM.value()));
  }

  @Test
  void theMatchOnALaterPageIsFound() {
    server.enqueue(page(LIST_PATH + "?To=%2B14155550100&PageSize=1000&Page=1&PageToken=PA1",
        outbound(OTHER_SID, BODY, AFTER.minus(Duration.ofDays(2)))));
    server.enqueue(page(null, outbound(MESSAGE_SID, BODY, BEFORE)));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Found.class,
        f -> assertThat(f.providerMessageId()).isEqualTo(MESSAGE_SID));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void twoMessagesWithOurBodyInTheWindowAreAmbiguous() {
    server.enqueue(page(null, outbound(MESSAGE_SID, BODY, AFTER), outbound(OTHER_SID, BODY, BEFORE)));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("ambiguous", "2 messages"));
  }

  @Test
  void anOutboundMessageInTheWindowWithAnotherBodyIsNoProofOfAbsence() {
    // Twilio may store another body than the one sent (smart encoding, shortened links, discarded content).
    server.enqueue(page(null, outbound(MESSAGE_SID, "", AFTER.plusSeconds(1))));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("none with the same body"));
  }

  @Test
  void aCandidateWithoutReadableDateCannotBeRuledOut() {
    server.enqueue(page(null, outbound(MESSAGE_SID, BODY, AFTER).replaceFirst("\"date_created\": \"[^\"]+\"",
        "\"date_created\": \"yesterday\"")));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("without a readable date_created"));
  }

  @Test
  void noProofWhileTheWindowIsStillOpen() {
    server.enqueue(page(null));

    // The request ended a minute ago: Twilio may still create the message, and its clock may run ahead.
    assertThat(lookup(search(FROM, NOW.minus(Duration.ofMinutes(1))))).isInstanceOfSatisfying(
        LookupResult.Unknown.class, u -> assertThat(u.reason()).contains("window is still open"));
  }

  @Test
  void messagingServiceSendIsSearchedAmongEverySenderToTheRecipient() throws Exception {
    server.enqueue(page(null, message(OTHER_SID, "+14155550123", "Other", "outbound-api", AFTER.minus(
        Duration.ofHours(3)), "delivered", null, null)));

    LookupResult result = lookup(search(null, BEFORE));

    assertGet(take(), LIST_PATH, "To=%2B14155550100&PageSize=1000");
    assertThat(result).isInstanceOfSatisfying(LookupResult.NotFound.class,
        n -> assertThat(n.evidence()).contains("from any sender"));
  }

  @Test
  void messagingServiceSendIsFoundWhateverSenderTheServicePicked() {
    server.enqueue(page(null, message(MESSAGE_SID, "+14155550123", BODY, "outbound-api", AFTER, "sent", null,
        null)));

    assertThat(lookup(search(null, BEFORE))).isInstanceOfSatisfying(LookupResult.Found.class,
        f -> assertThat(f.status()).isEqualTo(MessageStatus.SENT));
  }

  @Test
  void accountThatObfuscatesAddressesNeverGetsNotFound() {
    server.enqueue(page(null));

    assertThat(lookup(search(FROM, BEFORE), "\"addressRetention\":\"obfuscate\""))
        .isInstanceOfSatisfying(LookupResult.Unknown.class,
            u -> assertThat(u.reason()).contains("AddressRetention=obfuscate"));
  }

  @Test
  void failureOnALaterPageIsUnknown() {
    server.enqueue(page(LIST_PATH + "?To=%2B14155550100&PageSize=1000&Page=1&PageToken=PA1"));
    server.enqueue(Fixtures.error(500, 20500, "Internal Server Error"));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("HTTP 500"));
  }

  @Test
  void searchTimeoutIsUnknown() {
    server.enqueue(new MockResponse.Builder(page(null)).headersDelay(5, TimeUnit.SECONDS).build());

    assertThat(lookup(search(FROM, BEFORE), "\"readTimeoutMillis\":300")).isInstanceOfSatisfying(
        LookupResult.Unknown.class, u -> assertThat(u.reason()).contains("timed out"));
  }

  @Test
  void pageWithoutMessagesArrayIsUnknown() {
    server.enqueue(json(200, "<html>maintenance</html>"));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("no messages array"));
  }

  @Test
  void nextPageOnAnotherHostIsNotFollowedWithOurCredentials() {
    server.enqueue(page("https://evil.example/2010-04-01/Accounts/x/Messages.json?Page=1"));

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("leads away"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void searchGivesUpAfterTheLastPageItMayRead() {
    for (int i = 0; i < TwilioLookup.MAX_PAGES + 1; i++) {
      server.enqueue(page(LIST_PATH + "?To=%2B14155550100&PageSize=1000&Page=" + (i + 1) + "&PageToken=PA" + i));
    }

    assertThat(lookup(search(FROM, BEFORE))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("more than 10000"));
    assertThat(server.getRequestCount()).isEqualTo(TwilioLookup.MAX_PAGES);
  }

  @Test
  void twilioDatesAreReadInTheirOwnFormat() {
    assertThat(TwilioLookup.created(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("date_created", "Thu, 24 Aug 2023 05:01:45 +0000")))
        .isEqualTo(Instant.parse("2023-08-24T05:01:45Z"));
    assertThat(RFC_2822.format(AFTER)).isEqualTo("Mon, 04 Mar 2030 09:30:00 +0000");
  }
}
