package org.smskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;

/** The assertions' narrowing, counts and failure messages, on sent messages made here (no database needed). */
class SentAssertTest {
  private static final String OURS = "+14155550100";
  private static final String ADA = "+14155550123";
  private static final String ALAN = "+442079460958";

  private static final SentSms SHIPPED = sms(ADA, "Your order 42 has shipped");
  private static final SentSms INVOICE = new SentSms(UUID.randomUUID(), "SM2", ADA, OURS, null, "Invoice",
      List.of(URI.create("https://erp.test/i/42.png")), 1, "SIM-1");
  private static final SentSms LONG = sms(ALAN, "x".repeat(170));
  private static final List<SentSms> SENT = List.of(SHIPPED, INVOICE, LONG);

  private static SentSms sms(String to, String body) {
    return SentSms.of(new org.smskit.core.simulated.SimulatedNetwork.Sent("SM" + to.length() + body.length(),
        "SIM-1", org.smskit.core.spi.OutboundMessage.sms(UUID.randomUUID(),
            org.smskit.core.phone.PhoneNumber.of(OURS), org.smskit.core.phone.PhoneNumber.of(to), body)));
  }

  private static SentAssert assertSent() {
    return SentAssert.of(SENT);
  }

  @Test
  void narrowingFindsTheMatchingMessages() {
    assertThat(assertSent().sentTo(ADA).hasSent(2).withBodyContaining("order 42").single()).isEqualTo(SHIPPED);
    assertThat(assertSent().sentFrom(OURS).withMedia("https://erp.test/i/42.png").single()).isEqualTo(INVOICE);
    assertThat(assertSent().withSegments(2).withMediaCount(0).single()).isEqualTo(LONG);
    assertThat(assertSent().withMessageId(INVOICE.messageId()).messages()).containsExactly(INVOICE);
    assertThat(assertSent().withBody("Invoice").sentTo(ADA).messages()).containsExactly(INVOICE);
    assertSent().hasSent(3).nothingSentTo("+14155550199").sentTo(ALAN).once();
  }

  @Test
  void segmentsAreCountedAsTheSimulatedProviderCountsThem() {
    assertThat(SHIPPED.segments()).isEqualTo(1);
    assertThat(LONG.segments()).isEqualTo(2);
    assertThat(sms(ADA, "ж".repeat(70)).segments()).isEqualTo(1); // UCS-2: 70 characters in one segment
    assertThat(sms(ADA, "ж".repeat(71)).segments()).isEqualTo(2);
  }

  @Test
  void aMissingRecipientFailsListingEverythingThatWasSent() {
    assertThatThrownBy(() -> assertSent().sentTo("+14155550199"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a message sent to +14155550199, but none was.")
        .hasMessageContaining("Sent (3):")
        .hasMessageContaining("1. to +14155550123 from +14155550100: \"Your order 42 has shipped\" (1 segment)")
        .hasMessageContaining("2. to +14155550123 from +14155550100: \"Invoice\" (1 segment) media"
            + " [https://erp.test/i/42.png]")
        .hasMessageContaining("3. to +442079460958 from +14155550100: \"xxx");
  }

  @Test
  void aFailedNarrowingNamesTheWholeChain() {
    assertThatThrownBy(() -> assertSent().sentTo(ADA).withBodyContaining("order 43"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a message sent to +14155550123 with body containing \"order 43\", but none"
            + " was.");
    assertThatThrownBy(() -> assertSent().sentTo(ALAN).withSegments(1))
        .hasMessageContaining("Expected a message sent to +442079460958 of 1 segment, but none was.");
    assertThatThrownBy(() -> assertSent().withMedia("https://erp.test/other.png"))
        .hasMessageContaining("Expected a message with media https://erp.test/other.png, but none was.");
  }

  @Test
  void aWrongCountSaysHowManyThereWere() {
    assertThatThrownBy(() -> assertSent().hasSent(2))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected 2 messages sent, but there were 3.");
    assertThatThrownBy(() -> assertSent().sentTo(ADA).once())
        .hasMessageContaining("Expected 1 message sent to +14155550123, but there were 2.");
    assertThatThrownBy(() -> assertSent().sentTo(ADA).single())
        .hasMessageContaining("Expected 1 message sent to +14155550123, but there were 2.");
    assertThatThrownBy(() -> assertSent().hasSentNothing())
        .hasMessageContaining("Expected 0 messages sent, but there were 3.");
  }

  @Test
  void nothingSentToFailsNamingTheRecipient() {
    assertThatThrownBy(() -> assertSent().nothingSentTo(ALAN))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected no message sent to +442079460958, but there was 1.")
        .hasMessageContaining("Sent (3):");
  }

  @Test
  void whenNothingWasSentTheMessageSaysSo() {
    assertThatThrownBy(() -> SentAssert.of(List.of()).sentTo(ADA))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected a message sent to +14155550123, but none was.")
        .hasMessageContaining("Nothing was sent.");
  }

  @Test
  void aDescriptionGivenWithAsStaysWithTheNarrowedAssertion() {
    assertThatThrownBy(() -> assertSent().as("order confirmation").sentTo(ADA).withBody("nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("[order confirmation] ");
  }

  @Test
  void bodiesWithFormatCharactersAreQuotedAsTheyAre() {
    SentSms percent = sms(ADA, "50% off %s today");
    assertThatThrownBy(() -> SentAssert.of(List.of(percent)).withBody("nope"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("\"50% off %s today\"");
  }

  @Test
  void numbersMustBeNumbersOrSenderIds() {
    assertThatThrownBy(() -> assertSent().sentTo("+0123")).isInstanceOf(InvalidInputException.class);
  }
}
