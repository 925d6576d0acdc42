package org.smskit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.twilio.Fixtures.ACCOUNT_SID;
import static org.smskit.twilio.Fixtures.API_KEY_SECRET;
import static org.smskit.twilio.Fixtures.API_KEY_SID;
import static org.smskit.twilio.Fixtures.AUTH_TOKEN;
import static org.smskit.twilio.Fixtures.NOW;
import static org.smskit.twilio.Fixtures.SERVICE_SID;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.OptOutType;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

class TwilioWebhookTest {
  private static final URI INBOUND_URL = URI.create("https://erp.example.com/sms/twilio/inbound");
  private static final WebhookContext CONTEXT = new WebhookContext((provider, key, part, total, payload, expires) -> {
    throw new AssertionError("Twilio delivers inbound messages whole");
  });
  private static final String MMS_SID = "MM5ef8732a3c49700934481addd5ce1659";
  private static final String MEDIA_0 = "ME2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d";
  private static final String MEDIA_1 = "ME9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c";
  private static final String MEDIA_2 = "MEaaaabbbbccccddddeeeeffff00001111";

  private static TwilioProvider twilio(String settings) {
    return new TwilioProviderFactory().create(
        Fixtures.account(ACCOUNT_SID, AUTH_TOKEN).settingsJson("{" + settings + "}").build());
  }

