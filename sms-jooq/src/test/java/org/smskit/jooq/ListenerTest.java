package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** Listeners hear what committed, only that, and cannot undo it or silence each other. */
class ListenerTest extends ServiceTestBase {

  private boolean committed(UUID messageId) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT count(*) FROM smskit.sms_messages WHERE tenant_id = ? AND id = ?")) {
      s.setString(1, tenant.value());
      s.setObject(2, messageId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1) == 1;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void listenersRunAfterTheWorkCommitted() {
    List<Boolean> visible = new CopyOnWriteArrayList<>();
    SmsService watched = service(b -> b.listener(e -> {
      if (e instanceof SmsEvent.InboundMessageReceived in) {
        visible.add(committed(in.message().id()));
      }
    }));
    World w = world(watched);

    watched.handleWebhook(w.account(), inbound(watched, w, CUSTOMER, OUR_PRIMARY, "Hi"));

    assertThat(visible).containsExactly(true);
  }

  @Test
  void everyKindOfEventReachesTheHostWithItsTenant() {
    World w = world();
    network().failNextSend(ProviderException.Kind.PERMANENT, "21211");
    sms.send(SendRequest.to("+14155550124").fromService(w.service()).body("Hi").build());
    UUID sent = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()).messageId();
    callback(w, lastSid(), MessageStatus.DELIVERED, null);
    receive(w, CUSTOMER, "Thanks");
    String key = "n:" + OUR_PRIMARY + ":" + CUSTOMER;
    db.execute("INSERT INTO public.sys_users (id, name) VALUES (7, 'Sam') ON CONFLICT DO NOTHING");
    sms.assignConversation(key, 7);
    sms.closeConversation(key);
    sms.reopenConversation(key);
    receive(w, CUSTOMER, "STOP");
    receive(w, CUSTOMER, "START");

    assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly(
        "SendFailed", "MessageStatusChanged",
        "MessageStatusChanged",
        "InboundMessageReceived",
        "ConversationAssigned", "ConversationClosed", "ConversationReopened",
        "InboundMessageReceived", "RecipientOptedOut",
        "InboundMessageReceived", "RecipientOptedIn");
    assertThat(events).allSatisfy(e -> assertThat(e.tenant()).isEqualTo(tenant));
    assertThat(events(SmsEvent.MessageStatusChanged.class).get(1)).satisfies(e -> {
      assertThat(e.message().id()).isEqualTo(sent);
      assertThat(e.message().status()).isEqualTo(MessageStatus.DELIVERED);
      assertThat(e.previous()).isEqualTo(MessageStatus.SENDING);
    });
  }

  @Test
  void workThatRolledBackRaisesNoEvent() {
    World w = world();
    sms.optOut(CUSTOMER, OptOutScope.ALL, null, null);
    events.clear();

    assertThatThrownBy(() -> sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()))
        .isInstanceOf(RecipientOptedOutException.class);
    assertThatThrownBy(() -> sms.send(SendRequest.to("+14155550124").fromService(w.service()).body("Hi")
        .metadataJson("[1]").build())).isInstanceOf(InvalidInputException.class);
    var genuine = inbound(w, "+14155550124", OUR_PRIMARY, "Hi");
    var forged = org.smskit.core.spi.WebhookRequest.of("POST", genuine.url(), java.util.Map.of(), genuine.body());
    assertThatThrownBy(() -> sms.handleWebhook(w.account(), forged))
        .isInstanceOf(WebhookVerificationException.class);
    assertThatThrownBy(() -> sms.closeConversation("n:nobody")).isInstanceOf(org.smskit.core.NotFoundException.class);

    assertThat(events).isEmpty();
    assertThat(rows("sms_messages")).isZero();
  }

  @Test
  void failingListenerNeitherUndoesTheWriteNorSilencesTheOthers() {
    List<SmsEvent> after = new CopyOnWriteArrayList<>();
    SmsService fragile = service(b -> b
        .listener(e -> {
          throw new IllegalStateException("host bug");
        })
        .listener(after::add));
    World w = world(fragile);

    SendReceipt receipt = fragile.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build());
    WebhookOutcome in = fragile.handleWebhook(w.account(), inbound(fragile, w, CUSTOMER, OUR_PRIMARY, "STOP"));

    assertThat(receipt.status()).isEqualTo(MessageStatus.SENDING);
    assertThat(committed(receipt.messageId())).isTrue();
    assertThat(committed(in.messageId())).isTrue();
    assertThat(fragile.activeOptOuts(CUSTOMER)).hasSize(1);
    assertThat(after).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("InboundMessageReceived", "RecipientOptedOut");
    // The base listener of every test service heard them too.
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(1);
  }

  @Test
  void listenersHearEventsInTheOrderTheyWereAdded() {
    List<String> order = new CopyOnWriteArrayList<>();
    SmsService ordered = service(b -> b.listener(e -> order.add("first")).listener(e -> order.add("second")));
    World w = world(ordered);

    ordered.handleWebhook(w.account(), inbound(ordered, w, CUSTOMER, OUR_PRIMARY, "Hi"));

    assertThat(order).containsExactly("first", "second");
  }
}
