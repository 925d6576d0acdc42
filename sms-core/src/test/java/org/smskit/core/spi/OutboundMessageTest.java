package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.PhoneNumber;

class OutboundMessageTest {
  private static final PhoneNumber TO = PhoneNumber.of("+14155550100");

  @Test
  void needsASenderOrAMessagingService() {
    assertThatThrownBy(() -> OutboundMessage.builder(UUID.randomUUID(), TO).messagingServiceSid(" ").body("hi").build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("from_number:");
    assertThat(OutboundMessage.builder(UUID.randomUUID(), TO).messagingServiceSid("MG1").body("hi").build().sender())
        .isEmpty();
  }

  @Test
  void needsABodyOrMedia() {
    assertThatThrownBy(() -> OutboundMessage.builder(UUID.randomUUID(), TO).from(TO).body("").build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body:");
    assertThat(OutboundMessage.builder(UUID.randomUUID(), TO).from(TO)
        .mediaUrls(List.of(URI.create("https://cdn.example/cat.jpg"))).build().hasMedia()).isTrue();
  }

  @Test
  void providerExceptionSaysWhatToDo() {
    ProviderException limited = new ProviderException("twilio", ProviderException.Kind.RATE_LIMITED, "20429", 429,
        Duration.ofSeconds(3), "Too Many Requests", null);
    assertThat(limited.retryable()).isTrue();
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(limited.getMessage()).isEqualTo("twilio rate limited (code 20429) [HTTP 429]: Too Many Requests");
    ProviderException unknown = new ProviderException("twilio", ProviderException.Kind.OUTCOME_UNKNOWN, null, "timeout");
    assertThat(unknown.retryable()).as("a blind retry could send twice").isFalse();
    assertThat(new ProviderException("vonage", ProviderException.Kind.RECIPIENT_OPTED_OUT, "21610", "stop")
        .retryable()).isFalse();
  }
}
