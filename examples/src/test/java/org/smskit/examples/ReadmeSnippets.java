package org.smskit.examples;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.accounts.RotationReport;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.analysis.AnalysisWorker;
import org.smskit.jooq.dispatch.DispatchStats;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.reporting.DeliveryStats;
import org.smskit.jooq.schema.RowLevelSecurity;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.BulkMessage;
import org.smskit.jooq.sending.BulkSummary;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.micrometer.MicrometerMetrics;
import org.smskit.micrometer.SmsGauges;
import org.smskit.test.SendFailure;
import org.smskit.test.Sender;
import org.smskit.test.SmsAssertions;
import org.smskit.test.SmsTestKit;

/** The README's code blocks, compiled; {@link ReadmeSnippetsTest} checks that the README still matches them. */
final class ReadmeSnippets {
  private ReadmeSnippets() {}

  interface Orders {
    void markNotified(String metadataJson, Instant deliveredAt);
  }

  interface Tickets {
    void appendReply(String from, String body);
  }

  static BulkSummary streamedBulk(SmsService sms, UUID serviceId, Iterable<String> recipientsFromYourQuery,
      org.slf4j.Logger log) {
    BulkSummary summary = sms.bulkSend(BulkMessage.of(serviceId, "Spring sale: 20% off", "spring-26"),
        recipientsFromYourQuery,                 // any Iterable<String>, read as needed
        rejected -> log.info("{} {}", rejected.outcome(), rejected.reason()));  // only those not queued
    return summary;
  }

  static SendReceipt providerOptions(SmsService sms, UUID serviceId) {
    ProviderOptions options = ProviderOptions.builder()
        .validity(Duration.ofMinutes(10))                                  // Twilio ValidityPeriod=600, Vonage ttl=600000
        .raw("twilio", "ContentSid", "HX0123456789abcdef0123456789abcdef") // read by Twilio only
        .raw("vonage", "entity-id", "1101456789")                          // read by Vonage only (a fallback account)
        .build();
    SendReceipt queued = sms.queue(SendRequest.to("(415) 555-0123").fromService(serviceId).body("Your code is 4711")
        .options(options).build());
    return queued;
  }

  static SmsService rowLevelSecurity(DataSource adminDataSource, DataSource appPool, DataSource workerPool,
      DataSource ownerPool, KeyProvider keys, String ownerPw, String appPw, String workerPw) {
    RowLevelSecurity roles = RowLevelSecurity.defaultRoles();        // smskit_owner, smskit_app, smskit_worker
    roles.createRoles(adminDataSource, "smskit", ownerPw, appPw, workerPw); // optional: or create them yourself
    SchemaConfig config = SchemaConfig.defaults().withRowLevelSecurity(roles);
    SmsService sms = SmsService.builder(appPool, keys)               // the pool of smskit_app
        .schema(config)
        .workerDataSource(workerPool)                                // the pool of smskit_worker: dispatch
        .migrationDataSource(ownerPool)                              // the pool of smskit_owner: migrate()
        .build();
    sms.migrate();
    return sms;
  }

  static SmsService metrics(DataSource dataSource, KeyProvider keys, MeterRegistry registry) {
    SmsService sms = SmsService.builder(dataSource, keys).metrics(new MicrometerMetrics(registry)).build();
    new SmsGauges(sms).bindTo(registry); // queue depth, oldest age, held, open circuits: sampled every 15 s at most
    return sms;
  }

  static DispatchStats dispatching(SmsService sms) {
    Dispatcher dispatcher = sms.dispatcher(DispatcherConfig.builder().workers(2).batchSize(20).build()).start();
    DispatchStats stats = sms.dispatchStats(); // queued, sending, held, retrying, failedLastHour, oldestQueuedAge
    dispatcher.close();
    return stats;
  }

  static boolean rotation(SmsService sms, List<TenantId> tenants) {
    boolean retireOldKey = true;
    for (TenantId tenant : tenants) {
      RotationReport report = sms.forTenant(tenant).rotateCredentials();
      retireOldKey &= report.complete(); // report.unreadableAccounts() names what still needs an old key
    }
    return retireOldKey;
  }

  static SmsListener listener(Orders orders, Tickets tickets) {
    SmsListener onDelivery = event -> {
      if (event instanceof SmsEvent.MessageStatusChanged changed
          && changed.message().status() == MessageStatus.DELIVERED) {
        orders.markNotified(changed.message().metadataJson(), changed.message().deliveredAt());
      } else if (event instanceof SmsEvent.InboundMessageReceived inbound) {
        tickets.appendReply(inbound.message().from().value(), inbound.message().body());
      }
    };
    return onDelivery;
  }

  static Page<Conversation> analysis(SmsService sms, String conversationId) {
    AnalysisWorker worker = sms.analytics().worker(AnalysisConfig.defaults()).start(); // all tenants; sms.close() stops it
    Conversation now = sms.analytics().analyze(conversationId);        // on demand, whatever changed
    Page<Conversation> worst = sms.analytics()
        .bySentiment(-1, -0.3, ConversationState.OPEN, PageRequest.first(20)); // most negative open ones first
    worker.close();
    return now == null ? null : worst;
  }

  static List<DeliveryStats> deliveryAndCost(SmsService sms) {
    Instant to = Instant.now(), from = to.minus(Duration.ofDays(30));
    for (DeliveryStats s : sms.deliveryAnalytics().byService(from, to)) {      // byCampaign, bySenderNumber too
      System.out.printf("%s: %d sent, %.1f%% delivered, %d segments, %s, failures %s%n", s.label(), s.messages(),
          100 * s.deliveryRate().orElse(0), s.segments(), s.cost(), s.failureReasons());
    }
    List<DeliveryStats> days = sms.deliveryAnalytics().byDay(from, to, ZoneId.of("Europe/Paris"));
    return days;
  }

  static void remoteAnalyzer(SmsService sms) {
    sms.analytics().useAnalyzer("openai",
        Map.of("baseUrl", "https://api.openai.com/v1", "model", "gpt-4o-mini"),
        Map.of("apiKey", System.getenv("OPENAI_API_KEY")));          // stored encrypted like provider tokens
  }

  static void saveOrderAndQueueSms(DataSource dataSource, SmsService sms, UUID serviceId, String phone)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      List<Runnable> afterCommit = new ArrayList<>();
      try (PreparedStatement order = connection.prepareStatement("INSERT INTO orders (phone) VALUES (?)")) {
        order.setString(1, phone);
        order.executeUpdate();
        sms.joining(connection, afterCommit::add)
            .queue(SendRequest.to(phone).fromService(serviceId).body("We received your order").build());
        connection.commit();                   // the order and its SMS, or neither
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
      afterCommit.forEach(Runnable::run);      // listeners hear now, after the commit
    }
  }

  /** The test kit's paragraph; {@link ReadmeSnippetsTest} runs it (its assertion and webhook throw if they fail). */
  static void testKit() {
    try (SmsTestKit kit = SmsTestKit.embedded()) {
      Sender sender = kit.addSender("+14155550100");      // a simulated account, number and service in one call
      kit.service().queue(SendRequest.to("+14155550123").fromService(sender.serviceId())
          .body("Your order 42 has shipped").build());    // in a real test: the host's code, given kit.service()
      kit.flush();                                        // sends what was queued, on this thread
      SmsAssertions.assertThat(kit).sentTo("+14155550123").withBodyContaining("order 42").once();
      kit.inbound().from("+14155550123").body("STOP").deliver();  // signed, verified, applied
      kit.failNextSend(SendFailure.serverError());        // or rateLimited, recipientOptedOut, answerLost...
    }
  }
}
