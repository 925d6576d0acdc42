package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.vonage.Fixtures.MESSAGE_ID;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.ShortCode;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;

class MmsSendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PhoneNumber US_FROM = PhoneNumber.of("+14155550100");
  private static final PhoneNumber US_TO = PhoneNumber.of("+12125550123");
  private static final URI IMAGE = URI.create("https://cdn.example.com/invoice-42.png");

  @StartStop
  private final MockWebServer server = new MockWebServer();

  private VonageProvider provider() {
    return Fixtures.provider(Fixtures.config("{\"messagesBaseUrl\":\"" + server.url("/") + "\",\"smsBaseUrl\":\""
        + server.url("/") + "\"}"));
  }

  private static OutboundMessage mms(Address from, PhoneNumber to, String caption, List<URI> media, URI callback) {
    return OutboundMessage.builder(MESSAGE_ID, to).from(from).body(caption).mediaUrls(media).statusCallbackUrl(callback)
        .build();
  }

  private static MockResponse accepted() {
    return new MockResponse.Builder().code(202).addHeader("Content-Type", "application/json")
        .body("{\"message_uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\"}").build();
  }

  @Test
  void imageIsPostedAsMessagesApiJsonWithBasicAuth() throws Exception {
    server.enqueue(accepted());

    SendResult result = provider().send(mms(US_FROM, US_TO, "Your invoice", List.of(IMAGE), null));

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/messages");
    assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=UTF-8");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("a1b2c3d4:Sup3rS3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(JSON.readTree(request.getBody().utf8())).isEqualTo(JSON.readTree("{\"message_type\":\"image\","
        + "\"image\":{\"url\":\"https://cdn.example.com/invoice-42.png\",\"caption\":\"Your invoice\"},"
        + "\"to\":\"12125550123\",\"from\":\"14155550100\",\"channel\":\"mms\","
        + "\"client_ref\":\"0190f7c2-1111-7aaa-8bbb-123456789abc\"}"));

    assertThat(result.providerMessageId()).isEqualTo("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    assertThat(result.partIds()).containsExactly("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    assertThat(result.status()).isEqualTo(MessageStatus.SENDING);
  }

  @Test
  void statusCallbackBecomesWebhookUrlAndAnImageWithoutTextHasNoCaption() throws Exception {
    server.enqueue(accepted());

    provider().send(mms(new ShortCode("72345"), US_TO, null, List.of(IMAGE),
        URI.create("https://hooks.example.com/vonage/status")).toBuilder().options(Map.of("ttl", "600000")).build());

    assertThat(JSON.readTree(server.takeRequest().getBody().utf8())).isEqualTo(JSON.readTree(
        "{\"message_type\":\"image\",\"image\":{\"url\":\"https://cdn.example.com/invoice-42.png\"},"
            + "\"to\":\"12125550123\",\"from\":\"72345\",\"channel\":\"mms\","
            + "\"client_ref\":\"0190f7c2-1111-7aaa-8bbb-123456789abc\","
            + "\"webhook_url\":\"https://hooks.example.com/vonage/status\",\"webhook_version\":\"v1\","
            + "\"ttl\":600000}"));
  }

  @Test
  void canadianNumbersCanSendAndReceiveMms() throws Exception {
    server.enqueue(accepted());

    provider().send(mms(PhoneNumber.of("+14165550100"), PhoneNumber.of("+16045550123"), "Hi", List.of(IMAGE), null));

    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void moreThanOneMediaIsUnsupportedAndNothingIsSent() {
    assertThatThrownBy(() -> provider().send(mms(US_FROM, US_TO, "Two", List.of(IMAGE,
        URI.create("https://cdn.example.com/b.png")), null)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED);
          assertThat(e.getMessage()).contains("one image per message");
        });
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void mmsToANumberOutsideUsAndCanadaIsUnsupported() {
    assertThatThrownBy(() -> provider().send(mms(US_FROM, PhoneNumber.of("+447700900123"), "Hi", List.of(IMAGE),
        null)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void mmsFromAnAlphanumericSenderOrANonUsNumberIsUnsupported() {
    assertThatThrownBy(() -> provider().send(mms(new AlphanumericSenderId("ACME"), US_TO, "Hi", List.of(IMAGE),
        null)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
    assertThatThrownBy(() -> provider().send(mms(PhoneNumber.of("+447700900001"), US_TO, "Hi", List.of(IMAGE),
        null)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void problemDetailsAreClassifiedByHttpStatusWithTheCodeFromTheType() {
    server.enqueue(new MockResponse.Builder().code(401).addHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"https://developer.nexmo.com/api-errors#unauthorized\",\"title\":\"Unauthorized\"}")
        .build());
    server.enqueue(new MockResponse.Builder().code(422).addHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"https://developer.nexmo.com/api-errors/messages-olympus#1120\",\"title\":\"Illegal"
            + " Sender Address\",\"detail\":\"The sender 14155550100 is not allowed\"}").build());
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "2")
        .body("{\"type\":\"https://developer.nexmo.com/api-errors/messages-olympus#1000\",\"title\":\"Throttled\"}")
        .build());
    server.enqueue(new MockResponse.Builder().code(502).body("bad gateway").build());
    VonageProvider vonage = provider();
    OutboundMessage message = mms(US_FROM, US_TO, "Hi", List.of(IMAGE), null);

    assertThatThrownBy(() -> vonage.send(message)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.BAD_CREDENTIALS);
      assertThat(e.providerCode()).contains("unauthorized");
    });
    assertThatThrownBy(() -> vonage.send(message)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.providerCode()).contains("1120");
      assertThat(e.getMessage()).contains("Illegal Sender Address").doesNotContain("14155550100");
    });
    assertThatThrownBy(() -> vonage.send(message)).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
      assertThat(e.providerCode()).contains("1000");
    });
    assertThatThrownBy(() -> vonage.send(message)).isInstanceOfSatisfying(ProviderException.class, e ->
        assertThat(e.kind()).isEqualTo(Kind.RETRYABLE));
  }

  @Test
  void acceptedWithoutMessageUuidLeavesTheOutcomeUnknown() {
    server.enqueue(new MockResponse.Builder().code(202).body("{}").build());

    assertThatThrownBy(() -> provider().send(mms(US_FROM, US_TO, "Hi", List.of(IMAGE), null)))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN));
  }

  @Test
  void capabilitiesSayOneMediaAndNoMessagingServices() {
    assertThat(provider().capabilities().mms()).isTrue();
    assertThat(provider().capabilities().maxMediaPerMessage()).isEqualTo(1);
    assertThat(provider().capabilities().unicode()).isTrue();
    assertThat(provider().capabilities().messagingServices()).isFalse();
  }

  @Test
  void theTypedValidityBecomesTheMessagesApiTtl() throws Exception {
    server.enqueue(accepted());

    provider().send(mms(new ShortCode("72345"), US_TO, null, List.of(IMAGE), null).toBuilder()
        .validity(java.time.Duration.ofHours(1)).build());

    assertThat(JSON.readTree(server.takeRequest().getBody().utf8()).get("ttl").asLong()).isEqualTo(3_600_000L);
  }
}
