package org.smskit.test;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.Require;
import org.smskit.core.StorageException;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.webhooks.WebhookOutcome;

/**
 * An {@link SmsService} on a simulated network, for a host application's tests: what MockWebServer is for HTTP.
 * The host's code uses {@link #service()} as it would the production service; the test registers senders, runs
 * what was queued through the network, asserts on what went out ({@link SmsAssertions}), plays the customer's side
 * (signed inbound messages and status reports that take the production webhook path) and scripts provider failures.
 *
 * <pre>{@code
 * try (SmsTestKit kit = SmsTestKit.embedded()) {
 *   Sender sender = kit.addSender("+14155550100");
 *   orders.confirm(42, kit.service(), sender.serviceId());        // the host's code, which queues an SMS
 *   kit.flush();                                                   // sends what was queued, on this thread
 *   SmsAssertions.assertThat(kit).sentTo("+14155550123").withBodyContaining("order 42").once();
 *   kit.inbound().from("+14155550123").body("STOP").deliver();     // signed, verified, applied
 * }
 * }</pre>
 *
 * <p>The kit starts no thread unless {@link #startDispatcher()} asks for one: {@link SmsService#send} sends on the
 * caller's thread, and {@link #flush()} sends what {@code queue}, {@code bulkSend} or the host's transactions left
 * queued. Thread-safe. {@link #close()} closes the service and, for {@link #embedded()}, drops the database.
 */
public final class SmsTestKit implements AutoCloseable {
  /** The public webhook base URL the kit's service is configured with, unless the builder names another. */
  public static final URI DEFAULT_WEBHOOK_BASE_URL = URI.create("https://erp.test/sms/webhooks");

  private static final Logger log = LoggerFactory.getLogger(SmsTestKit.class);
  /**
   * The key id and key of the default key provider. Public in the source, so fit for simulated tokens only: a kit
   * on a database with real credentials needs {@link Builder#keys} with the real keys.
   */
  private static final String TEST_KEY_ID = "sms-test";
  private static final String TEST_KEY = "plQGx/NyR26jA1Fi9WXLOeSMLlNLiLE+WiX4YN9fMUU=";
  /**
   * A round sends all that is due; another is needed only when sending made more due (a reply, a failover). A flush
   * still finding work after this many has met a message that is due again at once.
   */
  private static final int MAX_FLUSH_ROUNDS = 100;

  private final SmsService root;
  private final SmsService service;
  private final KitProviderFactory providers;
  private final DispatcherConfig dispatcherConfig;
  private final KitClock clock;
  private final @Nullable EmbeddedDatabase database;
  private final DataSource dataSource;
  private final List<Sender> senders = new CopyOnWriteArrayList<>();
  private final AtomicInteger accounts = new AtomicInteger();
  private volatile int forgotten;
  private @Nullable Dispatcher background;

  private SmsTestKit(SmsService root, TenantId tenant, KitProviderFactory providers, KitClock clock,
      DispatcherConfig dispatcherConfig, @Nullable EmbeddedDatabase database, DataSource dataSource) {
    this.root = root;
    this.dataSource = dataSource;
    this.service = root.forTenant(tenant);
    this.providers = providers;
    this.clock = clock;
    this.dispatcherConfig = dispatcherConfig;
    this.database = database;
  }

  /** A kit on a fresh database of an embedded PostgreSQL (one server per JVM), migrated; close drops the database. */
  public static SmsTestKit embedded() {
    return builder().build();
  }

  /**
   * A kit on the host's database (an empty one, or one migrated by smskit), migrated. The data source stays the
   * host's: {@link #close()} does not close it.
   */
  public static SmsTestKit on(DataSource dataSource) {
    return builder().dataSource(dataSource).build();
  }

  /** A kit with options; without {@link Builder#dataSource} it runs on an embedded PostgreSQL. */
  public static Builder builder() {
    return new Builder();
  }

  /** The service for the host's code under test: the kit's tenant, the simulated provider, the kit's settings. */
  public SmsService service() {
    return service;
  }

