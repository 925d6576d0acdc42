package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smskit.vonage.Fixtures.API_KEY;
import static org.smskit.vonage.Fixtures.API_SECRET;
import static org.smskit.vonage.Fixtures.MESSAGE_ID;
import static org.smskit.vonage.Fixtures.NOW;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.status.MessageStatus;

/** {@link VonageProvider#lookup} through the Reports API, against a real HTTP server, with the exact requests. */
class ReportsLookupTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static final String SMS_ID = "0A0000000123ABCD";
  private static final String MMS_UUID = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";
  private static final PhoneNumber TO = PhoneNumber.of("+447700900123");
  private static final PhoneNumber FROM = PhoneNumber.of("+14155550100");
  /** Our request ran from 21:43:20 to 21:53:20; searched with five minutes either side. */
  private static final Instant AFTER = NOW.minus(Duration.ofMinutes(30));
  private static final Instant BEFORE = NOW.minus(Duration.ofMinutes(20));
  private static final String RECORDS = "/v2/reports/records";
  private static final String SMS_QUERY = "account_id=a1b2c3d4&product=SMS&direction=outbound";
  private static final String MESSAGES_QUERY = "account_id=a1b2c3d4&product=MESSAGES&direction=outbound";
  /** Colons encoded, as in the next links of Vonage's own answers. */
  private static final String WINDOW = "date_start=2023-11-14T21%3A38%3A20Z&date_end=2023-11-14T21%3A58%3A21Z";

  private VonageProvider provider(String settings) {
    return Fixtures.provider(Fixtures.config("{\"reportsBaseUrl\":\"" + server.url("/") + "\""
        + (settings.isEmpty() ? "" : "," + settings) + "}"));
  }

  private LookupResult lookup(LookupRequest request) {
    return lookup(request, "\"reportsApi\":true");
  }

  private LookupResult lookup(LookupRequest request, String settings) {
    try (VonageProvider vonage = provider(settings)) {
      return vonage.lookup(request);
    }
  }

  private static LookupRequest byId(String id) {
    return byReference(AFTER).toBuilder().providerMessageId(id).build();
  }

  private static LookupRequest byReference(Instant sentAfter) {
    return LookupRequest.builder(MESSAGE_ID, TO, sentAfter, BEFORE).from(FROM).body("Hello").build();
  }

  private static String record(String id, String clientRef, String status, String errorCode, String price) {
    return """
        {"account_id": "a1b2c3d4", "message_id": "%s", "client_ref": "%s", "direction": "outbound",
         "from": "14155550100", "to": "447700900123", "network": "23410", "country": "GB",
         "date_received": "2023-11-14T21:43:21+0000", "status": "%s", "error_code": "%s",
         "error_code_description": "x", "currency": "EUR", "total_price": %s}"""
        .formatted(id, clientRef, status, errorCode, price);
  }

  private static MockResponse answer(String requestStatus, String extra, String... records) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body("""
        {"request_id": "r-1", "request_status": "%s", "product": "SMS", "direction": "outbound",
         "items_count": %d, "records": [%s]%s}""".formatted(requestStatus, records.length,
        String.join(",", records), extra)).build();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest request = server.takeRequest(2, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  private void assertGet(RecordedRequest request, String encodedQuery) {
    assertThat(request.getRequestLine()).isEqualTo("GET " + RECORDS + "?" + encodedQuery + " HTTP/1.1");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
        .encodeToString((API_KEY + ":" + API_SECRET).getBytes(StandardCharsets.UTF_8)));
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
  }

  @Test
  void withoutTheReportsApiSettingNothingIsAskedAndTheAnswerSaysWhy() {
    assertThat(lookup(byId(SMS_ID), "")).isEqualTo(new LookupResult.Unknown(ReportsApi.DISABLED));
    assertThat(lookup(byReference(AFTER), "\"reportsApi\":false")).isInstanceOf(LookupResult.Unknown.class);
    assertThat(server.getRequestCount()).isZero();
  }

  // ---- by id

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"delivered, DELIVERED, 0,", "accepted, SENT, 0,", "buffered, SENT, 0,",
      "expired, UNDELIVERED, 5, 5", "failed, UNDELIVERED, 6, 6", "rejected, FAILED, 4, 4"})
  void smsIdIsLookedUpByIdAndMappedAsDeliveryReceiptsAre(String vonageStatus, MessageStatus ours, String code,
      String errorCode) throws Exception {
    String record = record(SMS_ID, MESSAGE_ID.toString(), vonageStatus, code, "\"0.03330000\"");
    server.enqueue(answer("SUCCESS", "", record));

    LookupResult result = lookup(byId(SMS_ID));

    assertGet(take(), SMS_QUERY + "&id=" + SMS_ID);
    assertThat(result).isInstanceOfSatisfying(LookupResult.Found.class, f -> {
      assertThat(f.providerMessageId()).isEqualTo(SMS_ID);
      assertThat(f.status()).isEqualTo(ours);
      assertThat(f.providerStatus()).isEqualTo(vonageStatus);
      assertThat(f.errorCode()).isEqualTo(errorCode);
      assertThat(f.price()).isEqualByComparingTo("0.0333");
      assertThat(f.priceCurrency()).isEqualTo("EUR");
      assertThat(f.rawResponse()).contains(SMS_ID, "23410");
    });
  }

  @Test
  void idVonageDoesNotListYetIsUnknownNeverNotFound() throws Exception {
    server.enqueue(answer("SUCCESS", ", \"ids_not_found\": \"" + SMS_ID + "\""));

    LookupResult result = lookup(byId(SMS_ID));

    assertGet(take(), SMS_QUERY + "&id=" + SMS_ID);
    assertThat(result).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("ids_not_found", "proves nothing"));
  }

  @Test
  void uuidIsAskedAsAMessagesApiRecordThenAsAnSmsRecord() throws Exception {
    server.enqueue(answer("SUCCESS", ", \"ids_not_found\": [\"" + MMS_UUID + "\"]"));
    server.enqueue(answer("SUCCESS", "", record(MMS_UUID, MESSAGE_ID.toString(), "delivered", "0", "0.01")));

    LookupResult result = lookup(byId(MMS_UUID));

    assertGet(take(), MESSAGES_QUERY + "&id=" + MMS_UUID);
    assertGet(take(), SMS_QUERY + "&id=" + MMS_UUID);
    assertThat(result).isInstanceOfSatisfying(LookupResult.Found.class,
        f -> assertThat(f.status()).isEqualTo(MessageStatus.DELIVERED));
  }

  @Test
  void messagesApiRecordIsMappedAsItsStatusWebhooksAre() {
    server.enqueue(answer("SUCCESS", "", record(MMS_UUID, MESSAGE_ID.toString(), "submitted", "", "0.02")));

    assertThat(lookup(byId(MMS_UUID))).isInstanceOfSatisfying(LookupResult.Found.class, f -> {
      assertThat(f.status()).isEqualTo(MessageStatus.SENT);
      assertThat(f.errorCode()).isNull();
    });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void messagesApiStatusSmskitDoesNotTrackIsUnknown() {
    server.enqueue(answer("SUCCESS", "", record(MMS_UUID, MESSAGE_ID.toString(), "deleted", "", "0.02")));

    assertThat(lookup(byId(MMS_UUID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("'deleted'"));
  }

  @Test
  void answerThatNeitherHasTheRecordNorListsTheIdIsUnknown() {
    server.enqueue(answer("SUCCESS", "", record("0A0000000999FFFF", MESSAGE_ID.toString(), "delivered", "0", "1")));

    assertThat(lookup(byId(SMS_ID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("neither has its record"));
  }

  @Test
  void reportsApiNotEnabledForTheAccountIsUnknownWithVonagesWords() {
    server.enqueue(json(403, "{\"type\": \"https://developer.nexmo.com/api-errors#forbidden\", \"title\":"
        + " \"Forbidden\", \"detail\": \"User not authorized to query the requested data.\"}"));

    assertThat(lookup(byId(SMS_ID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("HTTP 403", "not authorized"));
  }

  @Test
  void serverErrorIsUnknown() {
    server.enqueue(json(502, "<html>Bad gateway</html>"));

    assertThat(lookup(byId(SMS_ID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("HTTP 502"));
  }

  @Test
  void timeoutIsUnknownNotAnException() {
    server.enqueue(new MockResponse.Builder(answer("SUCCESS", "")).headersDelay(5, TimeUnit.SECONDS).build());

    assertThat(lookup(byId(SMS_ID), "\"reportsApi\":true,\"readTimeoutMillis\":300")).isInstanceOfSatisfying(
        LookupResult.Unknown.class, u -> assertThat(u.reason()).contains("timed out"));
  }

  @Test
  void malformedJsonIsUnknown() {
    server.enqueue(json(200, "{\"records\": ["));

    assertThat(lookup(byId(SMS_ID))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("not a JSON object"));
  }

  // ---- by client_ref, when no id came back

  @Test
  void withoutAnIdTheWindowIsSearchedForOurClientRefAndTheParts() throws Exception {
    String ref = MESSAGE_ID.toString();
    server.enqueue(answer("SUCCESS", "",
        record("0A0000000123ABCF", "someone-else", "delivered", "0", "0.04"),
        record("0A0000000123ABCE", ref, "accepted", "0", "\"0.03330000\""),   // part 2 of our long SMS
        record("0A0000000123ABCD", ref, "delivered", "0", "\"0.03330000\""))); // part 1

    LookupResult result = lookup(byReference(AFTER));

    assertGet(take(), SMS_QUERY + "&" + WINDOW);
    assertThat(result).isInstanceOfSatisfying(LookupResult.Found.class, f -> {
      assertThat(f.providerMessageId()).isEqualTo("0A0000000123ABCD");
      assertThat(f.status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(f.price()).isEqualTo(new BigDecimal("0.06660000"));
      assertThat(f.rawResponse()).startsWith("[").contains("0A0000000123ABCE").doesNotContain("someone-else");
    });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void truncatedPagesAreFollowedByTheirNextLink() throws Exception {
    String next = RECORDS + "?" + SMS_QUERY + "&" + WINDOW + "&cursor=VwwxWeDs&iv=QnJt";
    server.enqueue(answer("TRUNCATED", ", \"_links\": {\"next\": {\"href\": \"" + server.url(next) + "\"}}",
        record("0A0000000123ABCF", "someone-else", "delivered", "0", "0.04")));
    server.enqueue(answer("SUCCESS", "", record(SMS_ID, MESSAGE_ID.toString(), "delivered", "0", "0.03")));

    LookupResult result = lookup(byReference(AFTER));

    assertGet(take(), SMS_QUERY + "&" + WINDOW);
    assertGet(take(), SMS_QUERY + "&" + WINDOW + "&cursor=VwwxWeDs&iv=QnJt");
    assertThat(result).isInstanceOfSatisfying(LookupResult.Found.class,
        f -> assertThat(f.providerMessageId()).isEqualTo(SMS_ID));
  }

  @Test
  void noRecordAnywhereIsStillUnknownBecauseReportsLag() throws Exception {
    server.enqueue(answer("SUCCESS", "", record("0A0000000123ABCF", "someone-else", "delivered", "0", "0.04")));
    server.enqueue(answer("SUCCESS", ""));

    LookupResult result = lookup(byReference(AFTER));

    assertGet(take(), SMS_QUERY + "&" + WINDOW);
    assertGet(take(), MESSAGES_QUERY + "&" + WINDOW);
    assertThat(result).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("client_ref " + MESSAGE_ID, "proves nothing"));
  }

  @Test
  void mmsIsFoundAmongMessagesApiRecords() {
    server.enqueue(answer("SUCCESS", ""));
    server.enqueue(answer("SUCCESS", "", record(MMS_UUID, MESSAGE_ID.toString(), "delivered", "", "0.02")));

    assertThat(lookup(byReference(AFTER))).isInstanceOfSatisfying(LookupResult.Found.class,
        f -> assertThat(f.providerMessageId()).isEqualTo(MMS_UUID));
  }

  @Test
  void windowLongerThanVonageAllowsIsUnknownWithoutAsking() {
    assertThat(lookup(byReference(BEFORE.minus(Duration.ofHours(24))))).isInstanceOfSatisfying(
        LookupResult.Unknown.class, u -> assertThat(u.reason()).contains("24 hours"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void nextLinkToAnotherHostIsNotFollowedWithOurCredentials() {
    server.enqueue(answer("TRUNCATED", ", \"_links\": {\"next\": {\"href\":"
        + " \"https://evil.example/v2/reports/records?cursor=x\"}}"));

    assertThat(lookup(byReference(AFTER))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("leads away"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void truncatedPageWithoutNextLinkIsUnknown() {
    server.enqueue(answer("TRUNCATED", ""));

    assertThat(lookup(byReference(AFTER))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("_links.next is missing"));
  }

  @Test
  void searchGivesUpAfterTheLastPageItMayRead() {
    for (int i = 0; i <= ReportsApi.MAX_PAGES; i++) {
      server.enqueue(answer("TRUNCATED", ", \"_links\": {\"next\": {\"href\": \"" + server.url(RECORDS + "?"
          + SMS_QUERY + "&cursor=c" + i) + "\"}}"));
    }

    assertThat(lookup(byReference(AFTER))).isInstanceOfSatisfying(LookupResult.Unknown.class,
        u -> assertThat(u.reason()).contains("more than " + ReportsApi.MAX_PAGES + " pages"));
    assertThat(server.getRequestCount()).isEqualTo(ReportsApi.MAX_PAGES);
  }
}
