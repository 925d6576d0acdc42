package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.status.MessageStatus;

/**
 * The SPI records' builders: each refuses a missing required value as the record does, applies the defaults it
 * documents, and builds what the canonical constructor builds from the same values.
 */
class SpiBuildersTest {
  private static final UUID ID = UUID.fromString("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
  private static final Address US = PhoneNumber.of("+14155550100");
  private static final Address THEM = PhoneNumber.of("+14155550101");
  private static final Instant AT = Instant.parse("2030-03-04T10:00:00Z");
  private static final Instant LATER = AT.plusSeconds(30);
  private static final URI CAT = URI.create("https://cdn.example/cat.jpg");
  private static final URI HOOK = URI.create("https://sms.example.com/hooks/status");

  private static void refused(ThrowingCallable build, String field) {
    assertThatThrownBy(build).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void outboundMessageRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> OutboundMessage.builder(null, THEM).from(US).body("hi").build(), "message_id");
    refused(() -> OutboundMessage.builder(ID, null).from(US).body("hi").build(), "to_number");
    refused(() -> OutboundMessage.builder(ID, THEM).body("hi").build(), "from_number");
    refused(() -> OutboundMessage.builder(ID, THEM).from(US).build(), "body");
    refused(() -> OutboundMessage.builder(ID, THEM).from(US).body("hi").mediaUrls(null).build(), "media_urls");
    refused(() -> OutboundMessage.builder(ID, THEM).from(US).body("hi").options(null).build(), "options");
  }

  @Test
  void outboundMessageDefaultsToNoServiceMediaCallbackOrOptions() {
    OutboundMessage message = OutboundMessage.builder(ID, THEM).from(US).body("hi").build();
    assertThat(message).isEqualTo(new OutboundMessage(ID, THEM, US, null, "hi", List.of(), null, Map.of(), null))
        .isEqualTo(OutboundMessage.sms(ID, US, THEM, "hi"));
  }

  @Test
  void outboundMessageBuildsWhatTheConstructorBuildsAndCopiesThroughToBuilder() {
    OutboundMessage full = OutboundMessage.builder(ID, THEM).from(new ShortCode("72345")).messagingServiceSid("MG1")
        .body("look").mediaUrls(List.of(CAT)).statusCallbackUrl(HOOK).options(Map.of("ValidityPeriod", "600"))
        .validity(java.time.Duration.ofMinutes(5)).build();
    assertThat(full).isEqualTo(new OutboundMessage(ID, THEM, new ShortCode("72345"), "MG1", "look", List.of(CAT),
        HOOK, Map.of("ValidityPeriod", "600"), java.time.Duration.ofMinutes(5)));
    assertThat(full.toBuilder().build()).isEqualTo(full);
    assertThat(full.toBuilder().to(US).build()).isEqualTo(new OutboundMessage(ID, US, new ShortCode("72345"), "MG1",
        "look", List.of(CAT), HOOK, Map.of("ValidityPeriod", "600"), java.time.Duration.ofMinutes(5)));
  }

