package org.smskit.jooq.internal;

import java.net.URI;
import java.sql.Connection;
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
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.jooq.event.AfterCommit;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.event.SmsListener;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * What the parts of one {@code SmsService} share: the database and its transactions (with events published after
 * commit), credentials and provider instances, the normaliser, the clock, the webhook base URL, the background
 * workers and the accounts' pauses. Work that joined the host's transaction defers its events (and the wake of the
 * workers) to the host's {@link AfterCommit}. The capabilities (sending, dispatch, webhooks, inbox, opt-outs, accounts) depend
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
  private final AfterCommit afterCommit;
  private final SmsMetrics metrics;
  private final Set<Worker> workers;
  private final AccountPauses pauses;
  private final SenderDirectory senders;

  public SmsContext(DataSource dataSource, SchemaConfig schema, SmsDatabase db, Credentials credentials,
      ProviderCache providers, PhoneNumbers phones, Clock clock, List<SmsListener> listeners,
      @Nullable URI webhookBaseUrl, AfterCommit afterCommit, SmsMetrics metrics) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.db = db;
    this.credentials = credentials;
    this.providers = providers;
    this.phones = phones;
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
    this.webhookBaseUrl = webhookBaseUrl;
    this.afterCommit = afterCommit;
    this.metrics = SmsMetrics.guarded(metrics);
    this.workers = new CopyOnWriteArraySet<>();
    this.pauses = new AccountPauses();
    this.senders = new SenderDirectory(this);
  }

  /** {@code base} with another database and hook: its workers, pauses and remembered senders are shared. */
  private SmsContext(SmsContext base, SmsDatabase db, AfterCommit afterCommit) {
    this.dataSource = base.dataSource;
    this.schema = base.schema;
    this.db = db;
    this.credentials = base.credentials;
    this.providers = base.providers;
    this.phones = base.phones;
    this.clock = base.clock;
    this.listeners = base.listeners;
    this.webhookBaseUrl = base.webhookBaseUrl;
    this.afterCommit = afterCommit;
    this.metrics = base.metrics;
    this.workers = base.workers;
    this.pauses = base.pauses;
    this.senders = base.senders;
  }

  /**
   * This context with every unit of work in the transaction of {@code connection}, the host's, under a savepoint;
   * what must wait for the host's commit goes to {@code afterCommit}.
   */
  public SmsContext joining(Connection connection, AfterCommit afterCommit) {
    return new SmsContext(this, db.joining(connection), afterCommit);
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

  /** Where events are counted (guarded: it never throws). Count work that writes through {@link Tx#onCommit}. */
  public SmsMetrics metrics() {
    return metrics;
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

  /**
   * Runs {@code work} in one transaction for {@code tenant}, then tells the listeners what it did (after the host's
   * commit when it joined the host's transaction).
   */
  public <T> T write(TenantId tenant, Function<Tx, T> work) {
    return writeUnit(tenant, work).value();
  }

  /** As {@link #write}, saying whether the work joined the host's transaction. */
  public <T> SmsDatabase.Unit<T> writeUnit(TenantId tenant, Function<Tx, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    List<Runnable> onCommit = new ArrayList<>();
    SmsDatabase.Unit<T> unit = db.unitOfWork(tenant, r -> {
      events.clear(); // a retried transaction starts over
      onCommit.clear();
      return work.apply(new Tx(r, events, tenant, onCommit));
    });
    afterCommit(unit.joined(), () -> committed(events, onCommit));
    return unit;
  }

  /** Runs {@code work} in one transaction across tenants, then tells the listeners what it did. */
  public <T> T writeAcross(Function<Across, T> work) {
    List<SmsEvent> events = new ArrayList<>();
    List<Runnable> onCommit = new ArrayList<>();
    SmsDatabase.Unit<T> unit = db.unitAcrossTenants(dsl -> {
      events.clear(); // a retried transaction starts over
      onCommit.clear();
      return work.apply(new Across(dsl, db, events, onCommit));
    });
    afterCommit(unit.joined(), () -> committed(events, onCommit));
    return unit.value();
  }

  /**
   * Runs {@code action} now, after work that committed on its own; or hands it to the host's {@link AfterCommit}
   * when the work {@code joined} the host's transaction, which has not committed yet.
   */
  public void afterCommit(boolean joined, Runnable action) {
    if (joined) {
      afterCommit.afterCommit(action);
    } else {
      action.run();
    }
  }

  private void committed(List<SmsEvent> events, List<Runnable> onCommit) {
    // Metrics first: they are quick and guarded, listeners may be slow.
    onCommit.forEach(Runnable::run);
    publish(events);
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
