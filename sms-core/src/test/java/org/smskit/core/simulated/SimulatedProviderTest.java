package org.smskit.core.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.phone.AlphanumericSenderId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.spi.WebhookContext;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;

class SimulatedProviderTest {
  private static final URI HOOK = URI.create("https://erp.example.com/sms/webhooks/simulated");
  private static final PhoneNumber OURS = PhoneNumber.of("+14155550100");
  private static final PhoneNumber THEIRS = PhoneNumber.of("+14155550111");
  private static final WebhookContext CONTEXT = new WebhookContext((p, k, part, total, payload, expires) ->
      Optional.empty());

  private final SimulatedNetwork network = new SimulatedNetwork();
  private final SimulatedProviderFactory factory = new SimulatedProviderFactory(network);
  private final SimulatedProvider provider =
      (SimulatedProvider) factory.create(ProviderConfig.of("SIM-ACCOUNT", Secret.of("webhook-secret"), "{}"));

  @Test
  void acceptsASendAndRemembersIt() {
    UUID ours = UUID.randomUUID();
    SendResult result = provider.send(OutboundMessage.sms(ours, OURS, THEIRS, "Your order shipped"));

    assertThat(result.providerMessageId()).matches("SM[0-9a-f]{32}");
    assertThat(result.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(result.segments()).isEqualTo(1);
    assertThat(network.sent()).singleElement().satisfies(s -> {
      assertThat(s.providerMessageId()).isEqualTo(result.providerMessageId());
      assertThat(s.accountSid()).isEqualTo("SIM-ACCOUNT");
      assertThat(s.message().messageId()).isEqualTo(ours);
    });
  }

  @Test
  void failsTheNextSendWhenScripted() {
    network.failNextSend(ProviderException.Kind.RECIPIENT_OPTED_OUT, "21610");
    assertThatThrownBy(() -> provider.send(OutboundMessage.sms(UUID.randomUUID(), OURS, THEIRS, "hi")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.kind()).isEqualTo(ProviderException.Kind.RECIPIENT_OPTED_OUT);
          assertThat(e.providerCode()).contains("21610");
        });
    assertThat(network.sent()).isEmpty();
    assertThat(provider.send(OutboundMessage.sms(UUID.randomUUID(), OURS, THEIRS, "hi")).providerMessageId())
        .isNotBlank();
  }

  @Test
  void deliveryCallbackGoesThroughTheSignedWebhookPath() {
    UUID ours = UUID.randomUUID();
    String sid = provider.send(OutboundMessage.sms(ours, OURS, THEIRS, "hi")).providerMessageId();

    WebhookRequest callback = network.statusCallback(HOOK, sid, MessageStatus.UNDELIVERED, "30003");
    WebhookEvent event = provider.parseWebhook(callback, CONTEXT);

    assertThat(event).isInstanceOfSatisfying(StatusUpdateEvent.class, e -> {
      assertThat(e.providerMessageId()).isEqualTo(sid);
      assertThat(e.messageId()).isEqualTo(ours);
      assertThat(e.status()).isEqualTo(MessageStatus.UNDELIVERED);
      assertThat(e.errorCode()).isEqualTo("30003");
    });
  }

  @Test
  void inboundReplyWithMediaGoesThroughTheSignedWebhookPath() {
    WebhookRequest inbound = provider.inboundMessage(HOOK, THEIRS, OURS, "Here is the photo 📷",
        List.of(new InboundMedia("https://media.example/ME1.jpg", "image/jpeg", "ME1")));
    WebhookEvent event = provider.parseWebhook(inbound, CONTEXT);

    assertThat(event).isInstanceOfSatisfying(InboundMessageEvent.class, e -> {
      assertThat(e.from()).isEqualTo(THEIRS);
      assertThat(e.to()).isEqualTo(OURS);
      assertThat(e.body()).isEqualTo("Here is the photo 📷");
      assertThat(e.media()).containsExactly(new InboundMedia("https://media.example/ME1.jpg", "image/jpeg", "ME1"));
      assertThat(e.providerMessageId()).startsWith("SM");
    });
  }

  @Test
  void tamperedBodyWrongUrlWrongTokenAndMissingSignatureAreRejected() {
    WebhookRequest genuine = provider.inboundMessage(HOOK, THEIRS, OURS, "hello", List.of());
    String signature = genuine.header(SimulatedProvider.SIGNATURE_HEADER).orElseThrow();

    WebhookRequest tampered = WebhookRequest.of("POST", HOOK, genuine.headers(),
        genuine.bodyText().replace("hello", "HELLO").getBytes(StandardCharsets.UTF_8));
    WebhookRequest elsewhere = WebhookRequest.of("POST", URI.create("https://evil.example/sms"), genuine.headers(),
        genuine.body());
    WebhookRequest unsigned = WebhookRequest.of("POST", HOOK,
        Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), genuine.body());
    SimulatedProvider otherAccount =
        (SimulatedProvider) factory.create(ProviderConfig.of("SIM-2", Secret.of("another-secret"), "{}"));

    assertThatThrownBy(() -> provider.parseWebhook(tampered, CONTEXT)).isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> provider.parseWebhook(elsewhere, CONTEXT)).isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> provider.parseWebhook(unsigned, CONTEXT)).isInstanceOf(WebhookVerificationException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> otherAccount.parseWebhook(genuine, CONTEXT))
        .isInstanceOf(WebhookVerificationException.class);
    assertThat(signature).isNotBlank();
  }

  @Test
  void alphanumericSendersAndTooManyMediaFollowTheCapabilities() {
    assertThat(provider.send(OutboundMessage.sms(UUID.randomUUID(), new AlphanumericSenderId("ACME"), THEIRS, "hi"))
        .providerMessageId()).isNotBlank();
    List<URI> eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> URI.create("https://m/" + i)).toList();
    assertThatThrownBy(() -> provider.send(OutboundMessage.builder(UUID.randomUUID(), THEIRS).from(OURS)
        .mediaUrls(eleven).build())).isInstanceOfSatisfying(ProviderException.class,
            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNSUPPORTED));
  }

  @Test
  void needsATokenToSignWebhooks() {
    assertThatThrownBy(() -> factory.create(ProviderConfig.of("SIM", null, "{}")))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("auth_token:");
  }

  @Test
  void validationAsksForTheTokenWithoutCreatingAProviderOrRecordingAnything() {
    assertThatThrownBy(() -> factory.validate(ProviderConfig.of("SIM", null, "{}")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("auth_token");
          assertThat(e.rule()).contains("required");
        });
    factory.validate(ProviderConfig.of(null, Secret.of("t"), "{\"anything\": 1}"));
    assertThat(network.sent()).isEmpty();
    assertThat(factory.secretSettings()).isEmpty();
  }
}