  /** A form POST to {@code url} signed the way Twilio signs it. */
  private static WebhookRequest signed(URI url, Map<String, List<String>> params) {
    String signature = TwilioSignature.sign(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), url.toString(), params);
    return WebhookRequest.form(url, Map.of("X-Twilio-Signature", signature, "I-Twilio-Idempotency-Token",
        UUID.randomUUID().toString()), params);
  }

  private static Map<String, String> signatureOf(WebhookRequest genuine) {
    return Map.of("X-Twilio-Signature", genuine.header("X-Twilio-Signature").orElseThrow());
  }

  /** What Twilio posts for an SMS to a number in a messaging service (captured field set). */
  private static Map<String, List<String>> inboundSms() {
    return Fixtures.params("ToCountry", "US", "ToState", "CA", "SmsMessageSid", MMS_SID.replace("MM", "SM"),
        "NumMedia", "0", "ToCity", "", "FromZip", "94105", "SmsSid", MMS_SID.replace("MM", "SM"), "FromState", "CA",
        "SmsStatus", "received", "FromCity", "SAN FRANCISCO", "Body", "Is my order ready? 😀", "FromCountry", "US",
        "To", "+14155550199", "MessagingServiceSid", SERVICE_SID, "ToZip", "", "NumSegments", "1",
        "ReferralNumMedia", "0", "MessageSid", MMS_SID.replace("MM", "SM"), "AccountSid", ACCOUNT_SID,
        "From", "+14155550100", "ApiVersion", "2010-04-01");
  }

  private static Map<String, List<String>> inboundMms() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    String base = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + MMS_SID + "/Media/";
    p.put("NumMedia", List.of("3"));
    p.put("Body", List.of(""));
    p.put("MessageSid", List.of(MMS_SID));
    p.put("SmsMessageSid", List.of(MMS_SID));
    p.put("SmsSid", List.of(MMS_SID));
    p.put("MediaContentType0", List.of("image/jpeg"));
    p.put("MediaUrl0", List.of(base + MEDIA_0));
    p.put("MediaContentType1", List.of("video/mp4"));
    p.put("MediaUrl1", List.of(base + MEDIA_1));
    p.put("MediaContentType2", List.of("text/vcard"));
    p.put("MediaUrl2", List.of(base + MEDIA_2));
    return p;
  }

  private static Map<String, List<String>> statusCallback(String status, String errorCode) {
    Map<String, List<String>> p = Fixtures.params("SmsSid", Fixtures.MESSAGE_SID, "SmsStatus", status,
        "MessageStatus", status, "To", "+14155550100", "MessagingServiceSid", SERVICE_SID,
        "MessageSid", Fixtures.MESSAGE_SID, "AccountSid", ACCOUNT_SID, "From", "+14155550199",
        "ApiVersion", "2010-04-01");
    if (errorCode != null) {
      p.put("ErrorCode", List.of(errorCode));
    }
    return p;
  }

  @Test
  void inboundSmsBecomesAnInboundMessageEventWithEveryField() {
    WebhookRequest request = signed(INBOUND_URL, inboundSms());
    WebhookEvent event = twilio("").parseWebhook(request, CONTEXT);

    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class, e -> {
      assertThat(e.provider()).isEqualTo("twilio");
      assertThat(e.providerMessageId()).isEqualTo(MMS_SID.replace("MM", "SM"));
      assertThat(e.from()).isEqualTo(PhoneNumber.of("+14155550100"));
      assertThat(e.to()).isEqualTo(PhoneNumber.of("+14155550199"));
      assertThat(e.body()).isEqualTo("Is my order ready? 😀");
      assertThat(e.media()).isEmpty();
      assertThat(e.messagingServiceSid()).isEqualTo(SERVICE_SID);
      assertThat(e.optOut()).isEmpty();
      assertThat(e.receivedAt()).isEqualTo(NOW);
      assertThat(e.rawPayload()).isEqualTo(request.bodyText());
    });
  }

  @Test
  void inboundMmsKeepsEveryMediaWithItsTypeAndTwilioMediaSid() {
    WebhookEvent event = twilio("").parseWebhook(signed(INBOUND_URL, inboundMms()), CONTEXT);

    String base = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + MMS_SID + "/Media/";
    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class, e -> {
      assertThat(e.providerMessageId()).isEqualTo(MMS_SID);
      assertThat(e.body()).as("empty Body of a picture-only MMS").isNull();
      assertThat(e.media()).containsExactly(
          new InboundMedia(base + MEDIA_0, "image/jpeg", MEDIA_0),
          new InboundMedia(base + MEDIA_1, "video/mp4", MEDIA_1),
          new InboundMedia(base + MEDIA_2, "text/vcard", MEDIA_2));
    });
  }

  @Test
  void mediaMissingFromWhatNumMediaAnnouncesIsRefused() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundMms());
    p.remove("MediaUrl2");
    assertThatThrownBy(() -> twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("MediaUrl2"));
  }

  @Test
  void mediaUrlThatIsNotTwilioMediaHasNoMediaSid() {
    assertThat(TwilioWebhooks.mediaSid("https://cdn.example.com/pic.jpg")).isNull();
    assertThat(TwilioWebhooks.mediaSid("https://api.twilio.com/x/Media/" + MEDIA_0 + "?a=1")).isEqualTo(MEDIA_0);
  }

  @ParameterizedTest(name = "OptOutType {0} is {1}")
  @CsvSource({"STOP, STOP", "START, START", "HELP, HELP", "stop, STOP"})
  void twilioOptOutTypeBecomesTheSpiOptOutSignal(String twilio, OptOutType expected) {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.put("Body", List.of(twilio));
    p.put("OptOutType", List.of(twilio));

    InboundMessageEvent event = (InboundMessageEvent) twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT);
    assertThat(event.optOut()).contains(expected);
  }

  @Test
  void unknownOptOutTypeIsIgnored() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.put("OptOutType", List.of("PAUSE"));
    InboundMessageEvent event = (InboundMessageEvent) twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT);
    assertThat(event.optOut()).isEmpty();
  }

  @Test
  void inboundFromShortCodeKeepsItsKind() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.put("From", List.of("72345"));
    InboundMessageEvent event = (InboundMessageEvent) twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT);
    assertThat(event.from()).isEqualTo(new ShortCode("72345"));
  }

  @ParameterizedTest(name = "Twilio {0} is {1}")
  @CsvSource({"accepted, SENDING", "queued, SENDING", "sending, SENDING", "sent, SENT", "delivered, DELIVERED",
      "undelivered, UNDELIVERED", "failed, FAILED", "read, READ", "canceled, CANCELED", "scheduled, SCHEDULED",
      "partially_delivered, SENT"})
  void statusCallbackMapsTwilioStatusOntoOurs(String twilio, MessageStatus expected) {
    WebhookEvent event = twilio("").parseWebhook(signed(INBOUND_URL, statusCallback(twilio, null)), CONTEXT);

    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.providerMessageId()).isEqualTo(Fixtures.MESSAGE_SID);
      assertThat(e.status()).isEqualTo(expected);
      assertThat(e.providerStatus()).isEqualTo(twilio);
      assertThat(e.errorCode()).isNull();
      assertThat(e.occurredAt()).isEqualTo(NOW);
    });
  }

  @Test
  void undeliveredCallbackCarriesErrorCodeAndTheMessageIdFromItsUrl() {
    UUID id = UUID.fromString("0b7e8c3a-5a44-4c1e-9d57-3f0c2a1b9e10");
    URI url = URI.create("https://erp.example.com/sms/twilio/status?t=acme&smskit_message_id=" + id);
    Map<String, List<String>> p = statusCallback("undelivered", "30003");
    p.put("RawDlrDoneDate", List.of("3003041002"));
    WebhookRequest request = signed(url, p);

    StatusUpdateEvent event = (StatusUpdateEvent) twilio("").parseWebhook(request, CONTEXT);

    assertThat(event.status()).isEqualTo(MessageStatus.UNDELIVERED);
    assertThat(event.errorCode()).isEqualTo("30003");
    assertThat(event.clientReference()).contains(id);
    assertThat(event.rawPayload()).isEqualTo(request.bodyText());
  }

  @Test
  void receivedOrReceivingOnAStatusCallbackIsAcknowledgedWithoutAnEvent() {
    for (String status : List.of("received", "receiving", "a_status_from_the_future")) {
      WebhookEvent event = twilio("").parseWebhook(signed(INBOUND_URL, statusCallback(status, null)), CONTEXT);
      assertThat(event).as(status).isInstanceOf(WebhookEvent.Acknowledged.class);
      assertThat(event.provider()).isEqualTo("twilio");
    }
  }

  @Test
  void twilioPublishedExamplePassesVerificationThroughTheProvider() {
    TwilioProvider twilio = new TwilioProviderFactory().create(Fixtures.account(ACCOUNT_SID, "12345").build());
    Map<String, List<String>> params = Fixtures.params("CallSid", "CA1234567890ABCDE", "Caller", "+14158675309",
        "Digits", "1234", "From", "+14158675309", "To", "+18005551212");
    URI url = URI.create("https://mycompany.com/myapp.php?foo=1&bar=2");
    WebhookRequest genuine = WebhookRequest.form(url, Map.of("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        params);

    // A voice request has no MessageSid: verification passed, reading the message did not.
    assertThatThrownBy(() -> twilio.parseWebhook(genuine, CONTEXT))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("MessageSid"));

    Map<String, List<String>> tampered = new LinkedHashMap<>(params);
    tampered.put("Digits", List.of("9999"));
    assertThatThrownBy(() -> twilio.parseWebhook(WebhookRequest.form(url,
        Map.of("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), tampered), CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void tamperedParameterIsRejectedWithoutAnEvent() {
    WebhookRequest genuine = signed(INBOUND_URL, inboundSms());
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.put("Body", List.of("Send the refund to my other account"));
    WebhookRequest tampered = WebhookRequest.form(INBOUND_URL,
        signatureOf(genuine), p);

    assertThatThrownBy(() -> twilio("").parseWebhook(tampered, CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class, e -> {
          assertThat(e.provider()).isEqualTo("twilio");
          assertThat(e.getMessage()).doesNotContain(AUTH_TOKEN).doesNotContain("+14155550100");
        });
  }

  @Test
  void addedParameterIsRejected() {
    WebhookRequest genuine = signed(INBOUND_URL, inboundSms());
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.put("OptOutType", List.of("STOP"));
    WebhookRequest tampered = WebhookRequest.form(INBOUND_URL,
        signatureOf(genuine), p);
    assertThatThrownBy(() -> twilio("").parseWebhook(tampered, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void signatureForAnotherUrlIsRejected() {
    WebhookRequest genuine = signed(INBOUND_URL, inboundSms());
    WebhookRequest moved = WebhookRequest.form(URI.create("https://erp.example.com/sms/twilio/status"),
        signatureOf(genuine), inboundSms());
    assertThatThrownBy(() -> twilio("").parseWebhook(moved, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void signatureMadeWithAnotherTokenIsRejected() {
    String forged = TwilioSignature.sign("0000000000000000000000000000000".getBytes(StandardCharsets.UTF_8),
        INBOUND_URL.toString(), inboundSms());
    WebhookRequest request = WebhookRequest.form(INBOUND_URL, Map.of("X-Twilio-Signature", forged), inboundSms());
    assertThatThrownBy(() -> twilio("").parseWebhook(request, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void missingSignatureIsRejected() {
    WebhookRequest request = WebhookRequest.form(INBOUND_URL, Map.of(), inboundSms());
    assertThatThrownBy(() -> twilio("").parseWebhook(request, CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.getMessage()).contains("X-Twilio-Signature"));
  }

  @Test
  void behindAProxyTheReceivedUrlFailsUntilThePublicBaseUrlIsConfigured() {
    URI publicUrl = URI.create("https://sms.example.com/erp/hooks/twilio?tenant=acme");
    URI received = URI.create("http://10.0.3.7:8080/hooks/twilio?tenant=acme"); // TLS ended, prefix stripped
    Map<String, List<String>> params = statusCallback("delivered", null);
    String signature = signed(publicUrl, params).header("X-Twilio-Signature").orElseThrow();
    WebhookRequest asReceived = WebhookRequest.form(received, Map.of("X-Twilio-Signature", signature), params);

    assertThatThrownBy(() -> twilio("").parseWebhook(asReceived, CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.getMessage()).contains("http://10.0.3.7:8080/hooks/twilio"));
    assertThat(twilio("\"publicWebhookBaseUrl\":\"https://sms.example.com/erp/\"").parseWebhook(asReceived, CONTEXT))
        .isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void publicBaseUrlReplacesSchemeHostAndPortAndPrefixesItsPath() {
    URI received = URI.create("http://localhost:8080/hooks/twilio?a=%27x%27&b=1");
    assertThat(TwilioWebhooks.publicUrl(received, URI.create("https://sms.example.com")))
        .hasToString("https://sms.example.com/hooks/twilio?a=%27x%27&b=1");
    assertThat(TwilioWebhooks.publicUrl(received, URI.create("https://sms.example.com:8443/erp/")))
        .hasToString("https://sms.example.com:8443/erp/hooks/twilio?a=%27x%27&b=1");
    assertThat(TwilioWebhooks.publicUrl(received, null)).isSameAs(received);
  }

  @Test
  void jsonBodyVariantVerifiesUrlSignatureAndBodyHash() {
    String body = "{\"MessageSid\":\"" + Fixtures.MESSAGE_SID + "\",\"MessageStatus\":\"delivered\","
        + "\"AccountSid\":\"" + ACCOUNT_SID + "\",\"ErrorCode\":null}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    URI url = URI.create("https://erp.example.com/sms/twilio/status?bodySHA256=" + TwilioSignature.bodySha256(bytes));
    String signature = TwilioSignature.sign(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), url.toString(), Map.of());
    Map<String, List<String>> headers = Map.of("X-Twilio-Signature", List.of(signature),
        "Content-Type", List.of("application/json"));

    WebhookEvent event = twilio("").parseWebhook(WebhookRequest.of("POST", url, headers, bytes), CONTEXT);
    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(e.errorCode()).isNull();
      assertThat(e.rawPayload()).isEqualTo(body);
    });

    byte[] tampered = body.replace("delivered", "failed").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> twilio("").parseWebhook(WebhookRequest.of("POST", url, headers, tampered), CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.getMessage()).contains("bodySHA256"));
  }

  @Test
  void nonFormBodyWithoutBodyHashIsRejectedBecauseTheSignatureDoesNotCoverIt() {
    URI url = URI.create("https://erp.example.com/sms/twilio/status");
    String signature = TwilioSignature.sign(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), url.toString(), Map.of());
    WebhookRequest request = WebhookRequest.of("POST", url, Map.of("X-Twilio-Signature", List.of(signature),
        "Content-Type", List.of("application/json")), "{\"MessageStatus\":\"failed\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> twilio("").parseWebhook(request, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void getWebhookIsVerifiedOnItsUrlAndReadFromItsQuery() {
    URI url = URI.create(INBOUND_URL + "?" + FormEncoding.encode(inboundSms()));
    String signature = TwilioSignature.sign(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), url.toString(), Map.of());
    WebhookRequest request = WebhookRequest.of("GET", url, Map.of("X-Twilio-Signature", List.of(signature)),
        new byte[0]);

    InboundMessageEvent event = (InboundMessageEvent) twilio("").parseWebhook(request, CONTEXT);
    assertThat(event.body()).isEqualTo("Is my order ready? 😀");
    assertThat(event.rawPayload()).isEqualTo(url.getRawQuery());
  }

  @Test
  void webhookSignedWithAWebhookRuleSharedKeyIsRejected() {
    WebhookRequest signed = signed(INBOUND_URL, inboundSms());
    WebhookRequest withSettings = WebhookRequest.form(INBOUND_URL, Map.of("X-Twilio-Signature",
        signed.header("X-Twilio-Signature").orElseThrow(), "X-Twilio-Webhooks-Signature-Settings",
        "key=KS00000000000000000000000000000000,algorithm=HMAC_SHA256"), inboundSms());
    assertThatThrownBy(() -> twilio("").parseWebhook(withSettings, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void apiKeyProviderRejectsWebhooksBecauseTwilioSignsWithTheAuthToken() {
    TwilioProvider apiKey = new TwilioProviderFactory().create(Fixtures.account(API_KEY_SID, API_KEY_SECRET)
        .settingsJson("{\"accountSid\":\"" + ACCOUNT_SID + "\"}").build());
    String keySigned = TwilioSignature.sign(API_KEY_SECRET.getBytes(StandardCharsets.UTF_8), INBOUND_URL.toString(),
        inboundSms());
    WebhookRequest request = WebhookRequest.form(INBOUND_URL, Map.of("X-Twilio-Signature", keySigned), inboundSms());

    assertThatThrownBy(() -> apiKey.parseWebhook(request, CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.getMessage()).contains("auth token"));
  }

  @Test
  void apiKeyFromSecretSettingsStillVerifiesWebhooksWithTheAuthToken() {
    TwilioProvider twilio = new TwilioProviderFactory().create(Fixtures.account(ACCOUNT_SID, AUTH_TOKEN)
        .settingsJson("{" + Fixtures.API_KEY_SETTING + "}").secrets(Map.of("apiKeySecret", Secret.of(API_KEY_SECRET)))
        .build());
    assertThat(twilio.parseWebhook(signed(INBOUND_URL, inboundSms()), CONTEXT))
        .isInstanceOf(InboundMessageEvent.class);
  }

  @Test
  void apiKeyWithoutAuthTokenSendsButRefusesWebhooks() {
    TwilioProvider sendOnly = new TwilioProviderFactory().create(Fixtures.account(ACCOUNT_SID, null)
        .settingsJson("{" + Fixtures.API_KEY_SETTING + "}").secrets(Map.of("apiKeySecret", Secret.of(API_KEY_SECRET)))
        .build());
    assertThatThrownBy(() -> sendOnly.parseWebhook(signed(INBOUND_URL, inboundSms()), CONTEXT))
        .isInstanceOfSatisfying(WebhookVerificationException.class,
            e -> assertThat(e.getMessage()).contains("auth token"));
  }

  @Test
  void verifiedWebhookWithoutMessageSidIsInvalidInput() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.remove("MessageSid");
    p.remove("SmsSid");
    p.remove("SmsMessageSid");
    assertThatThrownBy(() -> twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("MessageSid"));
  }

  @Test
  void legacySmsSidAloneStillIdentifiesTheMessage() {
    Map<String, List<String>> p = new LinkedHashMap<>(inboundSms());
    p.remove("MessageSid");
    p.remove("SmsMessageSid");
    InboundMessageEvent event = (InboundMessageEvent) twilio("").parseWebhook(signed(INBOUND_URL, p), CONTEXT);
    assertThat(Optional.of(event.providerMessageId())).contains(MMS_SID.replace("MM", "SM"));
  }
}
