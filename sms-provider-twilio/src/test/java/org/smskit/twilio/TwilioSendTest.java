package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.API_KEY_SECRET;
import static org.smskit.twilio.Fixtures.API_KEY_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;
import static org.smskit.twilio.Fixtures.MESSAGE_SID;
import static org.smskit.twilio.Fixtures.NOW;
import static org.smskit.twilio.Fixtures.SERVICE_SID;
import static org.smskit.twilio.Fixtures.created;
import static org.smskit.twilio.Fixtures.form;
import static org.smskit.twilio.Fixtures.provider;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;

class TwilioSendTest {
  @StartStop
  private final MockWebServer server = new MockWebServer();

  private static final UUID ID = UUID.fromString("0b7e8c3a-5a44-4c1e-9d57-3f0c2a1b9e10");
  private static final PhoneNumber TO = PhoneNumber.of("+14155550100");
  private static final PhoneNumber FROM = PhoneNumber.of("+14155550199");
  private static final String PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

  private static OutboundMessage message(Address from, String service, String body, List<URI> media, URI callback,
      Map<String, String> options) {
    return OutboundMessage.builder(ID, TO).from(from).messagingServiceSid(service).body(body).mediaUrls(media)
        .statusCallbackUrl(callback).options(options).build();
  }

  private void assertRefusedBeforeAnyCall(OutboundMessage message, String field) {
    try (TwilioProvider twilio = provider(server, "")) {
      assertThatThrownBy(() -> twilio.send(message))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
    assertThat(server.getRequestCount()).isZero();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void smsIsOneFormPostWithBasicAuthToTheAccountsMessagesResource() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(OutboundMessage.sms(ID, FROM, TO, "Your order 42 ships today & arrives Friday: ✓"));
    }

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo(PATH);
    assertThat(request.getUrl().query()).isNull();
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(basic(ACCOUNT_SID, AUTH_TOKEN));
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(request.getBody().utf8()).isEqualTo(
        "To=%2B14155550100&From=%2B14155550199&Body=Your+order+42+ships+today+%26+arrives+Friday%3A+%E2%9C%93");
    assertThat(form(request.getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("From", List.of("+14155550199")),
        entry("Body", List.of("Your order 42 ships today & arrives Friday: ✓")));
  }

  @Test
  void mmsRepeatsMediaUrlOncePerMediaInOrder() throws Exception {
    server.enqueue(created());
    List<URI> media = List.of(URI.create("https://cdn.example.com/invoices/42.png"),
        URI.create("https://cdn.example.com/photos/a.jpg?size=large&v=2"),
        URI.create("https://cdn.example.com/docs/terms.pdf"));
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(FROM, null, "Invoice attached", media, null, Map.of()));
    }

    assertThat(form(server.takeRequest().getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("From", List.of("+14155550199")),
        entry("Body", List.of("Invoice attached")),
        entry("MediaUrl", List.of("https://cdn.example.com/invoices/42.png",
            "https://cdn.example.com/photos/a.jpg?size=large&v=2", "https://cdn.example.com/docs/terms.pdf")));
  }

