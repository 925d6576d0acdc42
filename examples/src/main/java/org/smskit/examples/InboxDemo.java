package org.smskit.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.smskit.core.PageRequest;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.analysis.AnalysisWorker;
import org.smskit.jooq.inbox.MessageView;
import org.smskit.jooq.optout.RecipientOptedOutException;
import org.smskit.jooq.repository.ConversationRepository.InboxEntry;
import org.smskit.jooq.schema.ErpTables;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.sending.MediaItem;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/**
 * The main example, end to end on an embedded PostgreSQL that it starts itself: migrate the schema, register a
 * sender account with two numbers and two messaging services, send SMS and an MMS, receive replies and delivery
 * callbacks through the simulated provider's signed webhooks (the same verification path a real provider's take),
 * honour a STOP, mark messages read, and print the inbox.
 *
 * <p>Run it with {@code mvn -q -DskipTests -Pexample verify}. With {@code TWILIO_ACCOUNT_SID},
 * {@code TWILIO_AUTH_TOKEN}, {@code TWILIO_FROM} and {@code SMS_DEMO_TO} set (or {@code VONAGE_API_KEY},
 * {@code VONAGE_API_SECRET}, {@code VONAGE_FROM} and {@code SMS_DEMO_TO}), it also sends one real SMS through that
 * provider.
 */
public final class InboxDemo {
  static final URI WEBHOOKS = URI.create("https://erp.example.com/sms/webhooks");
  static final PhoneNumber SUPPORT_LINE = PhoneNumber.of("+14155550100");
  static final PhoneNumber ADA = PhoneNumber.of("+14155550123");
  static final PhoneNumber ALAN = PhoneNumber.of("+442079460958");

  /** What the demo did, for its test. */
  public record Summary(List<InboxEntry> inbox, int eventCount, boolean stopHonoured, UUID adaConversationMessage) {}

