package org.smskit.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

/**
 * Messages API webhooks signed with an HS256 JWT. Every token below was made with Python's {@code hmac} and
 * {@code hashlib} (header {"alg":"HS256","typ":"JWT"}, secret "sig-secret-0123456789abcdef" unless stated,
 * {@code payload_hash} = sha256 hex of the exact body), not with the code under test.
 */
class MessagesWebhookTest {
  static final String STATUS_BODY = "{\"message_uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"to\":\"14155550123\",\"from\":\"14155550100\",\"timestamp\":\"2023-11-14T22:13:19.000Z\",\"status\":\"delivered\",\"channel\":\"mms\",\"client_ref\":\"0190f7c2-1111-7aaa-8bbb-123456789abc\",\"usage\":{\"currency\":\"EUR\",\"price\":\"0.0150\"}}";
  /** iat 1699999990 (10 s before now), payload_hash of STATUS_BODY. */
  static final String VALID = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxYTVmMmUyMWJiZTdkMmVlZjk3NDUxNTZmNDdjODQ4MTc1OTM1MzA4ZmQ4OWYyZjVlM2JiZmNlMDJlMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.lJ5TkyoPy0RIlJWDY_ppMqzJXSLBC0cX-7Fj8oi7RIk";
  /** The same claims signed with "not-the-secret". */
  static final String WRONG_SECRET = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxYTVmMmUyMWJiZTdkMmVlZjk3NDUxNTZmNDdjODQ4MTc1OTM1MzA4ZmQ4OWYyZjVlM2JiZmNlMDJlMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.jeWxo4o7EmecKjWWGSssbBFBMku9yz3ws-ofAOarRsc";
  /** VALID's header and signature around a payload whose payload_hash was swapped for another body's. */
  static final String PAYLOAD_SWAPPED = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjA5NGFlYzMzYzZkMmExOGMzNGY5NGU4ZWRlMTY1MDBkM2VmM2VkMTU3ZWM3N2UyNmNmNzg3NjgxNjU1OWQ1OWIiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.lJ5TkyoPy0RIlJWDY_ppMqzJXSLBC0cX-7Fj8oi7RIk";
  /** Correctly signed, but payload_hash is sha256('{"forged":true}'). */
  static final String HASH_OF_OTHER_BODY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjA5NGFlYzMzYzZkMmExOGMzNGY5NGU4ZWRlMTY1MDBkM2VmM2VkMTU3ZWM3N2UyNmNmNzg3NjgxNjU1OWQ1OWIiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.-O6rCjRpaAYll6phrMbmThia80ZRnCCEWd7ogOWpD7k";
  /** iat 1699999990, exp 1699999000 (1000 s ago). */
  static final String EXPIRED = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxYTVmMmUyMWJiZTdkMmVlZjk3NDUxNTZmNDdjODQ4MTc1OTM1MzA4ZmQ4OWYyZjVlM2JiZmNlMDJlMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiIsImV4cCI6MTY5OTk5OTAwMH0.HZkrk7l1az7wAdzP-3ldxfUbjo-qpMjk9t2CUjW9gf0";
  /** iat 1699990000 (10000 s ago). */
  static final String STALE_IAT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTAwMDAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxYTVmMmUyMWJiZTdkMmVlZjk3NDUxNTZmNDdjODQ4MTc1OTM1MzA4ZmQ4OWYyZjVlM2JiZmNlMDJlMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.GYpCoiVvD5pdzQadqCYer14mGSETRV-fxD5QplAseW0";
  /** Correctly signed, no payload_hash claim. */
  static final String NO_HASH = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsImFwaV9rZXkiOiJhMWIyYzNkNCIsImFwcGxpY2F0aW9uX2lkIjoiYWFhYWFhYWEtYmJiYi1jY2NjLWRkZGQtMDEyMzQ1Njc4OWFiIn0.xydEXRpkwxte5_59sTZ9ZQvQG9Xq2nYsmjd-ra4BNb0";
  /** Header {"alg":"none"} with VALID's payload and signature. */
  static final String ALG_NONE = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxYTVmMmUyMWJiZTdkMmVlZjk3NDUxNTZmNDdjODQ4MTc1OTM1MzA4ZmQ4OWYyZjVlM2JiZmNlMDJlMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.lJ5TkyoPy0RIlJWDY_ppMqzJXSLBC0cX-7Fj8oi7RIk";
  /** payload_hash in upper-case hex. */
  static final String UPPER_HASH = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjM1MTAxQTVGMkUyMUJCRTdEMkVFRjk3NDUxNTZGNDdDODQ4MTc1OTM1MzA4RkQ4OUYyRjVFM0JCRkNFMDJFMDkiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.JD29WMUOY4zXLJRewXu7uoJkKKkFwzr5k8WEYJYalIE";
  static final String INBOUND_BODY = "{\"channel\":\"mms\",\"message_uuid\":\"bbbbbbbb-cccc-4ddd-8eee-ffffffffffff\",\"to\":\"14155550100\",\"from\":\"14155550123\",\"timestamp\":\"2023-11-14T22:13:18Z\",\"message_type\":\"image\",\"image\":{\"url\":\"https://api-us.nexmo.com/v3/media/1234\",\"caption\":\"Look at this\"}}";
  static final String INBOUND = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE2OTk5OTk5OTAsImp0aSI6ImM1YmE4ZjI0LTFhMTQtNGMxMC1iZmRmLTNmYmU4Y2U1MTFiNSIsImlzcyI6IlZvbmFnZSIsInBheWxvYWRfaGFzaCI6IjEyODczM2JkZDg3M2NjNzMxOTA4NWRlMjFlMzA5M2FmY2JiNDcyNWE0NzFmYjFhOTY4OWIxOWIyODA5ZDFjMGYiLCJhcGlfa2V5IjoiYTFiMmMzZDQiLCJhcHBsaWNhdGlvbl9pZCI6ImFhYWFhYWFhLWJiYmItY2NjYy1kZGRkLTAxMjM0NTY3ODlhYiJ9.LC5IdZ569RZQqc_MS8bpY_te0-FFPZe6Cv5K9v4ZaJ4";

