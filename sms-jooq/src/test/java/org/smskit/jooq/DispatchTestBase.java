package org.smskit.jooq;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.smskit.core.spi.ProviderException;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/**
 * Base of the dispatch tests: the outbox is emptied before each test (dispatchers claim across tenants, so an
 * earlier test's rows must not leak in), dispatchers are closed after each test, and "other nodes" (services over
 * their own connection pools on the same database) are closed after the class.
 */
abstract class DispatchTestBase extends ServiceTestBase {
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private final List<SmsService> nodes = new ArrayList<>();
  private final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeEach
  void emptyTheOutbox() {
    // Dispatchers claim across tenants: earlier tests' waiting messages go, with their outbox rows (removing only
    // the rows would strand the messages, which the database refuses).
    db.execute("DELETE FROM smskit.sms_messages m USING smskit.sms_outbox o"
        + " WHERE o.tenant_id = m.tenant_id AND o.message_id = m.id");
    db.execute("DELETE FROM smskit.sms_messages m USING smskit.sms_held_messages h"
        + " WHERE h.tenant_id = m.tenant_id AND h.message_id = m.id");
  }

  @AfterEach
  void closeDispatchers() {
    dispatchers.forEach(Dispatcher::close);
    dispatchers.clear();
  }

  @AfterAll
  void closeNodes() {
    nodes.forEach(SmsService::close);
    pools.forEach(HikariDataSource::close);
  }

  /** A dispatcher configuration for step-by-step tests: one worker, big batches. */
  static DispatcherConfig.Builder config() {
    return DispatcherConfig.builder().workers(1).batchSize(50);
  }

  /** A dispatcher of this class's service, not started, closed after the test. */
  Dispatcher dispatcher(DispatcherConfig config) {
    return dispatcher(root, config);
  }

  Dispatcher dispatcher(SmsService on, DispatcherConfig config) {
    Dispatcher dispatcher = on.dispatcher(config);
    dispatchers.add(dispatcher);
    return dispatcher;
  }

  /** A new connection pool on this class's database, as another JVM would have; closed after the class. */
  HikariDataSource newPool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setMaximumPoolSize(size);
    config.setPoolName(db.name() + "-node-" + pools.size());
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return pool;
  }

  /** Another node: a service of its own over its own pool on this class's database, for this test's tenant. */
  SmsService otherNode(Consumer<SmsService.Builder> options) {
    SmsService.Builder builder = SmsService.builder(newPool(10), org.smskit.core.crypto.StaticKeyProvider.of("k1", key))
        .schema(CONFIG)
        .providers(org.smskit.core.spi.SmsProviders.of(providers))
        .defaultRegion("US")
        .clock(clock)
        .webhookBaseUrl(HOOK_BASE);
    options.accept(builder);
    SmsService node = builder.build();
    nodes.add(node);
    return node.forTenant(tenant);
  }

  /** Runs {@code dispatcher} until a claim finds nothing due at the current (test) time. */
  static int drain(Dispatcher dispatcher) {
    int total = 0;
    for (int i = 0; i < 1000; i++) {
      int claimed = dispatcher.runOnce();
      if (claimed == 0) {
        return total;
      }
      total += claimed;
    }
    throw new AssertionError("the dispatcher never ran dry");
  }

  /**
   * Runs {@code dispatcher} with the test clock until the outbox is empty, jumping the clock to each instant a
   * row becomes due, and returns the clock time of every provider call, in order.
   */
  List<Instant> sendTimes(Dispatcher dispatcher) {
    List<Instant> times = new java.util.concurrent.CopyOnWriteArrayList<>();
    providers.onSend((message, simulated) -> {
      times.add(clock.instant());
      return simulated.send(message);
    });
    for (int round = 0; round < 1000; round++) {
      dispatcher.runOnce();
      Optional<Instant> next = nextDue();
      if (next.isEmpty()) {
        return List.copyOf(times);
      }
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
    }
    throw new AssertionError("the outbox never emptied");
  }

  /** The earliest due time in the outbox, any tenant. */
  Optional<Instant> nextDue() {
    List<String> due = db.strings("SELECT to_char(min(due_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        + " FROM smskit.sms_outbox");
    return due.get(0) == null ? Optional.empty() : Optional.of(Instant.parse(due.get(0)));
  }

  /**
   * Outbound messages of any tenant that are stranded: queued or scheduled without an outbox row; sending without
   * an attempt; or sending, unknown to the provider, and neither leased nor held. The database refuses to commit
   * any of these; this reads what is there, as proof.
   */
  List<String> stranded() {
    return db.strings("SELECT m.id || ' ' || m.status FROM smskit.sms_messages m WHERE m.direction = 'outbound' AND ("
        + " (m.status IN ('queued', 'scheduled') AND NOT EXISTS (SELECT 1 FROM smskit.sms_outbox o"
        + "   WHERE o.tenant_id = m.tenant_id AND o.message_id = m.id))"
        + " OR (m.status = 'sending' AND NOT EXISTS (SELECT 1 FROM smskit.sms_send_attempts a"
        + "   WHERE a.tenant_id = m.tenant_id AND a.message_id = m.id))"
        + " OR (m.status = 'sending' AND m.provider_message_sid IS NULL"
        + "   AND NOT EXISTS (SELECT 1 FROM smskit.sms_outbox o WHERE o.tenant_id = m.tenant_id AND o.message_id = m.id)"
        + "   AND NOT EXISTS (SELECT 1 FROM smskit.sms_held_messages h"
        + "     WHERE h.tenant_id = m.tenant_id AND h.message_id = m.id)))");
  }

  /** A message's outbox row. */
  Optional<OutboxRepository.Entry> outbox(UUID messageId) {
    return sms.inTransaction((Repositories r) -> r.outbox().lock(messageId));
  }

  Instant dueAt(UUID messageId) {
    return outbox(messageId).orElseThrow(() -> new AssertionError("not in the outbox")).dueAt();
  }

  /** A message's attempts as {@code number:outcome} ({@code -} while it has none). */
  List<String> attempts(UUID messageId) {
    return db.strings("SELECT attempt || ':' || coalesce(outcome, '-') FROM smskit.sms_send_attempts"
        + " WHERE tenant_id = ? AND message_id = ? ORDER BY attempt", tenant.value(), messageId);
  }

  /**
   * Claims every due message (up to 100) for a worker that then dies without doing anything: what a claim writes
   * (owner and lease end, the row due again when the lease ends), and nothing more.
   */
  int claimAsDeadWorker(Duration lease) {
    Instant now = root.now();
    List<String> claimed = db.strings("UPDATE smskit.sms_outbox SET lease_owner = 'dead-worker',"
        + " lease_until = ?::timestamptz, due_at = ?::timestamptz WHERE message_id IN (SELECT message_id"
        + " FROM smskit.sms_outbox WHERE due_at <= ?::timestamptz ORDER BY due_at LIMIT 100) RETURNING message_id",
        now.plus(lease).toString(), now.plus(lease).toString(), now.toString());
    return claimed.size();
  }

  SendReceipt queue(World w, String body) {
    return sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body(body).build());
  }

  static ProviderException failure(ProviderException.Kind kind, String code, Duration retryAfter) {
    return new ProviderException("simulated", kind, code, kind == ProviderException.Kind.RATE_LIMITED ? 429 : 0,
        retryAfter, "scripted", null);
  }
}
