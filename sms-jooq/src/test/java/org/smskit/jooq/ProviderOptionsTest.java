package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.BulkMessage;
import org.smskit.jooq.sending.BulkSummary;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.twilio.TwilioProviderFactory;

/**
 * Per-message provider options: checked by the account's provider when the message is queued (nothing written when
 * refused), stored with the message, and handed to the provider by whichever node dispatches it.
 */
class ProviderOptionsTest extends DispatchTestBase {

  private static final ProviderOptions OPTIONS = ProviderOptions.builder().validity(Duration.ofMinutes(10))
      .raw("simulated", "Tag", "invoice-42").raw("twilio", "ContentSid", "HX" + "0123456789abcdef".repeat(2))
      .build();

  @Test
  void optionsAreStoredWithTheQueuedMessageAndSentByAnotherNodesDispatcher() {
    // Twilio is installed too, so that its raw parameters may ride along for a fallback account.
    SmsService node = otherNode(b -> b.providers(SmsProviders.of(providers, new TwilioProviderFactory())));
    World w = world(node);
    SendReceipt receipt = node.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("Your invoice")
        .options(OPTIONS).build());

    String stored = node.inTransaction((Repositories r) -> r.dsl().fetchValue(
        "SELECT provider_options::text FROM smskit.sms_messages WHERE tenant_id = ? AND id = ?", r.tenant(),
        receipt.messageId())).toString();
    assertThat(stored).contains("\"validity\": \"PT10M\"").contains("\"Tag\": \"invoice-42\"")
        .contains("\"ContentSid\"");

    List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    providers.onSend((message, simulated) -> {
      sent.add(message);
      return simulated.send(message);
    });
    Dispatcher dispatcher = dispatcher(otherNode(b -> { }), config().build());
    drain(dispatcher);

    assertThat(sent).singleElement().satisfies(m -> {
      assertThat(m.messageId()).isEqualTo(receipt.messageId());
      assertThat(m.validity()).isEqualTo(Duration.ofMinutes(10));
      // Only the simulated provider's own parameters: Twilio's stay behind.
      assertThat(m.options()).isEqualTo(Map.of("Tag", "invoice-42"));
    });
    // Recording the outcome (one UPDATE for the batch's messages) writes what the message value carries and
    // leaves the options where they are, for a later attempt or an audit.
    assertThat(node.inTransaction((Repositories r) -> r.dsl().fetchValue(
        "SELECT provider_options::text FROM smskit.sms_messages WHERE tenant_id = ? AND id = ?", r.tenant(),
        receipt.messageId())).toString()).isEqualTo(stored);
  }

  @Test
  void messagesWithoutOptionsStoreNone() {
    World w = world();
    UUID id = sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("plain").build()).messageId();
    Object stored = sms.inTransaction((Repositories r) -> r.dsl().fetchValue(
        "SELECT provider_options FROM smskit.sms_messages WHERE tenant_id = ? AND id = ?", r.tenant(), id));
    assertThat(stored).isNull();
  }

  @Test
  void optionsTheProviderRefusesAreRefusedAtQueueTimeWithNothingWritten() {
    World w = world();
    List<Long> before = allRows();
    Map<ProviderOptions, String> refused = new java.util.LinkedHashMap<>();
    refused.put(ProviderOptions.builder().validity(Duration.ofDays(2)).build(), "options.validity");
    refused.put(ProviderOptions.builder().raw("simulated", "body", "other text").build(), "options.body");
    refused.put(ProviderOptions.builder().raw("nosuch", "x", "y").build(), "options.nosuch");
    refused.forEach((options, field) -> {
      for (SendRequest request : List.of(
          SendRequest.to(CUSTOMER).fromService(w.service()).body("hi").options(options).build(),
          SendRequest.to(CUSTOMER).fromNumber(w.primary().id()).body("hi").idempotencyKey("k-" + field)
              .options(options).build())) {
        assertThatThrownBy(() -> sms.queue(request)).as("%s", options)
            .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
      }
    });
    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(0);
  }

  @Test
  void bulkMessagesCarryTheirOptionsToEveryRecipientAndRefuseBadOnesBeforeQueuing() {
    World w = world();
    ProviderOptions options = ProviderOptions.builder().validity(Duration.ofHours(1)).build();
    BulkSummary summary = sms.bulkSend(BulkMessage.of(w.service(), "Sale", null).withOptions(options),
        List.of("+14155550111", "+14155550112"), rejected -> { });
    assertThat(summary.queued()).isEqualTo(2);
    List<String> stored = sms.inTransaction((Repositories r) -> r.dsl().fetch(
        "SELECT provider_options::text FROM smskit.sms_messages WHERE tenant_id = ? ORDER BY to_number", r.tenant())
        .getValues(0, String.class));
    assertThat(stored).containsExactly("{\"validity\": \"PT1H\"}", "{\"validity\": \"PT1H\"}");
    assertThat(sms.inTransaction((Repositories r) -> r.dsl().fetchValue(
        "SELECT count(*) FROM smskit.sms_messages WHERE tenant_id = ? AND provider_options IS NULL", r.tenant())))
        .isEqualTo(0L);

    List<Long> before = allRows();
    assertThatThrownBy(() -> sms.bulkSend(BulkMessage.of(w.service(), "Sale", null)
        .withOptions(ProviderOptions.builder().raw("simulated", "to", "+14155550199").build()),
        List.of("+14155550113"), rejected -> { }))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("options.to"));
    assertThat(allRows()).isEqualTo(before);
    sms.bulkSend(BulkMessage.of(w.service(), "No options", null), List.of("+14155550114"), rejected -> { });
    assertThat(sms.inTransaction((Repositories r) -> r.dsl().fetchValue(
        "SELECT count(*) FROM smskit.sms_messages WHERE tenant_id = ? AND provider_options IS NULL", r.tenant())))
        .isEqualTo(1L);
  }
}
