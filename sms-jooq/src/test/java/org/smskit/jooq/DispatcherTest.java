package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/**
 * The dispatcher's life: explicit start and stop, near-zero idle cost, prompt wake-up, leases that outlive a
 * dead worker, and the attempt record written before the provider is called.
 */
class DispatcherTest extends DispatchTestBase {

  /** A worker killed in the middle of a provider call (an Error, which nothing in smskit catches). */
  static final class WorkerKilled extends Error {
    WorkerKilled() {
      super("worker killed mid-call");
    }
  }

  /** Every thread of a dispatcher: workers, their send pool, the upkeep thread. */
  private static long dispatcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("smskit-dispatcher-")).count();
  }

  /** The claiming workers only ({@code smskit-dispatcher-<id>-<n>}). */
  private static long workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("smskit-dispatcher-[0-9a-f]{8}-[0-9]+")).count();
  }

  @Test
  void noThreadRunsBeforeStartAndStopEndsThem() throws Exception {
    World w = world();
    long before = dispatcherThreads();
    Dispatcher dispatcher = dispatcher(config().workers(3).pollInterval(Duration.ofMillis(20)).build());
    SendReceipt receipt = queue(w, "waits for start");

    // Nothing can run: no thread of the dispatcher exists until start().
    assertThat(dispatcherThreads()).isEqualTo(before);
    assertThat(dispatcher.running()).isFalse();
    assertThat(providers.sendCalls).hasValue(0);
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.QUEUED);

    dispatcher.start();
    assertThat(dispatcher.running()).isTrue();
    assertThat(workerThreads()).isEqualTo(3);
    awaitSent(1);
    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);

    dispatcher.stop(Duration.ofSeconds(5));
    assertThat(dispatcher.running()).isFalse();
    assertThat(dispatcherThreads()).isEqualTo(before);
    queue(w, "after stop");
    // No thread of the dispatcher is left to send it.
    assertThat(dispatcherThreads()).isEqualTo(before);
    assertThat(network().sent()).hasSize(1);
  }

  @Test
  void closingTheServiceStopsItsDispatchers() throws Exception {
    long before = dispatcherThreads();
    SmsService own = service(b -> {});
    Dispatcher dispatcher = own.dispatcher(config().workers(2).build()).start();
    assertThat(workerThreads()).isEqualTo(2);

    own.close();

    assertThat(dispatcher.running()).isFalse();
    assertThat(dispatcherThreads()).isEqualTo(before);
  }

  @Test
  void rowsThatCannotGoYetAreNotSentAndDoNotStopTheDispatcher() throws Exception {
    // The idle policy itself (back-off, waking for a row due sooner) is IdlePolicyTest's; here a started dispatcher
    // meets a row it can never send and a row due tomorrow, then still sends what is due.
    World w = world();
    sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("tomorrow").sendAt(T0.plus(Duration.ofDays(1)))
        .build());
    UUID stuck = queue(w, "no sender any more").messageId();
    db.execute("UPDATE smskit.sms_messages SET sender_phone_number_id = NULL WHERE id = '" + stuck + "'");
    dispatcher(config().pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(50)).build()).start();

    queue(w, "due now");

    awaitSent(1);
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().body()).isEqualTo("due now"));
  }

  @Test
  void idleDispatcherStillFindsWorkQueuedByAnotherNode() throws Exception {
    SmsService elsewhere = otherNode(b -> {});
    World w = world(elsewhere);
    dispatcher(config().pollInterval(Duration.ofMillis(10)).maxPollInterval(Duration.ofMillis(200)).build()).start();
    Thread.sleep(600);

    elsewhere.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("from elsewhere").build());

    awaitSent(1); // nothing wakes this dispatcher: its polling finds the message
  }

  @Test
  void queueWakesAnIdleDispatcherAtOnce() throws Exception {
    World w = world();
    CountDownLatch sent = new CountDownLatch(1);
    providers.onSend((message, simulated) -> {
      sent.countDown();
      return simulated.send(message);
    });
    dispatcher(config().workers(2).pollInterval(Duration.ofSeconds(5)).maxPollInterval(Duration.ofSeconds(5)).build())
        .start();
    Thread.sleep(300); // both workers found nothing and sleep for 5 s

    long started = System.nanoTime();
    queue(w, "wake up");

    assertThat(sent.await(2, TimeUnit.SECONDS)).as("sent long before the next poll").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void runningDispatcherKeepsARateLimitedNumberBusyAtItsRate() throws Exception {
    // Real time: the idle backoff must not stretch the gaps a rate limit asks for (1 s here) to 1.5 s or more.
    SmsService realTime = service(b -> b.clock(java.time.Clock.systemUTC()));
    World w = world(realTime);
    List<Long> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    providers.onSend((message, simulated) -> {
      calls.add(System.nanoTime());
      return simulated.send(message);
    });
    for (int i = 0; i < 4; i++) {
      realTime.queue(SendRequest.to(CUSTOMER).fromNumber(w.primary().id()).body("paced " + i).build());
    }

    dispatcher(realTime, config().build()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (calls.size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(calls).hasSize(4);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(Duration.ofNanos(calls.get(i) - calls.get(i - 1))).as("gap %d", i)
          .isGreaterThan(Duration.ofMillis(850));
    }
    assertThat(Duration.ofNanos(calls.get(3) - calls.get(0))).as("three gaps of about a second")
        .isLessThan(Duration.ofMillis(3750));
  }

  @Test
  void messageIsMarkedSendingWithAnAttemptBeforeTheProviderCallAndTheOutcomeAfter() {
    World w = world();
    List<String> seenDuringCall = new ArrayList<>();
    providers.onSend((message, simulated) -> {
      // What another connection sees while the provider is being called: only committed rows.
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement s = c.prepareStatement("SELECT m.status, a.attempt, o.lease_owner LIKE a.worker || '#%',"
              + " a.outcome, a.finished_at, a.sender_account_id"
              + " FROM smskit.sms_messages m"
              + " JOIN smskit.sms_send_attempts a ON a.tenant_id = m.tenant_id AND a.message_id = m.id"
              + " JOIN smskit.sms_outbox o ON o.tenant_id = m.tenant_id AND o.message_id = m.id"
              + " WHERE m.tenant_id = ? AND m.id = ?")) {
        s.setString(1, tenant.value());
        s.setObject(2, message.messageId());
        try (ResultSet rows = s.executeQuery()) {
          while (rows.next()) {
            seenDuringCall.add(rows.getString(1) + "/" + rows.getInt(2) + "/" + rows.getBoolean(3) + "/"
                + rows.getString(4) + "/" + rows.getString(5) + "/" + rows.getString(6));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return simulated.send(message);
    });
    SendReceipt receipt = queue(w, "Hello");

    assertThat(dispatcher(config().build()).runOnce()).isEqualTo(1);

    assertThat(seenDuringCall).containsExactly("sending/1/true/null/null/" + w.account());
    assertThat(attempts(receipt.messageId())).containsExactly("1:sent");
    assertThat(db.strings("SELECT finished_at IS NOT NULL FROM smskit.sms_send_attempts WHERE message_id = ?",
        receipt.messageId())).containsExactly("t");
    assertThat(outbox(receipt.messageId())).isEmpty();
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
  }

  @Test
  void claimedMessageIsLeasedSoNoOtherWorkerTakesItUntilTheLeaseExpires() {
    World w = world();
    SendReceipt receipt = queue(w, "leased");
    Dispatcher other = dispatcher(otherNode(b -> {}), config().build());

    assertThat(claimAsDeadWorker(Duration.ofMinutes(5))).isEqualTo(1);
    assertThat(outbox(receipt.messageId())).hasValueSatisfying(e -> {
      assertThat(e.leaseOwner()).isEqualTo("dead-worker");
      assertThat(e.leaseUntil()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
      assertThat(e.dueAt()).isEqualTo(e.leaseUntil());
    });
    assertThat(other.runOnce()).isZero();
    clock.advance(Duration.ofMinutes(4));
    assertThat(other.runOnce()).isZero();
    assertThat(providers.sendCalls).hasValue(0);

    clock.advance(Duration.ofMinutes(1)); // the lease ends
    assertThat(other.runOnce()).isEqualTo(1);

    // It had never been handed to a provider, so it is simply sent (whatever the unknown-outcome policy), and the
    // claim that made no request spent no attempt.
    assertThat(network().sent()).singleElement()
        .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(receipt.messageId()));
    assertThat(attempts(receipt.messageId())).containsExactly("1:sent");
    assertThat(outbox(receipt.messageId())).isEmpty();
  }

  @Test
  void claimSkipsARowAnotherClaimIsLockingInsteadOfWaitingForIt() throws Exception {
    World w = world();
    SendReceipt locked = queue(w, "locked elsewhere");
    SendReceipt free = queue(w, "free");
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    try (Connection other = db.dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (PreparedStatement s = other.prepareStatement(
          "SELECT 1 FROM smskit.sms_outbox WHERE tenant_id = ? AND message_id = ? FOR UPDATE")) {
        s.setString(1, tenant.value());
        s.setObject(2, locked.messageId());
        s.executeQuery().close();
      }
      java.util.concurrent.CompletableFuture<Integer> claim =
          java.util.concurrent.CompletableFuture.supplyAsync(dispatcher::runOnce);

      assertThat(claim.get(5, TimeUnit.SECONDS)).as("claimed without waiting for the lock").isEqualTo(1);
      assertThat(network().sent()).singleElement()
          .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(free.messageId()));
      other.rollback();
    }
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    assertThat(network().sent()).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(UnknownOutcome.class)
  void workerKilledDuringTheProviderCallLeavesALeaseThatAnotherNodeTakesOverByPolicy(UnknownOutcome policy) {
    World w = world();
    SendReceipt receipt = queue(w, "interrupted");
    DispatcherConfig config = config().lease(Duration.ofMinutes(2)).unknownOutcome(policy).build();
    providers.onSend((message, simulated) -> {
      throw new WorkerKilled();
    });

    Dispatcher killed = dispatcher(config);
    assertThatThrownBy(killed::runOnce).isInstanceOf(WorkerKilled.class);

    assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(attempts(receipt.messageId())).containsExactly("1:-");
    assertThat(providers.sendCalls).hasValue(1);
    providers.onSend(null);
    Dispatcher survivor = dispatcher(otherNode(b -> {}), config);
    assertThat(survivor.runOnce()).as("still leased to the dead worker").isZero();

    clock.advance(Duration.ofMinutes(2).plusMillis(1));
    assertThat(survivor.runOnce()).isEqualTo(1);
    clock.advance(Duration.ofHours(1));
    assertThat(drain(survivor)).isZero();

    assertThat(outbox(receipt.messageId())).isEmpty();
    if (policy == UnknownOutcome.HOLD) {
      // At most once: the first call may have reached the provider, so it is held, never sent again.
      assertThat(providers.sendCalls).hasValue(1);
      assertThat(network().sent()).isEmpty();
      assertThat(stored(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
      // The held attempt is the one whose outcome is unknown; holding makes no request, so it is no attempt.
      assertThat(attempts(receipt.messageId())).containsExactly("1:held");
      assertThat(history(receipt.messageId())).extracting(MessageStatusEvent::providerStatus).contains("held");
      assertThat(sms.dispatch(receipt.messageId()).status()).isEqualTo(MessageStatus.SENDING);
      assertThat(providers.sendCalls).hasValue(1);
    } else {
      // At least once: sent again, exactly once more.
      assertThat(providers.sendCalls).hasValue(2);
      assertThat(network().sent()).singleElement()
          .satisfies(s -> assertThat(s.message().messageId()).isEqualTo(receipt.messageId()));
      assertThat(attempts(receipt.messageId())).containsExactly("1:-", "2:sent");
      assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
    }
  }

  @Test
  void stopLetsTheSendInFlightFinish() throws Exception {
    World w = world();
    CountDownLatch calling = new CountDownLatch(1);
    providers.onSend((message, simulated) -> {
      calling.countDown();
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        throw new IllegalStateException("interrupted mid-call", e);
      }
      return simulated.send(message);
    });
    SendReceipt receipt = queue(w, "slow provider");
    Dispatcher dispatcher = dispatcher(config().build()).start();
    assertThat(calling.await(5, TimeUnit.SECONDS)).isTrue();

    dispatcher.stop(Duration.ofSeconds(5));

    assertThat(network().sent()).hasSize(1);
    assertThat(attempts(receipt.messageId())).containsExactly("1:sent");
    assertThat(stored(receipt.messageId()).providerMessageSid()).isEqualTo(lastSid());
  }

  private void awaitSent(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (network().sent().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(network().sent()).hasSize(count);
  }

  /** Counts connections taken from the pool: one per transaction, so one per claim of an idle dispatcher. */
  static final class CountingDataSource implements DataSource {
    final AtomicInteger connections = new AtomicInteger();
    private final DataSource delegate;

    CountingDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      connections.incrementAndGet();
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      connections.incrementAndGet();
      return delegate.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return delegate.isWrapperFor(iface);
    }
  }
}
