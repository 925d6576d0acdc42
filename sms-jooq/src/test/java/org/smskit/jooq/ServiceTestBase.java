package org.smskit.jooq;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.InboundMedia;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.schema.ErpTables;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestRoles;
import org.smskit.jooq.testing.TestPostgres;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * Base of the {@link SmsService} end-to-end tests: one fresh database per class (with the ERP stand-in tables and
 * foreign keys to them), one service over the {@link TestProviderFactory} simulated provider and a settable
 * clock, and a fresh tenant per test, so that every test starts from empty tables without creating a database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceTestBase {
  static final SchemaConfig CONFIG = SchemaConfig.defaults().withErpTables(ErpTables.standard("public"));
  static final Instant T0 = Instant.parse("2024-01-15T10:00:00Z");
  static final URI HOOK_BASE = URI.create("https://erp.example.com/sms/hooks");
  static final String OUR_PRIMARY = "+14155550100";
  static final String OUR_SECOND = "+14155550101";
  static final String CUSTOMER = "+14155550123";
  private static final AtomicInteger TENANTS = new AtomicInteger();

  final SecretKey key = AesKeys.generate();
  final TestProviderFactory providers = new TestProviderFactory();
  final MutableClock clock = new MutableClock(T0);
  final List<SmsEvent> events = new CopyOnWriteArrayList<>();
  private final List<SmsService> opened = new ArrayList<>();

  TestDatabase db;
  /** The roles and pools of row level security, when {@link #rowLevelSecurity()}. */
  TestRoles rls;
  SmsService root;
  TenantId tenant;
  SmsService sms;

  /**
   * True for a class that runs its tests under row level security: the services' pool is the application role's
   * (a pool of two), dispatch runs on the worker role's, and the owner migrates.
   */
  boolean rowLevelSecurity() {
    return false;
  }

  /** Options of this class's service beyond the defaults of {@link #builder()}. */
  void configure(SmsService.Builder builder) {}

  @BeforeAll
  void startService() {
    db = TestPostgres.newDatabase();
    db.createErpStandIn("public");
    if (rowLevelSecurity()) {
      rls = TestRoles.create(db, CONFIG.schema());
    }
    root = service(this::configure);
    root.migrate();
  }

  @AfterAll
  void stopService() {
    opened.forEach(SmsService::close);
    if (db != null) {
      db.close();
    }
    if (rls != null) {
      rls.close();
    }
  }

  @BeforeEach
  void newTenant() {
    providers.reset();
    clock.set(T0);
    events.clear();
    tenant = TenantId.of(getClass().getSimpleName().toLowerCase() + "-" + TENANTS.incrementAndGet());
    sms = root.forTenant(tenant);
  }

  /** A builder over the class database with the test providers, clock and event list. */
  SmsService.Builder builder() {
    return builder(StaticKeyProvider.of("k1", key));
  }

  /** A builder as {@link #builder()} with other keys. */
  SmsService.Builder builder(KeyProvider keys) {
    return builder(keys, ds -> ds);
  }

  /** A builder as {@link #builder()} whose connections (each role's, under row level security) pass {@code wrap}. */
  SmsService.Builder builder(UnaryOperator<DataSource> wrap) {
    return builder(StaticKeyProvider.of("k1", key), wrap);
  }

  private SmsService.Builder builder(KeyProvider keys, UnaryOperator<DataSource> wrap) {
    SmsService.Builder builder = SmsService.builder(wrap.apply(rls == null ? db.dataSource() : rls.app()), keys)
        .schema(rls == null ? CONFIG : CONFIG.withRowLevelSecurity(rls.roles()))
        .providers(SmsProviders.of(providers))
        .defaultRegion("US")
        .clock(clock)
        .webhookBaseUrl(HOOK_BASE)
        .listener(events::add);
    return rls == null ? builder
        : builder.workerDataSource(wrap.apply(rls.worker())).migrationDataSource(rls.owner());
  }

  /** Another service over the same database, with other options, closed after the class. */
  SmsService service(Consumer<SmsService.Builder> options) {
    return service(builder(), options);
  }

  /** A service from {@code builder} with {@code options}, for this test's tenant, closed after the class. */
  SmsService service(SmsService.Builder builder, Consumer<SmsService.Builder> options) {
    options.accept(builder);
    SmsService built = builder.build();
    opened.add(built);
    return tenant == null ? built : built.forTenant(tenant);
  }

  SimulatedNetwork network() {
    return providers.network();
  }

  // ---------------------------------------------------------------------------------------------------------
  // A sender world: one simulated account with a primary and a second number, and a support service.

  record World(UUID account, SenderPhoneNumber primary, SenderPhoneNumber second, UUID service, URI hook) {}

  World world() {
    return world(sms);
  }

  World world(SmsService on) {
    UUID account = on.registerSenderAccount("Main", "simulated", "SIM-" + on.tenant(), "token-" + on.tenant()).id();
    SenderPhoneNumber primary = on.addPhoneNumber(account, "(415) 555-0100", "Main line", true);
    SenderPhoneNumber second = on.addPhoneNumber(account, "415.555.0101", "Second line", false);
    UUID service = on.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();
    return new World(account, primary, second, service, on.webhookUrl(account).orElseThrow());
  }

  SimulatedProvider simulated(SmsService on, UUID account) {
    return ((TestProviderFactory.TestProvider) on.provider(account)).simulated();
  }

  /** The signed webhook of an inbound message from {@code from} to our {@code to}. */
  WebhookRequest inbound(World w, String from, String to, String body, InboundMedia... media) {
    return inbound(sms, w, from, to, body, media);
  }

  WebhookRequest inbound(SmsService on, World w, String from, String to, String body, InboundMedia... media) {
    return simulated(on, w.account()).inboundMessage(w.hook(), Address.parse("from", from), PhoneNumber.of(to), body,
        List.of(media));
  }

  WebhookOutcome receive(World w, String from, String body) {
    return sms.handleWebhook(w.account(), inbound(w, from, OUR_PRIMARY, body));
  }

  /** The signed status callback for the message the simulated network knows as {@code sid}. */
  WebhookOutcome callback(World w, String sid, MessageStatus status, String errorCode) {
    return sms.handleWebhook(w.account(), network().statusCallback(w.hook(), sid, status, errorCode));
  }

  String lastSid() {
    List<SimulatedNetwork.Sent> sent = network().sent();
    return sent.get(sent.size() - 1).providerMessageId();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reading back

  Message stored(UUID messageId) {
    return sms.message(messageId).message();
  }

  List<MessageStatusEvent> history(UUID messageId) {
    return sms.inTransaction((Repositories r) -> r.statusEvents().listByMessage(messageId));
  }

  /** This test's rows in an smskit table. */
  long rows(String table) {
    return rows(sms, table);
  }

  long rows(SmsService on, String table) {
    return on.inTransaction((Repositories r) -> (long) r.dsl().fetchCount(DSL.table(DSL.name("smskit", table)),
        DSL.field(DSL.name("tenant_id")).eq(r.tenant())));
  }

  /** Row counts of every table a send, a webhook or a host operation may write. */
  List<Long> allRows() {
    List<Long> counts = new ArrayList<>();
    for (String table : List.of("sms_sender_accounts", "sms_sender_phone_numbers", "sms_service_accounts",
        "sms_contacts", "sms_meta_conversation", "sms_messages", "sms_attachments", "sms_reactions",
        "sms_message_status_events", "sms_opt_outs", "sms_message_keys")) {
      counts.add(rows(table));
    }
    return counts;
  }

  <E extends SmsEvent> List<E> events(Class<E> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** A clock the test sets. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    Instant advance(Duration by) {
      return now.updateAndGet(i -> i.plus(by));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