  private InboxDemo() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        HikariDataSource dataSource = pool(postgres.getJdbcUrl("postgres", "postgres"))) {
      run(dataSource, System.out, System.getenv());
    }
  }

  static HikariDataSource pool(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(4);
    config.setPoolName("smskit-demo");
    return new HikariDataSource(config);
  }

  /** Runs the demo against {@code dataSource} (an empty database), printing to {@code out}. */
  public static Summary run(DataSource dataSource, PrintStream out, Map<String, String> env) throws SQLException {
    createErpStandIn(dataSource);
    KeyProvider keys = StaticKeyProvider.of("demo-key", AesKeys.generate());
    SimulatedNetwork network = new SimulatedNetwork();
    List<SmsEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    try (SmsService sms = SmsService.builder(dataSource, keys)
        .schema(SchemaConfig.defaults().withErpTables(ErpTables.standard("public")))
        .providers(SmsProviders.discover().with(new SimulatedProviderFactory(network)))
        .defaultRegion("US")
        .webhookBaseUrl(WEBHOOKS)
        .helpReply("Acme Support: reply STOP to opt out. Help: https://acme.example/help")
        .listener(events::add)
        .build()) {

      out.println("== smskit inbox demo ==");
      out.println("schema version " + sms.migrate());

      UUID account = sms.registerSenderAccount("Acme (simulated)", "simulated", "SIM-ACME", "webhook-signing-secret")
          .id();
      sms.addPhoneNumber(account, "(415) 555-0100", "Support line", true);
      sms.addPhoneNumber(account, "+1 415 555 0199", "Marketing line", false);
      UUID support = sms.createService(account, "Customer support", ServiceType.SUPPORT, null, null, null).id();
      UUID spring = sms.createService(account, "Spring sale", ServiceType.MARKETING, null, 1L, null).id();
      out.println("registered 1 account, 2 numbers, 2 messaging services");

      // Send: typed the way people type numbers; the library picks the sender and normalises to E.164.
      SendReceipt toAda = sms.send(SendRequest.to("(415) 555-0123").fromService(support)
          .body("Hi Ada, your order #1042 has shipped.").idempotencyKey("order-1042-shipped").build());
      SendReceipt again = sms.send(SendRequest.to("415.555.0123").fromService(support)
          .body("Hi Ada, your order #1042 has shipped.").idempotencyKey("order-1042-shipped").build());
      SendReceipt toAlan = sms.send(SendRequest.to("+44 20 7946 0958").fromService(support)
          .body("Hello Alan, your replacement part is on its way 🚚").build());
      SendReceipt mms = sms.send(SendRequest.to("+1 (415) 555-0123").fromService(support)
          .body("Here is your invoice").media(MediaItem.of("https://acme.example/invoices/1042.png", "image/png"))
          .build());
      out.printf("sent 3 messages (the retry with the same idempotency key returned %s)%n",
          again.duplicate() ? "the first message" : "a NEW message");

      // Delivery callbacks and replies arrive as signed webhooks and go through the provider's verification.
      URI hook = sms.webhookUrl(account).orElseThrow();
      SimulatedProvider provider = (SimulatedProvider) sms.provider(account);
      String adaSid = network.sent().get(0).providerMessageId();
      String alanSid = network.sent().get(1).providerMessageId();
      String mmsSid = network.sent().get(2).providerMessageId();
      sms.handleWebhook(account, network.statusCallback(hook, adaSid, MessageStatus.DELIVERED, null));
      sms.handleWebhook(account, network.statusCallback(hook, adaSid, MessageStatus.SENT, null)); // late: ignored
      sms.handleWebhook(account, network.statusCallback(hook, alanSid, MessageStatus.UNDELIVERED, "30003"));
      sms.handleWebhook(account, network.statusCallback(hook, mmsSid, MessageStatus.DELIVERED, null));
      var adaReply = provider.inboundMessage(hook, ADA, SUPPORT_LINE, "Thanks! Here's a photo of the box", List.of(
          new InboundMedia("https://media.example/ME1.jpg", "image/jpeg", "ME1")));
      sms.handleWebhook(account, adaReply);
      sms.handleWebhook(account, adaReply); // delivered twice by the provider: stored once
      sms.handleWebhook(account, provider.inboundMessage(hook, ALAN, SUPPORT_LINE, "STOP", List.of()));
      out.println("received 2 replies (one delivered twice) and 3 delivery callbacks (one late)");

      boolean stopHonoured;
      try {
        sms.send(SendRequest.to("+442079460958").fromService(spring).body("Spring sale: 20% off!").build());
        stopHonoured = false;
      } catch (RecipientOptedOutException e) {
        stopHonoured = true;
        out.println("Alan replied STOP: the marketing send was refused before any provider call");
      }

      sendThroughRealProvider(sms, env, out);

      // Conversation analysis (summary, key points, sentiment) runs in the background in a host:
      // sms.analytics().worker(AnalysisConfig.defaults()).start(). Here one round, with no debounce, on this thread.
      try (AnalysisWorker analysis = sms.analytics().worker(AnalysisConfig.builder().debounce(Duration.ZERO)
          .build())) {
        out.printf("analysed %d conversations offline (lexicon analyzer: no text leaves the process)%n",
            analysis.runOnce());
      }

      String adaConversation = sms.message(toAda.messageId()).message().conversationId();
      UUID adaMessage = sms.timeline(adaConversation, PageRequest.first(10)).items().get(0).message().id();
      sms.linkCustomer(adaConversation, 7); // Ada is customer 7 in the host's CRM
      printInbox(sms, out, "inbox before reading");
      sms.markConversationRead(adaConversation);
      printInbox(sms, out, "inbox after reading Ada's conversation");
      for (InboxEntry entry : sms.inbox(PageRequest.first(10)).items()) {
        printTimeline(sms, out, entry.conversation());
      }
      out.printf("%d events told to listeners; opt-outs on file: %d%n", events.size(),
          sms.optOuts(PageRequest.first(10)).items().size());
      return new Summary(sms.inbox(PageRequest.first(10)).items(), events.size(), stopHonoured, adaMessage);
    }
  }

  private static void printInbox(SmsService sms, PrintStream out, String title) {
    out.println();
    out.println("-- " + title + " --");
    out.printf("%-38s %-14s %8s %7s  %s%n", "conversation", "customer", "messages", "unread", "last activity");
    for (InboxEntry entry : sms.inbox(PageRequest.first(20)).items()) {
      Conversation c = entry.conversation();
      out.printf("%-38s %-14s %8d %7d  %s%n", c.conversationId(),
          entry.customerName() == null ? "-" : entry.customerName(), c.messageCount(), c.unreadCount(),
          c.lastMessageAt());
      if (c.summaryUpdatedAt() != null) {
        out.printf("    sentiment %s%s, summary: %s%n", c.sentimentScore(),
            c.emotion() == null ? "" : " (" + c.emotion() + ")", c.summaryText());
      }
    }
  }

  private static void printTimeline(SmsService sms, PrintStream out, Conversation conversation) {
    out.println();
    out.println("-- timeline " + conversation.conversationId() + " --");
    for (MessageView view : sms.timeline(conversation.conversationId(), PageRequest.first(50)).items()) {
      var m = view.message();
      out.printf("  %-8s %-11s %-7s %s%s%n", m.direction().dbValue(), m.status().dbValue(),
          m.providerErrorCode() == null ? "" : m.providerErrorCode(), m.body() == null ? "" : m.body(),
          view.attachments().isEmpty() ? "" : "  [" + view.attachments().size() + " attachment(s)]");
    }
  }

  /** With real credentials in the environment, one message goes out through Twilio or Vonage. */
  private static void sendThroughRealProvider(SmsService sms, Map<String, String> env, PrintStream out) {
    String to = env.get("SMS_DEMO_TO");
    if (to == null) {
      out.println("(set TWILIO_* or VONAGE_* and SMS_DEMO_TO to also send through a real provider)");
      return;
    }
    UUID account;
    String from;
    if (env.get("TWILIO_ACCOUNT_SID") != null) {
      account = sms.registerSenderAccount("Twilio", "twilio", env.get("TWILIO_ACCOUNT_SID"),
          env.get("TWILIO_AUTH_TOKEN")).id();
      from = env.get("TWILIO_FROM");
    } else if (env.get("VONAGE_API_KEY") != null) {
      account = sms.registerSenderAccount("Vonage", "vonage", env.get("VONAGE_API_KEY"),
          env.get("VONAGE_API_SECRET")).id();
      from = env.get("VONAGE_FROM");
    } else {
      out.println("SMS_DEMO_TO is set but no TWILIO_* or VONAGE_* credentials are");
      return;
    }
    UUID number = sms.addPhoneNumber(account, from, "real", true).id();
    SendReceipt receipt = sms.send(SendRequest.to(to).fromNumber(number).body("Hello from smskit").build());
    out.println("real provider answered: " + receipt.status()
        + (receipt.errorCode() == null ? "" : " (" + receipt.errorCode() + ")"));
  }

  /** The host's ERP tables the SMS module points at; a real host already has them. */
  static void createErpStandIn(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS mkt_campaigns (id bigint PRIMARY KEY, name text NOT NULL);"
          + "CREATE TABLE IF NOT EXISTS project (id bigint PRIMARY KEY, name text NOT NULL);"
          + "CREATE TABLE IF NOT EXISTS crm_customers (id integer PRIMARY KEY, name text NOT NULL);"
          + "CREATE TABLE IF NOT EXISTS sys_users (id integer PRIMARY KEY, name text NOT NULL);"
          + "INSERT INTO mkt_campaigns VALUES (1, 'Spring sale') ON CONFLICT DO NOTHING;"
          + "INSERT INTO crm_customers VALUES (7, 'Ada Lovelace') ON CONFLICT DO NOTHING;");
    }
  }
}
