package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Two tenants in one database, and the service's own setup: migrate, forTenant, close. */
class TenantIsolationServiceTest extends ServiceTestBase {
  private static final String KEY = "n:" + OUR_PRIMARY + ":" + CUSTOMER;

  private SmsService a;
  private SmsService b;
  private World wa;
  private World wb;

  /** Both tenants with the same numbers, one message each way with the same customer. */
  private void twoTenants() {
    a = sms;
    b = sms.forTenant(TenantId.of(tenant.value() + "-b"));
    wa = world(a);
    wb = world(b);
    for (SmsService s : List.of(a, b)) {
      World w = s == a ? wa : wb;
      s.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi from " + s.tenant()).build());
      s.handleWebhook(w.account(), inbound(s, w, CUSTOMER, OUR_PRIMARY, "Reply to " + s.tenant()));
    }
  }

  @Test
  void tenantsWithTheSameNumbersAndKeysDoNotCollide() {
    twoTenants();

    for (SmsService s : List.of(a, b)) {
      assertThat(rows(s, "sms_sender_accounts")).isEqualTo(1);
      assertThat(rows(s, "sms_sender_phone_numbers")).isEqualTo(2);
      assertThat(rows(s, "sms_contacts")).isEqualTo(1);
      assertThat(rows(s, "sms_meta_conversation")).isEqualTo(1);
      assertThat(rows(s, "sms_messages")).isEqualTo(2);
      Conversation c = s.conversation(KEY).orElseThrow();
      assertThat(c.messageCount()).isEqualTo(2);
      assertThat(c.unreadCount()).isEqualTo(1);
      assertThat(s.timeline(KEY, PageRequest.first(10)).items()).extracting(v -> v.message().body())
          .containsExactly("Hi from " + s.tenant(), "Reply to " + s.tenant());
      assertThat(s.inbox(PageRequest.first(10)).items()).hasSize(1);
    }
    assertThat(a.conversation(KEY).orElseThrow().id()).isNotEqualTo(b.conversation(KEY).orElseThrow().id());
    assertThat(a.findContact(CUSTOMER).orElseThrow().id()).isNotEqualTo(b.findContact(CUSTOMER).orElseThrow().id());
    assertThat(events).allSatisfy(e -> assertThat(e.tenant()).isIn(a.tenant(), b.tenant()));
  }