  private final WebhookContext context =
      new WebhookContext(new InMemoryFragmentStore(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC)));
  private final VonageProvider vonage = Fixtures.provider(Fixtures.signedConfig("{}"));

  private WebhookEvent deliver(String body, String token) {
    return vonage.parseWebhook(Fixtures.postJson(body, Map.of("Authorization", "Bearer " + token)), context);
  }

  @Test
  void validTokenAndBodyGiveTheStatusUpdate() {
    WebhookEvent event = deliver(STATUS_BODY, VALID);

    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.providerMessageId()).isEqualTo("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
      assertThat(e.messageId()).isEqualTo(Fixtures.MESSAGE_ID);
      assertThat(e.status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(e.providerStatus()).isEqualTo("delivered");
      assertThat(e.occurredAt()).isEqualTo(Instant.parse("2023-11-14T22:13:19Z"));
      assertThat(e.rawPayload()).isEqualTo(STATUS_BODY);
    });
  }

  @Test
  void upperCasePayloadHashIsAccepted() {
    assertThat(deliver(STATUS_BODY, UPPER_HASH)).isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void tokenSignedWithAnotherSecretIsRejected() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, WRONG_SECRET)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void tamperedBodyIsRejectedByThePayloadHash() {
    String tampered = STATUS_BODY.replace("\"delivered\"", "\"rejected\"");

    assertThatThrownBy(() -> deliver(tampered, VALID)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("payload_hash");
  }

  @Test
  void tamperedPayloadHashIsRejectedByTheSignature() {
    assertThatThrownBy(() -> deliver("{\"forged\":true}", PAYLOAD_SWAPPED))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("signature");
  }

  @Test
  void validTokenForAnotherBodyIsRejected() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, HASH_OF_OTHER_BODY)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("payload_hash");
  }

  @Test
  void expiredTokenIsRejected() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, EXPIRED)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void tokenIssuedLongAgoIsRejectedAsAReplay() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, STALE_IAT)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("ago");
  }

  @Test
  void tokenIssuedInTheFutureIsRejected() {
    VonageProvider early = Fixtures.provider(Fixtures.signedConfig("{}",
        Clock.fixed(Instant.ofEpochSecond(1_699_999_000L), ZoneOffset.UTC)));

    assertThatThrownBy(() -> early.parseWebhook(Fixtures.postJson(STATUS_BODY, Map.of("Authorization",
        "Bearer " + VALID)), context)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("future");
  }

  @Test
  void tokenWithoutPayloadHashIsRejected() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, NO_HASH)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("payload_hash");
  }

  @Test
  void algNoneIsRejected() {
    assertThatThrownBy(() -> deliver(STATUS_BODY, ALG_NONE)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("HS256");
  }

  @Test
  void malformedTokensAreRejectedWithoutQuotingThem() {
    for (String token : new String[] {"abc", "a.b", "a.b.c.d", VALID.substring(0, VALID.lastIndexOf('.') + 1),
        "!!!." + VALID.substring(VALID.indexOf('.') + 1)}) {
      assertThatThrownBy(() -> deliver(STATUS_BODY, token)).isInstanceOf(WebhookVerificationException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(VALID));
    }
  }

  @Test
  void messagesApiBodyWithoutTokenIsRejectedWhenASecretIsConfigured() {
    assertThatThrownBy(() -> vonage.parseWebhook(Fixtures.postJson(STATUS_BODY, Map.of()), context))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no bearer token");
  }

  @Test
  void withoutASecretMessagesApiWebhooksAreRejectedUnlessUnsignedIsAllowed() {
    VonageProvider noSecret = Fixtures.provider(Fixtures.config("{}"));
    VonageProvider permissive = Fixtures.provider(Fixtures.config("{\"allowUnsignedWebhooks\":true}"));

    assertThatThrownBy(() -> noSecret.parseWebhook(Fixtures.postJson(STATUS_BODY, Map.of("Authorization",
        "Bearer " + VALID)), context)).isInstanceOf(WebhookVerificationException.class);
    assertThat(permissive.parseWebhook(Fixtures.postJson(STATUS_BODY, Map.of()), context))
        .isInstanceOf(StatusUpdateEvent.class);
  }

  @Test
  void inboundMmsBecomesAnInboundMessageWithItsImage() {
    WebhookEvent event = deliver(INBOUND_BODY, INBOUND);

    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class, e -> {
      assertThat(e.providerMessageId()).isEqualTo("bbbbbbbb-cccc-4ddd-8eee-ffffffffffff");
      assertThat(e.from()).isEqualTo(PhoneNumber.of("+14155550123"));
      assertThat(e.to()).isEqualTo(PhoneNumber.of("+14155550100"));
      assertThat(e.body()).isEqualTo("Look at this");
      assertThat(e.media()).singleElement().satisfies(m ->
          assertThat(m.url()).isEqualTo("https://api-us.nexmo.com/v3/media/1234"));
      assertThat(e.receivedAt()).isEqualTo(Instant.parse("2023-11-14T22:13:18Z"));
    });
  }

  @Test
  void messagesStatusesMapOntoOurs() {
    VonageProvider permissive = Fixtures.provider(Fixtures.config("{\"allowUnsignedWebhooks\":true}"));
    Map<String, MessageStatus> expected = Map.of("submitted", MessageStatus.SENT, "delivered",
        MessageStatus.DELIVERED, "rejected", MessageStatus.FAILED, "undeliverable", MessageStatus.UNDELIVERED,
        "read", MessageStatus.READ);
    expected.forEach((vonageStatus, ours) -> {
      String body = STATUS_BODY.replace("\"delivered\"", "\"" + vonageStatus + "\"");
      assertThat(permissive.parseWebhook(Fixtures.postJson(body, Map.of()), context))
          .isInstanceOfSatisfying(StatusUpdateEvent.class, e -> assertThat(e.status()).isEqualTo(ours));
    });
    String rejected = "{\"message_uuid\":\"u-1\",\"status\":\"rejected\",\"timestamp\":\"2023-11-14T22:13:19Z\","
        + "\"error\":{\"type\":\"https://developer.nexmo.com/api-errors/messages-olympus#1250\","
        + "\"title\":\"Unroutable\"}}";
    assertThat(permissive.parseWebhook(Fixtures.postJson(rejected, Map.of()), context))
        .isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
          assertThat(e.errorCode()).isEqualTo("1250");
          assertThat(e.messageId()).isNull();
        });
    String unknownWord = STATUS_BODY.replace("\"delivered\"", "\"deleted\"");
    assertThat(permissive.parseWebhook(Fixtures.postJson(unknownWord, Map.of()), context))
        .isInstanceOf(WebhookEvent.Acknowledged.class);
  }

  @Test
  void otherChannelsAreAcknowledged() {
    VonageProvider permissive = Fixtures.provider(Fixtures.config("{\"allowUnsignedWebhooks\":true}"));
    String whatsapp = "{\"channel\":\"whatsapp\",\"message_uuid\":\"u-2\",\"to\":\"14155550100\","
        + "\"from\":\"14155550123\",\"message_type\":\"text\",\"text\":\"hi\"}";

    assertThat(permissive.parseWebhook(Fixtures.postJson(whatsapp, Map.of()), context))
        .isInstanceOf(WebhookEvent.Acknowledged.class);
  }

  /** vonage-jwt-jdk's JwtValidatorTest vectors: the secret's UTF-8 bytes are the HMAC key. */
  @Test
  void hs256MatchesVonagesOwnVectors() {
    String signingInput = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiJhZG1pbiIsIm5hbWUiOiJTaW5hIiwiaWF0IjoxNjk4MjU4NjY3fQ";
    Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();

    assertThat(base64url.encodeToString(WebhookJwt.hmacSha256(
        "0c15c425fe48dd59dab5fb3eea57d528f405a71d78ae4998deacab4deeb02ca5".getBytes(StandardCharsets.UTF_8),
        signingInput.getBytes(StandardCharsets.US_ASCII)))).isEqualTo("ZVSrJeaES6iaBOwd6vMk93my2gq1uCwDi3c7aCIMqa0");
    assertThat(base64url.encodeToString(WebhookJwt.hmacSha256(
        "decafea1deadbeef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
        signingInput.getBytes(StandardCharsets.US_ASCII)))).isEqualTo("pZ2YiYpipVpf59vZgUHLYICJwhVISwBhy_q9WokKm2A");
  }
}
