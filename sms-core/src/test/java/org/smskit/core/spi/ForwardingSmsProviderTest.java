package org.smskit.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;

class ForwardingSmsProviderTest {
  /** A provider that records which of its methods were called. */
  private static final class Recording implements SmsProvider {
    final List<String> calls = new ArrayList<>();
    final SendResult result = SendResult.builder("SM1", MessageStatus.SENDING).build();
    final LookupResult found = new LookupResult.NotFound("none");

    @Override
    public String name() {
      calls.add("name");
      return "recording";
    }

    @Override
    public ProviderCapabilities capabilities() {
      calls.add("capabilities");
      return null;
    }

    @Override
    public SendResult send(OutboundMessage message) {
      calls.add("send");
      return result;
    }

    @Override
    public void validateOptions(ProviderOptions options) {
      calls.add("validateOptions");
    }

    @Override
    public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
      calls.add("parseWebhook");
      return null;
    }

    @Override
    public LookupResult lookup(LookupRequest request) {
      calls.add("lookup");
      return found;
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  @Test
  void everyCallGoesToTheDelegateUnlessOverridden() {
    Recording recording = new Recording();
    SmsProvider counting = new ForwardingSmsProvider(recording) {
      int sends;

      @Override
      public SendResult send(OutboundMessage message) {
        sends++;
        return super.send(message);
      }
    };
    OutboundMessage message = OutboundMessage.builder(UUID.randomUUID(), PhoneNumber.of("+14155550100"))
        .from(PhoneNumber.of("+14155550101")).body("hi").build();

    assertThat(counting.name()).isEqualTo("recording");
    counting.capabilities();
    assertThat(counting.send(message)).isSameAs(recording.result);
    counting.validateOptions(ProviderOptions.NONE);
    counting.parseWebhook(null, null);
    assertThat(counting.lookup(LookupRequest.builder(message.messageId(), message.to(), Instant.EPOCH,
        Instant.EPOCH).build())).isSameAs(recording.found);
    counting.close();

    assertThat(recording.calls).containsExactly("name", "capabilities", "send", "validateOptions", "parseWebhook",
        "lookup", "close");
    assertThat(((ForwardingSmsProvider) counting).delegate()).isSameAs(recording);
  }

  @Test
  void aMissingDelegateIsRefusedByName() {
    assertThatThrownBy(() -> new ForwardingSmsProvider(null) {})
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("delegate"));
  }
}
