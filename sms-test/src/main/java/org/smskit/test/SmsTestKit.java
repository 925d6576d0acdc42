package org.smskit.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
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
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
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
  /** A flush that claims this many batches has met a loop (a message that is due again at once), not an outbox. */
  private static final int MAX_FLUSH_ROUNDS = 10_000;

  private final SmsService root;
  private final SmsService service;
  private final KitProviderFactory providers;
  private final DispatcherConfig dispatcherConfig;
  private final Dispatcher flusher;
  private final @Nullable EmbeddedDatabase database;
  private final List<Sender> senders = new CopyOnWriteArrayList<>();
  private final AtomicInteger accounts = new AtomicInteger();
  private volatile int forgotten;
  private @Nullable Dispatcher background;

  private SmsTestKit(Builder b, SmsService root, @Nullable EmbeddedDatabase database) {
    this.root = root;
    this.service = root.forTenant(b.tenant);
    this.providers = b.providers;
    this.dispatcherConfig = b.dispatcherConfig;
    this.flusher = root.dispatcher(b.dispatcherConfig);
    this.database = database;
  }

  /** A kit on a fresh database of an embedded PostgreSQL (one server per JVM), migrated; close drops the database. */
  public static SmsTestKit embedded() {
    return builder().build();
  }

  /** A kit on the host's database (an empty one, or one migrated by smskit), migrated. The host closes it. */
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
    // The token is the HMAC key of the simulated webhooks: one per account, as real accounts have.
    UUID account = service.registerSenderAccount(name, SimulatedProvider.NAME, "SIM-" + n,
        "sms-test-token-" + n + "-" + UUID.randomUUID()).id();
    SenderPhoneNumber phone = service.addPhoneNumber(account, number, name, true);
    UUID serviceId = service.createService(account, name, serviceType, null, null, null).id();
    Sender sender = new Sender(account, phone.id(), phone.phoneNumber(), serviceId, webhookUrl(account));
    senders.add(sender);
    log.debug("sms-test registered simulated sender {} ({})", name, phone.phoneNumber());
    return sender;
  }

  /** The senders {@link #addSender} registered, in order. */
  public List<Sender> senders() {
    return List.copyOf(senders);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Sending

  /**
   * Sends every message that is due now, on the calling thread, until the outbox has nothing due: what {@code
   * queue}, {@code bulkSend} or a committed host transaction left queued. Rate limits do not apply (the kit's
   * dispatcher is unlimited unless {@link Builder#dispatcher} says otherwise); messages scheduled later, or queued
   * again after a retryable failure, wait for their time on the service's clock. Returns how many messages were
   * claimed (sent or failed).
   *
   * @throws IllegalStateException when messages keep coming due after 10,000 batches
   */
  public int flush() {
    int total = 0;
    for (int round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      int claimed = flusher.runOnce();
      if (claimed == 0) {
        return total;
      }
      total += claimed;
    }
    throw new IllegalStateException("the outbox never ran dry: " + total + " messages claimed in "
        + MAX_FLUSH_ROUNDS + " batches");
  }

  /**
   * Starts a background dispatcher (the kit's dispatcher settings), for tests of code that expects one; it stops
   * on {@link #close()}. Wait for its sends with {@link #awaitSent}. Starting it again returns the same one.
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
   * Configures a {@link SmsTestKit}. Defaults: an embedded PostgreSQL, a random encryption key, tenant
   * {@link TenantId#DEFAULT}, webhook base URL {@link #DEFAULT_WEBHOOK_BASE_URL}, a dispatcher without rate limits,
   * migration on build.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private KeyProvider keys = StaticKeyProvider.of("sms-test", AesKeys.generate());
    private TenantId tenant = TenantId.DEFAULT;
    private URI webhookBaseUrl = DEFAULT_WEBHOOK_BASE_URL;
    private DispatcherConfig dispatcherConfig = DispatcherConfig.builder().workers(1).batchSize(100)
        .longCodeRate(0).tollFreeRate(0).accountRate(SimulatedProvider.NAME, 0).build();
    private Consumer<SmsService.Builder> options = b -> {};
    private boolean migrate = true;
    private final KitProviderFactory providers = new KitProviderFactory(new SimulatedNetwork());

    private Builder() {}

    /** The host's database; the host keeps it open and closes it (default: an embedded PostgreSQL's). */
    public Builder dataSource(DataSource value) { dataSource = Require.nonNull(value, "dataSource"); return this; }

    /** The keys that encrypt the simulated accounts' tokens (default: a random key of this kit's). */
    public Builder keys(KeyProvider value) { keys = Require.nonNull(value, "keys"); return this; }

    /** The tenant {@link #service()} acts for (default {@link TenantId#DEFAULT}). */
    public Builder tenant(TenantId value) { tenant = Require.nonNull(value, "tenant"); return this; }

    /** The public base URL webhooks are signed for (default {@link #DEFAULT_WEBHOOK_BASE_URL}). */
    public Builder webhookBaseUrl(URI value) { webhookBaseUrl = Require.nonNull(value, "webhookBaseUrl"); return this; }

    /** How {@link #flush()} and {@link #startDispatcher()} dispatch (default: one worker, no rate limits). */
    public Builder dispatcher(DispatcherConfig value) { dispatcherConfig = Require.nonNull(value, "dispatcher"); return this; }

    /**
     * The host's options of the service (region, clock, listeners, schema, quiet hours...), applied after the kit's
     * own. The providers are the kit's whatever these say: the simulated provider is what the kit drives.
     */
    public Builder service(Consumer<SmsService.Builder> value) { options = Require.nonNull(value, "service"); return this; }

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
        root = builder.providers(SmsProviders.of(providers)).build();
        if (migrate) {
          root.migrate();
        }
        return new SmsTestKit(this, root, embedded);
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
