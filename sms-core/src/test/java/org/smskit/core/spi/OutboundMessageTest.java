package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.PhoneNumber;

class OutboundMessageTest {
  private static final PhoneNumber TO = PhoneNumber.of("+14155550100");

  @Test
  void needsASenderOrAMessagingService() {
    assertThatThrownBy(() -> new OutboundMessage(UUID.randomUUID(), TO, null, " ", "hi", List.of(), null, Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("from_number:");
    assertThat(new OutboundMessage(UUID.randomUUID(), TO, null, "MG1", "hi", List.of(), null, Map.of()).sender())
        .isEmpty();
  }

  @Test
  void needsABodyOrMedia() {
    assertThatThrownBy(() -> new OutboundMessage(UUID.randomUUID(), TO, TO, null, "", List.of(), null, Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body:");
    assertThat(new OutboundMessage(UUID.randomUUID(), TO, TO, null, null,
        List.of(URI.create("https://cdn.example/cat.jpg")), null, Map.of()).hasMedia()).isTrue();
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
