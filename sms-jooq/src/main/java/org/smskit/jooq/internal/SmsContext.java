package org.smskit.jooq.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * What the parts of one {@code SmsService} share: the database and its transactions (with events published after
 * commit), credentials and provider instances, the normaliser, the clock, the webhook base URL, the background
 * workers and the accounts' pauses. The capabilities (sending, dispatch, webhooks, inbox, opt-outs, accounts) depend
 * on this narrow context, never on the facade. Internal to smskit: not an API.
 */
public final class SmsContext {
  private static final Logger log = LoggerFactory.getLogger(SmsContext.class);

  private final DataSource dataSource;
  private final SchemaConfig schema;
  private final SmsDatabase db;
  private final Credentials credentials;
  private final ProviderCache providers;
  private final PhoneNumbers phones;
  private final Clock clock;
  private final List<SmsListener> listeners;
  private final @Nullable URI webhookBaseUrl;
  private final Set<Worker> workers = new CopyOnWriteArraySet<>();
  private final AccountPauses pauses = new AccountPauses();
  private final SenderDirectory senders = new SenderDirectory(this);

  public SmsContext(DataSource dataSource, SchemaConfig schema, SmsDatabase db, Credentials credentials,
      ProviderCache providers, PhoneNumbers phones, Clock clock, List<SmsListener> listeners,
      @Nullable URI webhookBaseUrl) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.db = db;
    this.credentials = credentials;
    this.providers = providers;
    this.phones = phones;
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
    this.webhookBaseUrl = webhookBaseUrl;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public SchemaConfig schema() {
    return schema;
  }

  public SmsDatabase db() {
    return db;
  }

  public Credentials credentials() {
    return credentials;
  }

  public ProviderCache providers() {
    return providers;
  }

  public PhoneNumbers phones() {
    return phones;
  }

  public Clock clock() {
    return clock;
  }

  public AccountPauses pauses() {
    return pauses;
  }

  /** Accounts, numbers and services, remembered briefly for sending. */
  public SenderDirectory senders() {
    return senders;
  }

  /** The background workers started through this service (dispatchers). */
  public Set<Worker> workers() {
    return workers;
  }

  /** Tells the background workers that work arrived. */
  public void wakeWorkers() {
    workers.forEach(Worker::wake);
  }

  /** The clock's instant at the database's precision (microseconds). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * The public URL at which the webhooks of an account are expected: {@code <webhookBaseUrl>/<tenant>/<accountId>};
   * empty when no base URL was configured.
   */
  public Optional<URI> webhookUrl(TenantId tenant, UUID accountId) {
    if (webhookBaseUrl == null) {
      return Optional.empty();
    }
    String base = webhookBaseUrl.toString();
    String path = base.endsWith("/") ? base : base + "/";
    return Optional.of(URI.create(path + tenant.value() + "/" + accountId));
  }

  /** Runs {@code work} in one transaction for {@code tenant}, then tells the listeners what it did. */
  public <T> T write(TenantId tenant, Function<Tx, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    T result = db.inTransaction(tenant, r -> {
      events.clear(); // a retried transaction starts over
      return work.apply(new Tx(r, events, tenant));
    });
    publish(events);
    return result;
  }

  /** Runs {@code work} in one transaction across tenants, then tells the listeners what it did. */
  public <T> T writeAcross(Function<Across, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    T result = db.inTransactionAcrossTenants(dsl -> {
      events.clear(); // a retried transaction starts over
      return work.apply(new Across(dsl, db, events));
    });
    publish(events);
    return result;
  }

  /** Runs {@code work} in one transaction for {@code tenant}, with nothing to publish. */
  public <T> T read(TenantId tenant, SmsDatabase.Work<T> work) {
    return db.inTransaction(tenant, work);
  }

  /** Tells the listeners of events whose writes committed (for work done outside {@link #write}). */
  public void publish(List<SmsEvent> events) {
    for (SmsEvent event : events) {
      for (SmsListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("smskit listener {} failed on {}: {}", listener.getClass().getName(),
              event.getClass().getSimpleName(), e.toString());
        }
      }
    }
  }
}