  @Test
  void oneTenantCannotReadOrChangeTheOthersRows() {
    twoTenants();
    UUID aMessage = a.timeline(KEY, PageRequest.first(10)).items().get(1).message().id();

    assertThatThrownBy(() -> b.message(aMessage)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.markRead(aMessage)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.addReaction(aMessage, "like", "1", "x")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.provider(wa.account())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.deactivateSenderAccount(wa.account())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.deactivatePhoneNumber(wa.primary().id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.handleWebhook(wa.account(), inbound(a, wa, CUSTOMER, OUR_PRIMARY, "sneaky")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> b.send(SendRequest.to(CUSTOMER).fromService(wa.service()).body("x").build()))
        .isInstanceOf(NotFoundException.class);

    b.markConversationRead(KEY);
    b.closeConversation(KEY);
    b.optOut(CUSTOMER, OptOutScope.ALL, null, null);

    Conversation mine = a.conversation(KEY).orElseThrow();
    assertThat(mine.unreadCount()).isEqualTo(1);
    assertThat(mine.state()).isEqualTo(org.smskit.core.model.ConversationState.OPEN);
    assertThat(a.activeOptOuts(CUSTOMER)).isEmpty();
    assertThat(a.optOuts(PageRequest.first(10)).items()).isEmpty();
    assertThat(a.message(aMessage).message().readAt()).isNull();
    assertThat(a.send(SendRequest.to(CUSTOMER).fromService(wa.service()).body("still allowed").build()).status())
        .isEqualTo(org.smskit.core.status.MessageStatus.SENDING);
    assertThatThrownBy(() -> b.send(SendRequest.to(CUSTOMER).fromService(wb.service()).body("x").build()))
        .isInstanceOf(RecipientOptedOutException.class);
  }

  @Test
  void sameProviderMessageIdIsStoredOncePerTenant() {
    twoTenants();
    InboundMessageEvent event = new InboundMessageEvent("simulated", "SMshared", PhoneNumber.of(CUSTOMER),
        PhoneNumber.of(OUR_PRIMARY), "same id", List.of(), null, null, Instant.now(), "{}");

    assertThat(a.recordEvent(wa.account(), event).result()).isEqualTo(Result.STORED);
    assertThat(b.recordEvent(wb.account(), event).result()).isEqualTo(Result.STORED);
    assertThat(a.recordEvent(wa.account(), event).result()).isEqualTo(Result.DUPLICATE);
    assertThat(rows(a, "sms_messages")).isEqualTo(3);
    assertThat(rows(b, "sms_messages")).isEqualTo(3);
  }

  @Test
  void statusReportsOfOneTenantDoNotMoveTheOthersMessages() {
    twoTenants();
    String sidOfA = network().sent().get(0).providerMessageId();
    UUID messageOfA = network().sent().get(0).message().messageId();

    WebhookOutcome inB = b.recordEvent(wb.account(), new org.smskit.core.spi.StatusUpdateEvent("simulated", sidOfA,
        messageOfA, org.smskit.core.status.MessageStatus.DELIVERED, "delivered", null, Instant.now(), "{}"));

    assertThat(inB.result()).isEqualTo(Result.UNMATCHED);
    assertThat(a.message(messageOfA).message().status()).isEqualTo(org.smskit.core.status.MessageStatus.SENDING);
  }

  @Test
  void forTenantNamesTheTenantAndTheDefaultIsDefault() {
    assertThat(root.tenant()).isEqualTo(TenantId.DEFAULT);
    assertThat(sms.tenant()).isEqualTo(tenant);
    assertThat(sms.forTenant(TenantId.of("x")).tenant().value()).isEqualTo("x");
    assertThatThrownBy(() -> sms.forTenant(null)).isInstanceOf(org.smskit.core.InvalidInputException.class);
  }

  @Test
  void migrateCreatesTheSchemaInAnEmptyDatabaseAndIsRepeatable() {
    try (TestDatabase fresh = TestPostgres.newDatabase()) {
      SmsService service = SmsService.builder(fresh.dataSource(), StaticKeyProvider.of("k1", key))
          .providers(SmsProviders.of(providers)).build();
      try {
        String version = service.migrate();
        assertThat(version).isNotBlank();
        assertThat(service.migrate()).isEqualTo(version);
        assertThat(fresh.strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'smskit'"))
            .contains("sms_messages", "sms_meta_conversation", "sms_opt_outs", "sms_message_keys");
        UUID account = service.registerSenderAccount("Main", "simulated", "SIM", "tok").id();
        service.addPhoneNumber(account, "+14155550100", null, true);
        assertThat(service.send(SendRequest.to("+14155550123").fromAccount(account).body("Hi").build()).status())
            .isEqualTo(org.smskit.core.status.MessageStatus.SENDING);
        assertThat(fresh.strings("SELECT tenant_id FROM smskit.sms_messages")).containsExactly("default");
      } finally {
        service.close();
      }
    }
  }

  @Test
  void closeClosesEveryProviderItOpened() {
    SmsService own = service(b -> {});
    World w1 = world(own);
    UUID account2 = own.registerSenderAccount("Second", "simulated", "SIM-2", "tok-2").id();
    own.addPhoneNumber(account2, "+14155550150", null, true);
    own.send(SendRequest.to(CUSTOMER).fromAccount(w1.account()).body("Hi").build());
    own.send(SendRequest.to(CUSTOMER).fromAccount(account2).body("Hi").build());
    assertThat(providers.created).hasValue(2);
    assertThat(providers.closed).hasValue(0);

    own.close();

    assertThat(providers.closed).hasValue(2);
  }

  @Test
  void changedAccountGetsAFreshProviderAndTheOldOneIsClosed() {
    World w = world();
    sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build());
    int created = providers.created.get();

    sms.updateAuthToken(w.account(), "new-token");
    sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi again").build());

    assertThat(providers.created).hasValue(created + 1);
    assertThat(providers.closed).hasValue(1);
  }
}
