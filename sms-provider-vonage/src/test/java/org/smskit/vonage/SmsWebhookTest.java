package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.vonage.Fixtures.MESSAGE_ID;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

/** SMS API delivery receipts: verification, the three transports, and the status mapping. */
class SmsWebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final WebhookContext context =
      new WebhookContext(new InMemoryFragmentStore(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC)));

  /** A delivery receipt as Vonage signs it (timestamp 5 s before {@link Fixtures#NOW}). */
  static Map<String, String> dlr() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("msisdn", "447700900123");
    p.put("to", "14155550100");
    p.put("network-code", "23410");
    p.put("messageId", "0A0000001234567B");
    p.put("price", "0.03330000");
    p.put("status", "delivered");
    p.put("scts", "2311142213");
    p.put("err-code", "0");
    p.put("api-key", "a1b2c3d4");
    p.put("client-ref", "0190f7c2-1111-7aaa-8bbb-123456789abc");
    p.put("message-timestamp", "2023-11-14 22:13:15");
    p.put("timestamp", "1699999995");
    p.put("nonce", "6a4b2c1d-aaaa-bbbb-cccc-1234567890ab");
    return p;
  }

  /** python3: hmac.new(b"sig-secret-0123456789abcdef", canonical(dlr()).encode(), "sha256").hexdigest() */
  private static final String DLR_SHA256 = "68cb2004e070ec7fd746d2fa3c18ab557f804968277da8abb03b56e99cbc512e";

  private static Map<String, List<String>> asForm(Map<String, String> p) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    p.forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  private static Map<String, String> signed(Map<String, String> p, String sig) {
    Map<String, String> out = new LinkedHashMap<>(p);
    out.put("sig", sig);
    return out;
  }

  private static VonageProvider signedProvider(String method) {
    return Fixtures.provider(Fixtures.signedConfig("{\"signatureMethod\":\"" + method + "\"}"));
  }

  private static VonageProvider unsignedProvider() {
    return Fixtures.provider(Fixtures.config("{\"allowUnsignedWebhooks\":true}"));
  }

  @Test
  void signedReceiptAsPostFormBecomesAStatusUpdateForOurMessage() {
    WebhookEvent event = signedProvider("sha256").parseWebhook(Fixtures.postForm(asForm(signed(dlr(), DLR_SHA256))),
        context);

    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.provider()).isEqualTo("vonage");
      assertThat(e.providerMessageId()).isEqualTo("0A0000001234567B");
      assertThat(e.messageId()).isEqualTo(MESSAGE_ID);
      assertThat(e.status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(e.providerStatus()).isEqualTo("delivered");
      assertThat(e.errorCode()).isNull();
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2023-11-14T22:13:15Z"));
      assertThat(e.rawPayload()).contains("messageId=0A0000001234567B");
    });
  }

  @Test
  void theSameReceiptVerifiesAsGetQueryAndAsPostJson() throws Exception {
    VonageProvider vonage = signedProvider("sha256");
    Map<String, String> p = signed(dlr(), DLR_SHA256);

    WebhookEvent viaGet = vonage.parseWebhook(Fixtures.get(asForm(p)), context);
    WebhookEvent viaJson = vonage.parseWebhook(Fixtures.postJson(JSON.writeValueAsString(p), Map.of()), context);

    for (WebhookEvent event : List.of(viaGet, viaJson)) {
      assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
        assertThat(e.providerMessageId()).isEqualTo("0A0000001234567B");
        assertThat(e.messageId()).isEqualTo(MESSAGE_ID);
        assertThat(e.status()).isEqualTo(MessageStatus.DELIVERED);
      });
    }
    assertThat(((StatusUpdateEvent) viaGet).rawPayload()).startsWith("msisdn=447700900123");
    assertThat(((StatusUpdateEvent) viaJson).rawPayload()).startsWith("{\"msisdn\"");
  }

  // python3: the same canonical string under each method, secret sig-secret-0123456789abcdef
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "md5hash, 2bd99bab12473a646c008b1bef1b206d",
      "md5,     d66f61a6c41627a2be95b90319817799",
      "sha1,    f45e99b4920541b475f5ae12d38ef6d8ef60a23e",
      "sha256,  68cb2004e070ec7fd746d2fa3c18ab557f804968277da8abb03b56e99cbc512e",
      "sha512,  4c152ad412a42cdaad461ef92de2e06489c65175530d55c01b1cb36c228d0fa66b813a90a7e54773a473053dae3bff09a936539e34be0b20a756cd973028ffc2"
  })
  void receiptSignedWithTheConfiguredMethodIsAcceptedAndUpperCaseToo(String method, String sig) {
    VonageProvider vonage = signedProvider(method);

    assertThat(vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), sig))), context))
        .isInstanceOf(StatusUpdateEvent.class);
    assertThat(vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), sig.toUpperCase()))), context))
        .isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void tamperedReceiptIsRejected() {
    Map<String, String> p = signed(dlr(), DLR_SHA256);
    p.put("status", "failed");

    assertThatThrownBy(() -> signedProvider("sha256").parseWebhook(Fixtures.postForm(asForm(p)), context))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void receiptSignedWithAnotherMethodIsRejected() {
    assertThatThrownBy(() -> signedProvider("sha512").parseWebhook(
        Fixtures.postForm(asForm(signed(dlr(), DLR_SHA256))), context))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void replayedReceiptOutsideTheWindowIsRejected() {
    Fixtures.MutableClock clock = new Fixtures.MutableClock(Fixtures.NOW.plusSeconds(600));
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig("{\"signatureMethod\":\"sha256\"}", clock));

    assertThatThrownBy(() -> vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), DLR_SHA256))), context))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("timestamp");
  }

  @Test
  void toleranceIsConfigurable() {
    Fixtures.MutableClock clock = new Fixtures.MutableClock(Fixtures.NOW.plusSeconds(600));
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig(
        "{\"signatureMethod\":\"sha256\",\"webhookToleranceSeconds\":900}", clock));

    assertThat(vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), DLR_SHA256))), context))
        .isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void unsignedReceiptIsRejectedWhenASignatureSecretIsConfigured() {
    assertThatThrownBy(() -> signedProvider("sha256").parseWebhook(Fixtures.postForm(asForm(dlr())), context))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no sig");
  }

  @Test
  void withoutASignatureSecretEveryWebhookIsRejectedByDefault() {
    VonageProvider vonage = Fixtures.provider(Fixtures.config("{}"));

    assertThatThrownBy(() -> vonage.parseWebhook(Fixtures.postForm(asForm(dlr())), context))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no signature secret");
    assertThatThrownBy(() -> vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), DLR_SHA256))), context))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no signature secret");
  }

  @Test
  void allowUnsignedWebhooksAcceptsThemWithoutASecret() {
    assertThat(unsignedProvider().parseWebhook(Fixtures.postForm(asForm(dlr())), context))
        .isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void withASecretAndAllowUnsignedAPresentSigMustStillBeRight() {
    VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig(
        "{\"signatureMethod\":\"sha256\",\"allowUnsignedWebhooks\":true}"));

    assertThat(vonage.parseWebhook(Fixtures.postForm(asForm(dlr())), context)).isInstanceOf(StatusUpdateEvent.class);
    assertThatThrownBy(() -> vonage.parseWebhook(Fixtures.postForm(asForm(signed(dlr(), "00" + DLR_SHA256
        .substring(2)))), context)).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void basicAuthOnTheWebhookUrlDoesNotMakeItAMessagesApiCallback() {
    WebhookRequest request = WebhookRequest.form(Fixtures.WEBHOOK, Map.of("Authorization", "Basic dXNlcjpwYXNz"),
        asForm(signed(dlr(), DLR_SHA256)));

    assertThat(signedProvider("sha256").parseWebhook(request, context)).isInstanceOf(StatusUpdateEvent.class);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "delivered, DELIVERED",
      "accepted,  SENT",
      "buffered,  SENT",
      "expired,   UNDELIVERED",
      "failed,    UNDELIVERED",
      "rejected,  FAILED",
      "unknown,   SENT",
      "something-new, SENT"
  })
  void receiptStatusesMapOntoOurs(String vonage, MessageStatus ours) {
    Map<String, String> p = dlr();
    p.put("status", vonage);
    p.put("err-code", vonage.equals("delivered") ? "0" : "6");

    WebhookEvent event = unsignedProvider().parseWebhook(Fixtures.postForm(asForm(p)), context);

    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.status()).isEqualTo(ours);
      assertThat(e.providerStatus()).isEqualTo(vonage);
      assertThat(e.errorCode()).isEqualTo(vonage.equals("delivered") ? null : "6");
    });
  }

  @Test
  void receiptsForEveryPartOfALongMessageNameTheOneMessage() {
    VonageProvider vonage = unsignedProvider();
    List<StatusUpdateEvent> events = List.of("0A0000000000000A", "0A0000000000000B", "0A0000000000000C").stream()
        .map(id -> {
          Map<String, String> p = dlr();
          p.put("messageId", id);
          return (StatusUpdateEvent) vonage.parseWebhook(Fixtures.postForm(asForm(p)), context);
        }).toList();

    assertThat(events).extracting(StatusUpdateEvent::providerMessageId)
        .containsExactly("0A0000000000000A", "0A0000000000000B", "0A0000000000000C");
    assertThat(events).extracting(StatusUpdateEvent::messageId).containsOnly(MESSAGE_ID);
  }

  @Test
  void foreignClientRefGivesNoMessageIdAndSctsIsTheFallbackTime() {
    Map<String, String> p = dlr();
    p.put("client-ref", "order-42");
    p.remove("message-timestamp");

    StatusUpdateEvent event = (StatusUpdateEvent) unsignedProvider().parseWebhook(Fixtures.postForm(asForm(p)),
        context);

    assertThat(event.messageId()).isNull();
    assertThat(event.clientReference()).isEmpty();
    assertThat(event.occurredAt()).isEqualTo(Instant.parse("2023-11-14T22:13:00Z"));
  }

  @Test
  void receiptWithoutMessageIdIsInvalidInput() {
    Map<String, String> p = dlr();
    p.put("messageId", "");
    p.put("msisdn", "");

    assertThatThrownBy(() -> unsignedProvider().parseWebhook(Fixtures.postForm(asForm(p)), context))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unreadableJsonBodyIsAVerificationFailure() {
    assertThatThrownBy(() -> signedProvider("sha256").parseWebhook(Fixtures.postJson("{not json", Map.of()),
        context)).isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void emptyUnsignedPingIsAcknowledgedOnlyWhenUnsignedIsAllowed() {
    WebhookRequest ping = WebhookRequest.of("GET", URI.create("https://hooks.example.com/vonage"), Map.of(),
        new byte[0]);

    assertThat(unsignedProvider().parseWebhook(ping, context)).isInstanceOf(WebhookEvent.Acknowledged.class);
    assertThatThrownBy(() -> signedProvider("sha256").parseWebhook(ping, context))
        .isInstanceOf(WebhookVerificationException.class);
  }
}