  /** The simulated network behind the provider, for what the kit does not wrap. */
  public SimulatedNetwork network() {
    return providers.network();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Senders

  /**
   * Registers a simulated sender in one call: an account of the simulated provider, {@code number} as its primary
   * number and a transactional messaging service over it. The first sender added is where {@link #inbound()}
   * delivers by default.
   *
   * @throws org.smskit.core.phone.InvalidPhoneNumberException when {@code number} is not a number
   */
  public Sender addSender(String number) {
    return addSender("Simulated " + (accounts.get() + 1), ServiceType.TRANSACTIONAL, number);
  }

  /** Registers a simulated sender as {@link #addSender(String)} does, with a name and a service type of its own. */
  public Sender addSender(String name, ServiceType serviceType, String number) {
    Require.nonNull(name, "name");
    Require.nonNull(serviceType, "serviceType");
    Require.nonNull(number, "number");
    int n = accounts.incrementAndGet();
    // One transaction, so that a number the service refuses (not a phone number, or another account's) leaves no
    // account behind.
    record Registered(UUID account, SenderPhoneNumber phone, UUID service) {}
    Registered registered = inOneTransaction(tx -> {
      // The token is the HMAC key of the simulated webhooks: one per account, as real accounts have.
      UUID account = tx.registerSenderAccount(name, SimulatedProvider.NAME, "SIM-" + n,
          "sms-test-token-" + n + "-" + UUID.randomUUID()).id();
      SenderPhoneNumber phone = tx.addPhoneNumber(account, number, name, true);
      return new Registered(account, phone, tx.createService(account, name, serviceType, null, null, null).id());
    });
    Sender sender = new Sender(registered.account(), registered.phone().id(), registered.phone().phoneNumber(),
        registered.service(), webhookUrl(registered.account()));
    senders.add(sender);
    log.debug("sms-test registered simulated sender {} ({})", name, sender.number());
    return sender;
  }

  /** Runs {@code work} on the kit's service joined to one transaction of its own, committed when it returns. */
  private <T> T inOneTransaction(Function<SmsService, T> work) {
    List<Runnable> afterCommit = new ArrayList<>();
    T result;
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        result = work.apply(service.joining(connection, afterCommit::add));
        connection.commit();
      } catch (RuntimeException | SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StorageException("sms-test could not register a sender: " + e.getMessage(), false, e);
    }
    afterCommit.forEach(Runnable::run);
    return result;
  }

