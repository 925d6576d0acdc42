package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smskit.core.PageRequest;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

class SmsServiceSmokeTest {
  static TestDatabase db;
  static SmsService sms;
  static SimulatedNetwork network = new SimulatedNetwork();
  static List<SmsEvent> events = new ArrayList<>();

  @BeforeAll
  static void start() {
    db = TestPostgres.newDatabase();
    sms = SmsService.builder(db.dataSource(), StaticKeyProvider.of("k1", AesKeys.generate()))
        .providers(SmsProviders.of(new SimulatedProviderFactory(network)))
        .defaultRegion("US")
        .webhookBaseUrl(URI.create("https://erp.example.com/sms/webhooks"))
        .listener(events::add)
        .build();
    sms.migrate();
  }

  @AfterAll
  static void stop() {
    sms.close();
    db.close();
  }

  @Test
  void sendReceiveAndDeliver() {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM1", "token-1").id();
    sms.addPhoneNumber(account, "(415) 555-0100", "Main line", true);
    UUID support = sms.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();

    SendReceipt receipt = sms.send(SendRequest.to("(415) 555-0111").fromService(support).body("Hello").build());
    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    String sid = network.sent().get(0).providerMessageId();

    URI hook = sms.webhookUrl(account).orElseThrow();
    WebhookOutcome delivered = sms.handleWebhook(account, network.statusCallback(hook, sid, MessageStatus.DELIVERED,
        null));
    assertThat(delivered.result()).isEqualTo(WebhookOutcome.Result.APPLIED);

    SimulatedProvider provider = (SimulatedProvider) sms.provider(account);
    var inbound = provider.inboundMessage(hook, PhoneNumber.of("+14155550111"), PhoneNumber.of("+14155550100"),
        "Thanks!", List.of());
    assertThat(sms.handleWebhook(account, inbound).result()).isEqualTo(WebhookOutcome.Result.STORED);
    assertThat(sms.handleWebhook(account, inbound).result()).isEqualTo(WebhookOutcome.Result.DUPLICATE);

    Conversation conversation = sms.inbox(PageRequest.first(10)).items().get(0).conversation();
    assertThat(conversation.conversationId()).isEqualTo("n:+14155550100:+14155550111");
    assertThat(conversation.messageCount()).isEqualTo(2);
    assertThat(conversation.unreadCount()).isEqualTo(1);
    assertThat(sms.timeline(conversation.conversationId(), PageRequest.first(10)).items())
        .extracting(v -> v.message().status()).containsExactly(MessageStatus.DELIVERED, MessageStatus.RECEIVED);
    assertThat(sms.markConversationRead(conversation.conversationId()).unreadCount()).isZero();
    assertThat(events).hasAtLeastOneElementOfType(SmsEvent.InboundMessageReceived.class);
  }
}