  @Test
  void mmsWithoutBodySendsNoBodyParameter() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(FROM, null, null, List.of(URI.create("https://cdn.example.com/a.gif")), null, Map.of()));
    }

    assertThat(form(server.takeRequest().getBody())).containsOnlyKeys("To", "From", "MediaUrl");
  }

  @Test
  void moreThanTenMediaIsUnsupportedBeforeAnyCall() {
    List<URI> eleven = java.util.stream.IntStream.range(0, 11)
        .mapToObj(i -> URI.create("https://cdn.example.com/" + i + ".png")).toList();
    try (TwilioProvider twilio = provider(server, "")) {
      assertThatThrownBy(() -> twilio.send(message(FROM, null, "x", eleven, null, Map.of())))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNSUPPORTED);
            assertThat(e.providerCode()).contains("21623");
          });
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void tenMediaAreAccepted() throws Exception {
    server.enqueue(created());
    List<URI> ten = java.util.stream.IntStream.range(0, 10)
        .mapToObj(i -> URI.create("https://cdn.example.com/" + i + ".png")).toList();
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(FROM, null, null, ten, null, Map.of()));
    }
    assertThat(form(server.takeRequest().getBody()).get("MediaUrl")).hasSize(10);
  }

  @Test
  void relativeMediaUrlIsRefusedBeforeAnyCall() {
    assertRefusedBeforeAnyCall(message(FROM, null, "x", List.of(URI.create("/a.png")), null, Map.of()),
        "media_urls");
  }

  @Test
  void messagingServiceSendCarriesTheServiceAndNoFrom() throws Exception {
    server.enqueue(created("accepted", "0", null, null));
    SendResult result;
    try (TwilioProvider twilio = provider(server, "")) {
      result = twilio.send(message(null, SERVICE_SID, "Hi", List.of(), null, Map.of()));
    }

    assertThat(form(server.takeRequest().getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("MessagingServiceSid", List.of(SERVICE_SID)),
        entry("Body", List.of("Hi")));
    assertThat(result.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(result.segments()).as("\"0\" until the service picks a sender").isNull();
  }

  @Test
  void messagingServiceWithSenderPinsTheSenderFromThePool() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(new ShortCode("72345"), SERVICE_SID, "Hi", List.of(), null, Map.of()));
    }
    assertThat(form(server.takeRequest().getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("From", List.of("72345")),
        entry("MessagingServiceSid", List.of(SERVICE_SID)),
        entry("Body", List.of("Hi")));
  }

  @Test
  void malformedMessagingServiceSidIsRefusedBeforeAnyCall() {
    assertRefusedBeforeAnyCall(message(null, "MG123", "Hi", List.of(), null, Map.of()), "messaging_service_sid");
  }

  @Test
  void statusCallbackCarriesOurMessageIdSoLateCallbacksCanBeMatched() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(FROM, null, "Hi", List.of(), URI.create("https://erp.example.com/sms/twilio/status?t=acme"),
          Map.of()));
    }
    assertThat(form(server.takeRequest().getBody()).get("StatusCallback")).containsExactly(
        "https://erp.example.com/sms/twilio/status?t=acme&smskit_message_id=" + ID);
  }

  @Test
  void statusCallbackFromSettingsServesMessagesWithoutOne() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server,
        "\"statusCallbackUrl\":\"https://erp.example.com/hooks/twilio\",\"statusCallbackMessageId\":false")) {
      twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi"));
    }
    assertThat(form(server.takeRequest().getBody()).get("StatusCallback"))
        .containsExactly("https://erp.example.com/hooks/twilio");
  }

  @Test
  void statusCallbackHostWithUnderscoreIsRefusedAsTwilioWould() {
    assertRefusedBeforeAnyCall(message(FROM, null, "Hi", List.of(), URI.create("https://my_host.example.com/status"),
        Map.of()), "status_callback_url");
  }

  @Test
  void settingsDefaultsAndMessageOptionsBecomeOptionalParametersMessageWinning() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "\"validityPeriod\":600,\"smartEncoded\":true,"
        + "\"contentRetention\":\"discard\",\"addressRetention\":\"obfuscate\",\"sendAsMms\":false")) {
      twilio.send(message(FROM, null, "Hi", List.of(), null,
          Map.of("ValidityPeriod", "120", "RiskCheck", "DISABLE", "ProvideFeedback", "true", "Attempt", "2")));
    }
    assertThat(form(server.takeRequest().getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("From", List.of("+14155550199")),
        entry("Body", List.of("Hi")),
        entry("ValidityPeriod", List.of("120")),
        entry("SmartEncoded", List.of("true")),
        entry("SendAsMms", List.of("false")),
        entry("ContentRetention", List.of("discard")),
        entry("AddressRetention", List.of("obfuscate")),
        entry("RiskCheck", List.of("disable")),
        entry("ProvideFeedback", List.of("true")),
        entry("Attempt", List.of("2")));
  }

  @Test
  void scheduledSendGoesThroughTheServiceWithScheduleTypeFixed() throws Exception {
    server.enqueue(created("scheduled", "0", null, null));
    SendResult result;
    try (TwilioProvider twilio = provider(server, "")) {
      result = twilio.send(message(null, SERVICE_SID, "Reminder", List.of(), null,
          Map.of("SendAt", "2030-03-05T09:30:00+01:00")));
    }
    Map<String, List<String>> form = form(server.takeRequest().getBody());
    assertThat(form.get("SendAt")).containsExactly("2030-03-05T08:30:00Z");
    assertThat(form.get("ScheduleType")).containsExactly("fixed");
    assertThat(result.status()).isEqualTo(MessageStatus.SCHEDULED);
  }

  @Test
  void scheduledSendWithoutMessagingServiceIsRefusedBeforeAnyCall() {
    assertRefusedBeforeAnyCall(message(FROM, null, "x", List.of(), null, Map.of("SendAt", "2030-03-05T08:30:00Z")),
        "options.SendAt");
  }

  @Test
  void sendAtOutsideTwilioSchedulingWindowIsRefused() {
    try (TwilioProvider twilio = provider(server, "")) {
      for (Duration ahead : List.of(Duration.ofMinutes(5), Duration.ofDays(35).plusSeconds(1), Duration.ofHours(-1))) {
        assertThatThrownBy(() -> twilio.send(message(null, SERVICE_SID, "x", List.of(), null,
            Map.of("SendAt", NOW.plus(ahead).toString()))))
            .as("%s ahead", ahead)
            .isInstanceOf(InvalidInputException.class);
      }
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void scheduleTypeWithoutSendAtIsRefused() {
    assertRefusedBeforeAnyCall(message(null, SERVICE_SID, "x", List.of(), null, Map.of("ScheduleType", "fixed")),
        "options.ScheduleType");
  }

  @Test
  void shortenUrlsDefaultAppliesOnlyToMessagingServiceSends() throws Exception {
    server.enqueue(created());
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "\"shortenUrls\":true")) {
      twilio.send(message(null, SERVICE_SID, "See https://example.com/a", List.of(), null, Map.of()));
      twilio.send(message(FROM, null, "See https://example.com/a", List.of(), null, Map.of()));
    }
    assertThat(form(server.takeRequest().getBody()).get("ShortenUrls")).containsExactly("true");
    assertThat(form(server.takeRequest().getBody())).doesNotContainKey("ShortenUrls");
  }

  @Test
  void shortenUrlsOnAMessageWithoutServiceIsRefused() {
    assertRefusedBeforeAnyCall(message(FROM, null, "x", List.of(), null, Map.of("ShortenUrls", "true")),
        "options.ShortenUrls");
  }

  @Test
  void unknownOrCoreOptionsAndBadValuesAreRefusedBeforeAnyCall() {
    try (TwilioProvider twilio = provider(server, "")) {
      for (Map<String, String> options : List.of(Map.of("MaxPrice", "0.5"), Map.of("Body", "other"),
          Map.of("ValidityPeriod", "0"), Map.of("ValidityPeriod", "36001"), Map.of("SmartEncoded", "yes"),
          Map.of("ContentRetention", "forever"), Map.of("ContentVariables", "[1]"), Map.of("ApplicationSid", "AP1"),
          Map.of("SendAt", "tomorrow"))) {
        assertThatThrownBy(() -> twilio.send(message(null, SERVICE_SID, "x", List.of(), null, options)))
            .as("%s", options)
            .isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).startsWith("options."));
      }
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void templateParametersPassThrough() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.send(message(null, SERVICE_SID, "fallback", List.of(), null, Map.of(
          "ContentSid", "HXabcdefabcdefabcdefabcdefabcdefab", "ContentVariables", "{\"1\":\"Ada\"}")));
    }
    Map<String, List<String>> form = form(server.takeRequest().getBody());
    assertThat(form.get("ContentSid")).containsExactly("HXabcdefabcdefabcdefabcdefabcdefab");
    assertThat(form.get("ContentVariables")).containsExactly("{\"1\":\"Ada\"}");
  }

  @Test
  void apiKeyAuthenticatesWithTheKeyAndAddressesTheAccountFromSettings() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = new TwilioProviderFactory().create(
        Fixtures.config(API_KEY_SID, API_KEY_SECRET, server, "\"accountSid\":\"" + ACCOUNT_SID + "\""))) {
      assertThat(twilio.accountSid()).isEqualTo(ACCOUNT_SID);
      twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi"));
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo(PATH);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(basic(API_KEY_SID, API_KEY_SECRET));
  }

  @Test
  void apiKeyFromSecretSettingsAuthenticatesWhileTheAccountStaysInThePath() throws Exception {
    server.enqueue(created());
    try (TwilioProvider twilio = new TwilioProviderFactory().create(Fixtures.config(ACCOUNT_SID, AUTH_TOKEN, server,
        Fixtures.API_KEY_SETTING, Fixtures.API_KEY_SECRETS))) {
      twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi"));
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo(PATH);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(basic(API_KEY_SID, API_KEY_SECRET));
  }

  @Test
  void responseBecomesSendResultWithSidStatusSegmentsAndPositivePrice() {
    server.enqueue(created("sent", "3", "-0.02370", "usd"));
    SendResult result;
    try (TwilioProvider twilio = provider(server, "")) {
      result = twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi"));
    }
    assertThat(result.providerMessageId()).isEqualTo(MESSAGE_SID);
    assertThat(result.partIds()).containsExactly(MESSAGE_SID);
    assertThat(result.status()).isEqualTo(MessageStatus.SENT);
    assertThat(result.segments()).isEqualTo(3);
    assertThat(result.price()).isEqualByComparingTo(new BigDecimal("0.02370"));
    assertThat(result.priceCurrency()).isEqualTo("USD");
    assertThat(result.rawResponse()).contains("\"sid\": \"" + MESSAGE_SID + "\"");
  }

  @Test
  void queuedResponseWithoutPriceHasNoPriceOrCurrency() {
    server.enqueue(created("queued", "1", null, "USD"));
    SendResult result;
    try (TwilioProvider twilio = provider(server, "")) {
      result = twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi"));
    }
    assertThat(result.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(result.segments()).isEqualTo(1);
    assertThat(result.price()).isNull();
    assertThat(result.priceCurrency()).isNull();
  }

  @Test
  void statusTwilioMayAddLaterIsRecordedAsSending() {
    server.enqueue(created("warp_speed", "1", null, null));
    try (TwilioProvider twilio = provider(server, "")) {
      assertThat(twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi")).status()).isEqualTo(MessageStatus.SENDING);
    }
  }

  @Test
  void acceptedAnswerWithoutSidIsOutcomeUnknown() {
    server.enqueue(new MockResponse.Builder().code(201).body("<html>proxy says hi</html>").build());
    try (TwilioProvider twilio = provider(server, "")) {
      assertThatThrownBy(() -> twilio.send(OutboundMessage.sms(ID, FROM, TO, "Hi")))
          .isInstanceOfSatisfying(ProviderException.class,
              e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN));
    }
  }

  @Test
  void regionAndEdgeSettingsPickTwilioRegionalHost() {
    assertThat(TwilioSettings.parse("{\"region\":\"ie1\",\"edge\":\"dublin\"}").baseUrl())
        .hasToString("https://api.dublin.ie1.twilio.com/");
    assertThat(TwilioSettings.parse("{\"edge\":\"sydney\"}").baseUrl())
        .hasToString("https://api.sydney.us1.twilio.com/");
    assertThat(TwilioSettings.parse("{\"region\":\"au1\"}").baseUrl()).hasToString("https://api.au1.twilio.com/");
    assertThat(TwilioSettings.parse("{}").baseUrl()).hasToString("https://api.twilio.com/");
  }

  @Test
  void providerOptionsSendTheTypedValidityInSecondsAndTwiliosRawParametersOnly() throws Exception {
    server.enqueue(created());
    ProviderOptions options = ProviderOptions.builder().validity(java.time.Duration.ofMinutes(10))
        .raw("twilio", "ContentSid", "HX" + "0123456789abcdef".repeat(2))
        .raw("twilio", "ContentVariables", "{\"1\":\"Ada\"}")
        .raw("vonage", "entity-id", "ignored-here").build();
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.validateOptions(options);
      twilio.send(options.applyTo(message(FROM, null, "Hi", List.of(), null, Map.of()), twilio.name()));
    }
    assertThat(form(server.takeRequest().getBody())).containsExactly(
        entry("To", List.of("+14155550100")),
        entry("From", List.of("+14155550199")),
        entry("Body", List.of("Hi")),
        entry("ValidityPeriod", List.of("600")),
        entry("ContentSid", List.of("HX" + "0123456789abcdef".repeat(2))),
        entry("ContentVariables", List.of("{\"1\":\"Ada\"}")));
  }

  @Test
  void validateOptionsNamesTheOptionItRefuses() {
    Map<ProviderOptions, String> refused = new java.util.LinkedHashMap<>();
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofSeconds(36_001)).build(), "options.validity");
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofMillis(1500)).build(), "options.validity");
    refused.put(ProviderOptions.builder().raw("twilio", "ValidityPeriod", "0").build(), "options.ValidityPeriod");
    refused.put(ProviderOptions.builder().validity(java.time.Duration.ofMinutes(1))
        .raw("twilio", "ValidityPeriod", "60").build(), "options.ValidityPeriod");
    refused.put(ProviderOptions.builder().raw("twilio", "Foo", "1").build(), "options.Foo");
    refused.put(ProviderOptions.builder().raw("twilio", "To", "+14155550111").build(), "options.To");
    refused.put(ProviderOptions.builder().raw("twilio", "StatusCallback", "https://x.example").build(),
        "options.StatusCallback");
    refused.put(ProviderOptions.builder().raw("twilio", "SendAt", "2030-01-01T00:00:00Z").build(), "options.SendAt");
    refused.put(ProviderOptions.builder().raw("twilio", "ContentSid", "nope").build(), "options.ContentSid");
    try (TwilioProvider twilio = provider(server, "")) {
      twilio.validateOptions(ProviderOptions.builder().validity(java.time.Duration.ofSeconds(36_000))
          .raw("vonage", "Foo", "not Twilio's").build());
      refused.forEach((options, field) -> assertThatThrownBy(() -> twilio.validateOptions(options))
          .as("%s", options)
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field)));
    }
    assertThat(server.getRequestCount()).isZero();
  }
}