  /** The senders {@link #addSender} registered, in order. */
  public List<Sender> senders() {
    return List.copyOf(senders);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends every message of the kit's tenant that is due now on the kit's clock, on the calling thread, until none
   * is: what {@code queue}, {@code bulkSend} or a committed host transaction left queued. Each goes out as
   * {@link SmsService#dispatch} sends it (no rate limit holds it back); messages scheduled later, or queued again
   * after a retryable failure, wait for their time ({@link #advanceClock}). Returns how many were dispatched.
   *
   * <p>Confined to the tenant so that kits sharing a database (one tenant each) never send each other's messages,
   * which a {@link Dispatcher} would: it works across tenants.
   *
   * @throws IllegalStateException when messages keep coming due after 100 rounds
   */
  public int flush() {
    int total = 0;
    for (int round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      List<UUID> due = dueMessages();
      if (due.isEmpty()) {
        return total;
      }
      due.forEach(service::dispatch);
      total += due.size();
    }
    throw new IllegalStateException("the outbox never ran dry: " + total + " messages dispatched in "
        + MAX_FLUSH_ROUNDS + " rounds");
  }

  /** This tenant's messages in the outbox that are due and not leased by a dispatcher, most urgent first. */
  private List<UUID> dueMessages() {
    Instant now = clock.instant();
    return service.inTransaction((Repositories r) -> {
      List<UUID> waiting = new ArrayList<>();
      for (MessageStatus status : List.of(MessageStatus.QUEUED, MessageStatus.SCHEDULED)) {
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
          Page<Message> found = r.messages().byStatusSince(status, Instant.EPOCH, page);
          found.items().forEach(m -> waiting.add(m.id()));
          if (found.next().isEmpty()) {
            break;
          }
          page = PageRequest.after(found.next().get(), PageRequest.MAX_LIMIT);
        }
      }
      // A leased row is due when its lease ends, so "due" also leaves out what a started dispatcher holds.
      return r.outbox().lockAll(waiting).values().stream()
          .filter(e -> !e.dueAt().isAfter(now))
          .sorted(Comparator.comparingInt(OutboxRepository.Entry::priority)
              .thenComparing(OutboxRepository.Entry::dueAt))
          .map(OutboxRepository.Entry::messageId)
          .toList();
    });
  }

  /** Now on the kit's clock, which the service uses. */
  public Instant now() {
    return clock.instant();
  }

  /**
   * Moves the kit's clock (the service's) on by {@code by}: scheduled messages and retries come due, quiet hours
   * end.
   *
   * @throws InvalidInputException when {@code by} is negative: time going back would confuse the outbox
   */
  public void advanceClock(Duration by) {
    Require.nonNull(by, "by");
    if (by.isNegative()) {
      throw new InvalidInputException("by", "must not be negative");
    }
    clock.advance(by);
  }

  /**
   * Starts a background dispatcher (the kit's dispatcher settings), for tests of code that expects one; it stops
   * on {@link #close()}. Unlike {@link #flush()} it works for every tenant of the database, as in production. Wait for its sends with {@link #awaitSent}. Starting it again returns the same one.
   */
  public synchronized Dispatcher startDispatcher() {
    if (background == null) {
      background = root.dispatcher(dispatcherConfig).start();
    }
    return background;
  }

  /**
   * Waits until at least {@code count} messages were sent (since the last {@link #reset()}), for a background
   * dispatcher; returns them.
   *
   * @throws AssertionError naming what was sent when {@code timeout} passes first
   */
  public List<SentSms> awaitSent(int count, Duration timeout) {
    Require.nonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<SentSms> sent = sent();
      if (sent.size() >= count) {
        return sent;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(String.format("Expected %d message(s) sent within %s, but %d were.%n%s", count,
            timeout, sent.size(), SentAssert.describe(sent)));
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for sends", e);
      }
    }
  }

  /** Every message the simulated network accepted since the kit started (or was {@link #reset()}), in order. */
  public List<SentSms> sent() {
    List<SimulatedNetwork.Sent> all = network().sent();
    return all.subList(Math.min(forgotten, all.size()), all.size()).stream().map(SentSms::of).toList();
  }

  /**
   * The last message sent.
   *
   * @throws AssertionError when nothing was sent
   */
  public SentSms lastSent() {
    List<SentSms> sent = sent();
    if (sent.isEmpty()) {
      throw new AssertionError("Expected a message sent, but nothing was.");
    }
    return sent.get(sent.size() - 1);
  }

  /**
   * Makes the next send fail as {@code failure} says, whichever account sends it; calls queue up, each failing
   * one send in turn.
   */
  public void failNextSend(SendFailure failure) {
    providers.failNext(Require.nonNull(failure, "failure"));
  }

  /** Makes the next {@code times} sends fail as {@code failure} says. */
  public void failNextSends(int times, SendFailure failure) {
    Require.nonNull(failure, "failure");
    if (times < 1) {
      throw new InvalidInputException("times", "must be at least 1");
    }
    for (int i = 0; i < times; i++) {
      providers.failNext(failure);
    }
  }

  /**
   * Forgets the messages sent so far (for {@link #sent()} and the assertions) and the scripted failures not yet
   * used, so that a kit shared by a test class starts each test clean. The database is left as it is.
   */
  public void reset() {
    providers.clearFailures();
    forgotten = network().sent().size();
  }

  // ---------------------------------------------------------------------------------------------------------
  // The customer's side

  /** An inbound SMS or MMS from a customer to one of the host's numbers, signed as the provider would sign it. */
  public InboundBuilder inbound() {
    return new InboundBuilder(this);
  }

  /**
   * A status report for a message the simulated network accepted, signed as its provider would sign it.
   *
   * @param messageId smskit's id of the message ({@code SendReceipt.messageId()}, {@link SentSms#messageId()})
   */
  public StatusReportBuilder statusReport(UUID messageId) {
    return new StatusReportBuilder(this, Require.nonNull(messageId, "messageId"));
  }

  /** Reports that the message was delivered (a signed status webhook through {@link SmsService#handleWebhook}). */
  public WebhookOutcome reportDelivered(UUID messageId) {
    return statusReport(messageId).delivered().deliver();
  }

  /** Reports that the message failed with the provider's {@code errorCode} (for example Twilio's 30003). */
  public WebhookOutcome reportFailed(UUID messageId, String errorCode) {
    return statusReport(messageId).failed(Require.nonNull(errorCode, "errorCode")).deliver();
  }

  /**
   * Hands a webhook request (from {@link InboundBuilder#request()} or {@link StatusReportBuilder#request()}, kept,
   * repeated or altered by the test) to {@link SmsService#handleWebhook} for the account its URL names, as the
   * host's endpoint routes {@code <webhookBaseUrl>/<tenant>/<accountId>}.
   *
   * @throws InvalidInputException when the URL's last segment is not an account id
   * @throws org.smskit.core.spi.WebhookVerificationException when the signature does not match
   */
  public WebhookOutcome deliver(WebhookRequest request) {
    Require.nonNull(request, "request");
    String path = request.url().getPath();
    UUID account;
    try {
      account = UUID.fromString(path.substring(path.lastIndexOf('/') + 1));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("url", "must end in the account id (<webhookBaseUrl>/<tenant>/<accountId>)", e);
    }
    return service.handleWebhook(account, request);
  }

  /** Closes the service (and a started dispatcher) and, for an embedded kit, drops its database. */
  @Override
  public void close() {
    try {
      root.close();
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // For the builders of webhooks

  Sender defaultSender() {
    if (senders.isEmpty()) {
      throw new InvalidInputException("to", "is required: name one of your numbers, or addSender() one first");
    }
    return senders.get(0);
  }

  /** The account that owns our number {@code to}, in the kit's tenant. */
  UUID accountOf(PhoneNumber to) {
    return service.inTransaction((Repositories r) -> r.phoneNumbers().findByNumber(to))
        .map(SenderPhoneNumber::accountId)
        .orElseThrow(() -> new NotFoundException("sender phone number", to.masked()));
  }

  /** The account that sent {@code message}: its number's, or its messaging service's. */
  UUID accountOf(Message message) {
    return service.inTransaction((Repositories r) -> {
      if (message.senderPhoneNumberId() != null) {
        return r.phoneNumbers().get(message.senderPhoneNumberId()).accountId();
      }
      if (message.serviceAccountId() != null) {
        return r.serviceAccounts().get(message.serviceAccountId()).senderAccountId();
      }
      throw new InvalidInputException("message_id", "names a message with neither a sender number nor a service");
    });
  }

  /** The simulated provider of an account, which holds the account's signing key. */
  SimulatedProvider simulated(UUID accountId) {
    SmsProvider provider = service.provider(accountId);
    if (provider instanceof KitProviderFactory.KitProvider kit) {
      return kit.simulated();
    }
    throw new InvalidInputException("sender_account_id", "is an account of provider " + provider.name()
        + "; the kit simulates accounts of provider " + SimulatedProvider.NAME + " only");
  }

  URI webhookUrl(UUID accountId) {
    return service.webhookUrl(accountId).orElseThrow(() -> new InvalidInputException("webhookBaseUrl",
        "is required: webhooks are signed for the account's URL under it"));
  }

  /**
   * Configures a {@link SmsTestKit}. Defaults: an embedded PostgreSQL, the kit's fixed test key, tenant
   * {@link TenantId#DEFAULT}, webhook base URL {@link #DEFAULT_WEBHOOK_BASE_URL}, a dispatcher without rate limits,
   * migration on build.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private KeyProvider keys = StaticKeyProvider.of(TEST_KEY_ID, AesKeys.fromBase64("sms-test", TEST_KEY));
    private TenantId tenant = TenantId.DEFAULT;
    private URI webhookBaseUrl = DEFAULT_WEBHOOK_BASE_URL;
    private DispatcherConfig dispatcherConfig = DispatcherConfig.builder().workers(1).batchSize(100)
        .longCodeRate(0).tollFreeRate(0).accountRate(SimulatedProvider.NAME, 0).build();
    private Consumer<SmsService.Builder> options = b -> {};
    private Clock clock = Clock.systemUTC();
    private boolean migrate = true;

    private Builder() {}

    /** The host's database; the host keeps it open and closes it (default: an embedded PostgreSQL's). */
    public Builder dataSource(DataSource value) { dataSource = Require.nonNull(value, "dataSource"); return this; }

    /**
     * The keys that encrypt the simulated accounts' tokens (default: the kit's fixed test key, id {@code sms-test},
     * the same in every kit so that kits can share a database: smskit refuses a second key under one id).
     */
    public Builder keys(KeyProvider value) { keys = Require.nonNull(value, "keys"); return this; }

    /** The tenant {@link #service()} acts for (default {@link TenantId#DEFAULT}). */
    public Builder tenant(TenantId value) { tenant = Require.nonNull(value, "tenant"); return this; }

    /** The public base URL webhooks are signed for (default {@link #DEFAULT_WEBHOOK_BASE_URL}). */
    public Builder webhookBaseUrl(URI value) { webhookBaseUrl = Require.nonNull(value, "webhookBaseUrl"); return this; }

    /** How {@link SmsTestKit#startDispatcher()} dispatches (default: one worker, no rate limits). */
    public Builder dispatcher(DispatcherConfig value) { dispatcherConfig = Require.nonNull(value, "dispatcher"); return this; }

    /**
     * The host's options of the service (region, listeners, schema, quiet hours...), applied after the kit's own.
     * The providers and the clock are the kit's whatever these say: the kit drives the simulated provider and time.
     */
    public Builder service(Consumer<SmsService.Builder> value) { options = Require.nonNull(value, "service"); return this; }

    /**
     * The service's clock, which {@link SmsTestKit#advanceClock} moves on (default: the system clock, UTC). The kit
     * owns the clock: one set through {@link #service} is replaced by this one.
     */
    public Builder clock(Clock value) { clock = Require.nonNull(value, "clock"); return this; }

    /** Whether the kit migrates the schema when built (default true). */
    public Builder migrate(boolean value) { migrate = value; return this; }

    /**
     * Builds the service and migrates the schema.
     *
     * @throws org.smskit.core.StorageException when the embedded PostgreSQL cannot create a database
     */
    public SmsTestKit build() {
      EmbeddedDatabase embedded = dataSource == null ? EmbeddedDatabase.create() : null;
      SmsService root = null;
      try {
        SmsService.Builder builder = SmsService.builder(embedded != null ? embedded.dataSource() : dataSource, keys)
            .webhookBaseUrl(webhookBaseUrl);
        options.accept(builder);
        // Each kit its own network and clock, also when one builder builds several.
        KitProviderFactory providers = new KitProviderFactory(new SimulatedNetwork());
        KitClock kitClock = new KitClock(clock);
        root = builder.providers(SmsProviders.of(providers)).clock(kitClock).build();
        if (migrate) {
          root.migrate();
        }
        return new SmsTestKit(root, tenant, providers, kitClock, dispatcherConfig, embedded,
            embedded != null ? embedded.dataSource() : dataSource);
      } catch (RuntimeException e) {
        if (root != null) {
          root.close();
        }
        if (embedded != null) {
          embedded.close();
        }
        throw e;
      }
    }
  }
}
