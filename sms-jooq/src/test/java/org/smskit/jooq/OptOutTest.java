package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.OptOutType;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.inbox.ConversationScope;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.webhooks.WebhookOutcome;

/** STOP/START/HELP keywords, provider signals, scopes, listing and export; refusals before any provider call. */
class OptOutTest extends ServiceTestBase {
  static final String HELP = "Acme Shop: help at acme.example or 800-555-0100. Reply STOP to opt out.";

  @Override
  void configure(SmsService.Builder builder) {
    builder.helpReply(HELP);
  }

  private SendRequest hello(UUID service) {
    return SendRequest.to(CUSTOMER).fromService(service).body("Hello").build();
  }

  private void assertRefused(SendRequest request) {
    List<Long> before = allRows();
    int calls = providers.sendCalls.get();
    int sent = network().sent().size();
    assertThatThrownBy(() -> sms.send(request)).isInstanceOf(RecipientOptedOutException.class);
    assertThat(allRows()).isEqualTo(before);
    assertThat(providers.sendCalls).hasValue(calls);
    assertThat(network().sent()).hasSize(sent);
  }

  @ParameterizedTest
  @ValueSource(strings = {"STOP", "stop", "  Stop  ", "STOP!", "stop.", "Stop?!", "STOPALL", "stopall", "Stop All",
      "UNSUBSCRIBE", "unsubscribe", "CANCEL", "Cancel.", "END", "end", "QUIT", "quit!", "OPTOUT", "opt-out",
      "REVOKE"})
  void stopKeywordsOptOutOfEverySenderBeforeAnyProviderCall(String body) {
    World w = world();
    WebhookOutcome outcome = receive(w, CUSTOMER, body);

    assertThat(outcome.result()).isEqualTo(Result.STORED);
    assertThat(sms.activeOptOuts(CUSTOMER)).singleElement().satisfies(o -> {
      assertThat(o.scope()).isEqualTo(OptOutScope.ALL);
      assertThat(o.source()).isEqualTo(OptOutSource.KEYWORD);
      assertThat(o.keyword()).isEqualTo(body.strip());
      assertThat(o.provider()).isEqualTo("simulated");
      assertThat(o.optedOutAt()).isEqualTo(T0);
    });
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(1);

    RecipientOptedOutException refused = org.junit.jupiter.api.Assertions.assertThrows(
        RecipientOptedOutException.class, () -> sms.send(hello(w.service())));
    assertThat(refused.optOut().phone().value()).isEqualTo(CUSTOMER);
    assertRefused(SendRequest.to("(415) 555-0123").fromNumber(w.second().id()).body("Hi").build());
    assertRefused(SendRequest.to(CUSTOMER).fromAccount(w.account()).body("Hi").build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"stop sending me deals", "Stopped", "please stop", "STOP 2", "unstoppable", "HELPFUL"})
  void wordsThatMerelyContainAKeywordChangeNothing(String body) {
    World w = world();
    receive(w, CUSTOMER, body);

    assertThat(sms.activeOptOuts(CUSTOMER)).isEmpty();
    assertThat(network().sent()).isEmpty();
    sms.send(hello(w.service()));
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void refusedSendWritesNothingAndRaisesNoEvent() {
    World w = world();
    receive(w, CUSTOMER, "STOP");
    events.clear();

    assertRefused(hello(w.service()));
    assertRefused(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").idempotencyKey("k1").build());
    assertThat(events).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"START", "start", "UNSTOP", "Unstop!", "YES", "yes", " Yes. ", "SUBSCRIBE"})
  void startKeywordsOptBackIn(String body) {
    World w = world();
    receive(w, CUSTOMER, "STOP");
    clock.advance(Duration.ofHours(1));

    receive(w, CUSTOMER, body);

    assertThat(sms.activeOptOuts(CUSTOMER)).isEmpty();
    Page<OptOut> all = sms.optOuts(PageRequest.first(10));
    assertThat(all.items()).singleElement().satisfies(o -> {
      assertThat(o.active()).isFalse();
      assertThat(o.optedInAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
      assertThat(o.optInSource()).isEqualTo(OptOutSource.KEYWORD);
    });
    assertThat(events(SmsEvent.RecipientOptedIn.class)).singleElement()
        .satisfies(e -> assertThat(e.ended()).hasSize(1));
    assertThat(sms.send(hello(w.service())).duplicate()).isFalse();
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void stopAgainAfterStartOptsOutAgainAndKeepsTheHistory() {
    World w = world();
    receive(w, CUSTOMER, "STOP");
    receive(w, CUSTOMER, "START");
    receive(w, CUSTOMER, "STOP");
    receive(w, CUSTOMER, "STOP");

    assertThat(sms.activeOptOuts(CUSTOMER)).hasSize(1);
    assertThat(sms.optOuts(PageRequest.first(10)).items()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HELP", "help", "Help?", "INFO", "info."})
  void helpKeywordsGetTheConfiguredReply(String body) {
    World w = world();
    receive(w, CUSTOMER, body);

    SimulatedNetwork.Sent reply = network().sent().get(0);
    assertThat(network().sent()).hasSize(1);
    assertThat(reply.message().body()).isEqualTo(HELP);
    assertThat(reply.message().to().value()).isEqualTo(CUSTOMER);
    assertThat(reply.message().from().value()).isEqualTo(OUR_PRIMARY);
    Message stored = stored(reply.message().messageId());
    assertThat(stored.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(stored.providerMessageSid()).isEqualTo(reply.providerMessageId());
    assertThat(sms.conversation("n:" + OUR_PRIMARY + ":" + CUSTOMER).orElseThrow().messageCount()).isEqualTo(2);
    assertThat(sms.activeOptOuts(CUSTOMER)).isEmpty();
  }

  @Test
  void helpIsRepliedFromTheNumberItWasSentTo() {
    World w = world();
    sms.handleWebhook(w.account(), inbound(w, CUSTOMER, OUR_SECOND, "HELP"));

    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().from().value()).isEqualTo(OUR_SECOND));
  }

  @Test
  void helpReplyStaysInTheConversationOfTheHelpRequest() {
    SmsService perService = service(b -> b.helpReply(HELP).conversationScope(ConversationScope.PER_SERVICE));
    World w = world(perService);

    WebhookOutcome help = perService.handleWebhook(w.account(), inbound(perService, w, CUSTOMER, OUR_PRIMARY,
        "HELP"));

    String key = stored(help.messageId()).conversationId();
    assertThat(key).isEqualTo("s:" + w.service() + ":" + CUSTOMER);
    Message reply = stored(network().sent().get(0).message().messageId());
    assertThat(reply.conversationId()).isEqualTo(key);
    assertThat(reply.serviceAccountId()).isEqualTo(w.service());
    assertThat(perService.conversation(key).orElseThrow().messageCount()).isEqualTo(2);
    assertThat(rows("sms_meta_conversation")).isEqualTo(1);
  }

  @Test
  void helpFromAnOptedOutRecipientIsStoredAndAnswered() {
    World w = world();
    receive(w, CUSTOMER, "STOP");

    WebhookOutcome outcome = receive(w, CUSTOMER, "HELP");

    assertThat(outcome.result()).isEqualTo(Result.STORED);
    assertThat(stored(outcome.messageId()).body()).isEqualTo("HELP");
    assertThat(network().sent()).singleElement().satisfies(s -> assertThat(s.message().body()).isEqualTo(HELP));
    assertThat(sms.activeOptOuts(CUSTOMER)).hasSize(1);
    assertRefused(hello(w.service()));
  }

  @Test
  void withoutAConfiguredReplyHelpIsOnlyStored() {
    SmsService quiet = service(b -> b.helpReply(null));
    World w = world(quiet);

    WebhookOutcome outcome = quiet.handleWebhook(w.account(), inbound(quiet, w, CUSTOMER, OUR_PRIMARY, "HELP"));

    assertThat(outcome.result()).isEqualTo(Result.STORED);
    assertThat(network().sent()).isEmpty();
    assertThat(rows("sms_messages")).isEqualTo(1);
  }

  @Test
  void providersOwnOptOutAndOptInSignalsAreHonoured() {
    World w = world();
    sms.recordEvent(w.account(), new InboundMessageEvent("simulated", "SMp1", PhoneNumber.of(CUSTOMER),
        PhoneNumber.of(OUR_PRIMARY), "Arrêtez", List.of(), null, OptOutType.STOP, Instant.now(), "{}"));

    assertThat(sms.activeOptOuts(CUSTOMER)).singleElement()
        .satisfies(o -> assertThat(o.source()).isEqualTo(OptOutSource.PROVIDER));
    assertRefused(hello(w.service()));

    sms.recordEvent(w.account(), new InboundMessageEvent("simulated", "SMp2", PhoneNumber.of(CUSTOMER),
        PhoneNumber.of(OUR_PRIMARY), "Reprendre", List.of(), null, OptOutType.START, Instant.now(), "{}"));

    assertThat(sms.activeOptOuts(CUSTOMER)).isEmpty();
    sms.send(hello(w.service()));
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void keywordScopeCanBeMarketingOnly() {
    SmsService marketingOnly = service(b -> b.keywordOptOutScope(OptOutScope.MARKETING));
    World w = world(marketingOnly);
    UUID promo = marketingOnly.createService(w.account(), "Promo", ServiceType.MARKETING, null, null, null).id();

    marketingOnly.handleWebhook(w.account(), inbound(marketingOnly, w, CUSTOMER, OUR_PRIMARY, "STOP"));

    assertThat(marketingOnly.activeOptOuts(CUSTOMER)).singleElement()
        .satisfies(o -> assertThat(o.scope()).isEqualTo(OptOutScope.MARKETING));
    assertThatThrownBy(() -> marketingOnly.send(hello(promo))).isInstanceOf(RecipientOptedOutException.class);
  }

  @Test
  void serviceScopeRefusesOnlyThatService() {
    World w = world();
    UUID other = sms.createService(w.account(), "Billing", ServiceType.TRANSACTIONAL, null, null, null).id();
    sms.optOut(CUSTOMER, OptOutScope.SERVICE, w.service(), null);

    assertRefused(hello(w.service()));
    sms.send(hello(other));
    sms.send(SendRequest.to(CUSTOMER).fromNumber(w.primary().id()).body("Direct").build());
    assertThat(network().sent()).hasSize(2);
  }

  @Test
  void campaignScopeRefusesEveryServiceOfThatCampaign() {
    db.execute("INSERT INTO public.mkt_campaigns (id, name) VALUES (4101, 'Spring'), (4102, 'Summer')"
        + " ON CONFLICT DO NOTHING");
    World w = world();
    UUID spring1 = sms.createService(w.account(), "Spring A", ServiceType.CAMPAIGN, null, 4101L, null).id();
    UUID spring2 = sms.createService(w.account(), "Spring B", ServiceType.MARKETING, null, 4101L, null).id();
    UUID summer = sms.createService(w.account(), "Summer", ServiceType.CAMPAIGN, null, 4102L, null).id();
    sms.optOut("(415) 555-0123", OptOutScope.CAMPAIGN, null, 4101L);

    assertRefused(hello(spring1));
    assertRefused(hello(spring2));
    sms.send(hello(summer));
    sms.send(hello(w.service()));
    assertThat(network().sent()).hasSize(2);
  }

  @Test
  void marketingScopeRefusesTransactionalServicesUnlessExplicitlyAllowed() {
    World w = world();
    UUID promo = sms.createService(w.account(), "Promo", ServiceType.MARKETING, null, null, null).id();
    UUID receipts = sms.createService(w.account(), "Receipts", ServiceType.TRANSACTIONAL, null, null, null).id();
    sms.optOut(CUSTOMER, OptOutScope.MARKETING, null, null);

    assertRefused(hello(promo));
    assertRefused(hello(receipts));

    SmsService lenient = service(b -> b.transactionalIgnoresMarketingOptOut(true));
    assertThatThrownBy(() -> lenient.send(hello(promo))).isInstanceOf(RecipientOptedOutException.class);
    SendReceipt receipt = lenient.send(hello(receipts));
    assertThat(stored(receipt.messageId()).serviceAccountId()).isEqualTo(receipts);
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void transactionalOptionDoesNotBypassAnAllSendersOptOut() {
    World w = world();
    UUID receipts = sms.createService(w.account(), "Receipts", ServiceType.TRANSACTIONAL, null, null, null).id();
    sms.optOut(CUSTOMER, OptOutScope.ALL, null, null);

    SmsService lenient = service(b -> b.transactionalIgnoresMarketingOptOut(true));
    assertThatThrownBy(() -> lenient.send(hello(receipts))).isInstanceOf(RecipientOptedOutException.class);
  }

  @Test
  void optOutsAreListedOldestFirstPageByPage() {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      sms.optOut("+1415555020" + i, OptOutScope.ALL, null, null);
    }

    Page<OptOut> first = sms.optOuts(PageRequest.first(2));
    Page<OptOut> second = sms.optOuts(PageRequest.after(first.next().orElseThrow(), 2));
    Page<OptOut> third = sms.optOuts(PageRequest.after(second.next().orElseThrow(), 2));

    assertThat(first.items()).extracting(o -> o.phone().value()).containsExactly("+14155550200", "+14155550201");
    assertThat(second.items()).extracting(o -> o.phone().value()).containsExactly("+14155550202", "+14155550203");
    assertThat(third.items()).extracting(o -> o.phone().value()).containsExactly("+14155550204");
    assertThat(third.hasNext()).isFalse();
  }

  @Test
  void optOutsExportAsCsv() {
    World w = world();
    sms.optOut(CUSTOMER, OptOutScope.SERVICE, w.service(), null);
    clock.advance(Duration.ofMinutes(1));
    receive(w, "+14155550124", "Stop!");
    clock.advance(Duration.ofMinutes(1));
    receive(w, "+14155550124", "start");

    StringWriter csv = new StringWriter();
    sms.exportOptOuts(csv);

    assertThat(csv.toString().split("\n")).containsExactly(
        "phone,scope,service_account_id,campaign_id,source,keyword,provider,opted_out_at,opted_in_at,opt_in_source",
        CUSTOMER + ",service," + w.service() + ",,api,,,2024-01-15T10:00:00Z,,",
        "+14155550124,all,,,keyword,\"Stop!\",simulated,2024-01-15T10:01:00Z,2024-01-15T10:02:00Z,keyword");
  }

  @Test
  void apiOptOutAndOptInAreRecordedAndAnnounced() {
    World w = world();
    OptOut out = sms.optOut("415-555-0123", OptOutScope.ALL, null, null);
    assertThat(out.source()).isEqualTo(OptOutSource.API);
    assertThat(sms.optOut(CUSTOMER, OptOutScope.ALL, null, null).id()).isEqualTo(out.id());
    assertRefused(hello(w.service()));

    List<OptOut> ended = sms.optIn(CUSTOMER);

    assertThat(ended).extracting(OptOut::id).containsExactly(out.id());
    assertThat(sms.optIn(CUSTOMER)).isEmpty();
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(2);
    assertThat(events(SmsEvent.RecipientOptedIn.class)).hasSize(1);
    sms.send(hello(w.service()));
  }
}