  @Test
  void sendResultRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> SendResult.builder(null, MessageStatus.SENDING).build(), "provider_message_sid");
    refused(() -> SendResult.builder("SM1", null).build(), "status");
    refused(() -> SendResult.builder("SM1", MessageStatus.SENDING).rawResponse(null).build(), "provider_payload");
    refused(() -> SendResult.builder("SM1", MessageStatus.SENDING).partIds(null), "part_ids");
  }

  @Test
  void sendResultDefaultsToOnePartNamedByItsIdAndAnEmptyResponse() {
    assertThat(SendResult.builder("SM1", MessageStatus.SENDING).build())
        .isEqualTo(new SendResult("SM1", MessageStatus.SENDING, null, null, null, List.of("SM1"), ""));
  }

  @Test
  void sendResultBuildsWhatTheConstructorBuilds() {
    assertThat(SendResult.builder("p1", MessageStatus.SENT).segments(2).price(new BigDecimal("0.0150"))
        .priceCurrency("EUR").partIds(List.of("p1", "p2")).rawResponse("{\"messages\":[]}").build())
        .isEqualTo(new SendResult("p1", MessageStatus.SENT, 2, new BigDecimal("0.0150"), "EUR", List.of("p1", "p2"),
            "{\"messages\":[]}"));
  }

  @Test
  void statusUpdateRefusesMissingValuesByTheRecordsFieldNames() {
    MessageStatus sent = MessageStatus.SENT;
    refused(() -> StatusUpdateEvent.builder(null, "SM1", sent, "sent", AT).build(), "provider");
    refused(() -> StatusUpdateEvent.builder("twilio", null, sent, "sent", AT).build(), "provider_message_sid");
    refused(() -> StatusUpdateEvent.builder("twilio", "SM1", null, "sent", AT).build(), "status");
    refused(() -> StatusUpdateEvent.builder("twilio", "SM1", sent, null, AT).build(), "provider_status");
    refused(() -> StatusUpdateEvent.builder("twilio", "SM1", sent, "sent", null).build(), "occurred_at");
    refused(() -> StatusUpdateEvent.builder("twilio", "SM1", sent, "sent", AT).rawPayload(null).build(),
        "provider_payload");
  }

  @Test
  void statusUpdateDefaultsToNoReferenceNoErrorAndAnEmptyPayload() {
    assertThat(StatusUpdateEvent.builder("twilio", "SM1", MessageStatus.SENT, "sent", AT).build())
        .isEqualTo(new StatusUpdateEvent("twilio", "SM1", null, MessageStatus.SENT, "sent", null, AT, ""));
  }

  @Test
  void statusUpdateBuildsWhatTheConstructorBuilds() {
    assertThat(StatusUpdateEvent.builder("twilio", "SM1", MessageStatus.UNDELIVERED, "undelivered", AT).messageId(ID)
        .errorCode("30003").rawPayload("MessageSid=SM1").build())
        .isEqualTo(new StatusUpdateEvent("twilio", "SM1", ID, MessageStatus.UNDELIVERED, "undelivered", "30003", AT,
            "MessageSid=SM1"));
  }

  @Test
  void inboundMessageRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> InboundMessageEvent.builder(null, "SM1", THEM, US, AT).build(), "provider");
    refused(() -> InboundMessageEvent.builder("twilio", null, THEM, US, AT).build(), "provider_message_sid");
    refused(() -> InboundMessageEvent.builder("twilio", "SM1", null, US, AT).build(), "from_number");
    refused(() -> InboundMessageEvent.builder("twilio", "SM1", THEM, null, AT).build(), "to_number");
    refused(() -> InboundMessageEvent.builder("twilio", "SM1", THEM, US, null).build(), "received_at");
    refused(() -> InboundMessageEvent.builder("twilio", "SM1", THEM, US, AT).media(null).build(), "media");
    refused(() -> InboundMessageEvent.builder("twilio", "SM1", THEM, US, AT).rawPayload(null).build(),
        "provider_payload");
  }

  @Test
  void inboundMessageDefaultsToNoBodyMediaServiceOrOptOutAndAnEmptyPayload() {
    assertThat(InboundMessageEvent.builder("twilio", "SM1", THEM, US, AT).build())
        .isEqualTo(new InboundMessageEvent("twilio", "SM1", THEM, US, null, List.of(), null, null, AT, ""));
  }

  @Test
  void inboundMessageBuildsWhatTheConstructorBuilds() {
    List<InboundMedia> media = List.of(new InboundMedia(CAT.toString(), "image/jpeg", "ME1"));
    assertThat(InboundMessageEvent.builder("twilio", "SM1", THEM, US, AT).body("STOP").media(media)
        .messagingServiceSid("MG1").optOutType(OptOutType.STOP).rawPayload("Body=STOP").build())
        .isEqualTo(new InboundMessageEvent("twilio", "SM1", THEM, US, "STOP", media, "MG1", OptOutType.STOP, AT,
            "Body=STOP"));
  }

  @Test
  void providerConfigRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> ProviderConfig.builder().settingsJson(null).build(), "settings");
    refused(() -> ProviderConfig.builder().clock(null).build(), "clock");
    refused(() -> ProviderConfig.builder().secrets(null).build(), "secrets");
  }

  @Test
  void providerConfigDefaultsToEmptySettingsOnTheSystemClock() {
    assertThat(ProviderConfig.builder().build())
        .isEqualTo(new ProviderConfig(null, null, "{}", Clock.systemUTC(), Map.of()));
    assertThat(ProviderConfig.builder().accountSid("AC1").authToken(Secret.of("t")).settingsJson("{\"a\":1}").build())
        .isEqualTo(ProviderConfig.of("AC1", Secret.of("t"), "{\"a\":1}"));
  }

  @Test
  void providerConfigBuildsWhatTheConstructorBuildsAndCopiesThroughToBuilder() {
    Clock fixed = Clock.fixed(AT, ZoneOffset.UTC);
    ProviderConfig config = ProviderConfig.builder().accountSid("AC1").authToken(Secret.of("t")).settingsJson("{}")
        .clock(fixed).secrets(Map.of("apiKeySecret", Secret.of("s"))).build();
    assertThat(config).isEqualTo(new ProviderConfig("AC1", Secret.of("t"), "{}", fixed,
        Map.of("apiKeySecret", Secret.of("s"))));
    assertThat(config.toBuilder().build()).isEqualTo(config);
    assertThat(config.toBuilder().settingsJson("{\"b\":2}").build()).isEqualTo(
        new ProviderConfig("AC1", Secret.of("t"), "{\"b\":2}", fixed, Map.of("apiKeySecret", Secret.of("s"))));
  }

  @Test
  void lookupRequestRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> LookupRequest.builder(null, THEM, AT, LATER).build(), "message_id");
    refused(() -> LookupRequest.builder(ID, null, AT, LATER).build(), "to_number");
    refused(() -> LookupRequest.builder(ID, THEM, null, LATER).build(), "sent_after");
    refused(() -> LookupRequest.builder(ID, THEM, AT, null).build(), "sent_before");
  }

  @Test
  void lookupRequestDefaultsToNoProviderIdSenderOrBody() {
    assertThat(LookupRequest.builder(ID, THEM, AT, LATER).build())
        .isEqualTo(new LookupRequest(ID, null, THEM, null, null, AT, LATER));
  }

  @Test
  void lookupRequestBuildsWhatTheConstructorBuildsAndCopiesThroughToBuilder() {
    LookupRequest request = LookupRequest.builder(ID, THEM, AT, LATER).providerMessageId("SM1").from(US).body("hi")
        .build();
    assertThat(request).isEqualTo(new LookupRequest(ID, "SM1", THEM, US, "hi", AT, LATER));
    assertThat(request.toBuilder().build()).isEqualTo(request);
    assertThat(request.toBuilder().sentBefore(LATER.plusSeconds(60)).build())
        .isEqualTo(new LookupRequest(ID, "SM1", THEM, US, "hi", AT, LATER.plusSeconds(60)));
  }

  @Test
  void foundRefusesMissingValuesByTheRecordsFieldNames() {
    refused(() -> LookupResult.Found.builder(null, MessageStatus.SENT, "sent").build(), "provider_message_sid");
    refused(() -> LookupResult.Found.builder("SM1", null, "sent").build(), "status");
    refused(() -> LookupResult.Found.builder("SM1", MessageStatus.SENT, null).build(), "provider_status");
    refused(() -> LookupResult.Found.builder("SM1", MessageStatus.SENT, "sent").rawResponse(null).build(),
        "provider_payload");
  }

  @Test
  void foundDefaultsToNoErrorOrPriceAndAnEmptyResponse() {
    assertThat(LookupResult.Found.builder("SM1", MessageStatus.SENT, "sent").build())
        .isEqualTo(new LookupResult.Found("SM1", MessageStatus.SENT, "sent", null, null, null, ""));
  }

  @Test
  void foundBuildsWhatTheConstructorBuilds() {
    assertThat(LookupResult.Found.builder("SM1", MessageStatus.FAILED, "failed").errorCode("30003")
        .price(new BigDecimal("0.0079")).priceCurrency("USD").rawResponse("{\"sid\":\"SM1\"}").build())
        .isEqualTo(new LookupResult.Found("SM1", MessageStatus.FAILED, "failed", "30003", new BigDecimal("0.0079"),
            "USD", "{\"sid\":\"SM1\"}"));
  }

  @Test
  void capabilitiesDefaultToPlainTextOnlyAndKeepTheMediaRule() {
    assertThat(ProviderCapabilities.builder().build()).isEqualTo(new ProviderCapabilities(false, false, false, 0));
    assertThat(ProviderCapabilities.builder().mms(true).unicode(true).messagingServices(true).maxMediaPerMessage(10)
        .build()).isEqualTo(new ProviderCapabilities(true, true, true, 10));
    assertThatThrownBy(() -> ProviderCapabilities.builder().maxMediaPerMessage(1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProviderCapabilities.builder().mms(true).maxMediaPerMessage(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void providerOptionsKeepEachProvidersParametersAndApplyOnlyTheChosenOnes() {
    ProviderOptions options = ProviderOptions.builder().validity(java.time.Duration.ofMinutes(10))
        .raw("twilio", "ContentSid", "HX1").raw("vonage", Map.of("entity-id", "E1")).build();
    assertThat(options.raw("twilio")).isEqualTo(Map.of("ContentSid", "HX1"));
    assertThat(options.raw("other")).isEmpty();
    assertThat(ProviderOptions.NONE.isEmpty()).isTrue();
    OutboundMessage message = options.applyTo(OutboundMessage.builder(ID, THEM).from(US).body("hi")
        .options(Map.of("stale", "x")).build(), "vonage");
    assertThat(message.options()).isEqualTo(Map.of("entity-id", "E1"));
    assertThat(message.validity()).isEqualTo(java.time.Duration.ofMinutes(10));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProviderOptions.builder().raw("Twilio", "A", "b").build())
        .isInstanceOf(org.smskit.core.InvalidInputException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProviderOptions.builder()
        .validity(java.time.Duration.ZERO).build())
        .isInstanceOfSatisfying(org.smskit.core.InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("options.validity"));
  }
}
