package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.NotFoundException;
import org.smskit.core.SmsException;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.phone.InvalidPhoneNumberException;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.dispatch.DispatcherConfig;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.testing.ThreadBoundDataSource;

/**
 * smskit inside the host's transaction, on the real database: over a thread-bound data source (a test double of
 * Spring's transaction manager and {@code TransactionAwareDataSourceProxy}) and through {@link SmsService#joining}.
 * The host writes its own table, {@code host_orders}; its commit keeps both its rows and smskit's, its rollback
 * undoes both, smskit's own failure undoes only smskit's part, and listeners hear only after the host's commit.
 */
class HostTransactionTest extends ServiceTestBase {
  private static final String OTHER = "+14155550188";

  ThreadBoundDataSource bound;
  /** This test's service over {@link #bound}, listeners told through the double's after-commit registry. */
  SmsService hosted;
  World w;

  @BeforeAll
  void hostTable() {
    db.execute("CREATE TABLE public.host_orders (id bigserial PRIMARY KEY, tenant text NOT NULL)");
    if (rls != null) {
      db.execute("GRANT INSERT, SELECT ON public.host_orders TO " + rls.roles().appRole() + ";"
          + "GRANT USAGE ON SEQUENCE public.host_orders_id_seq TO " + rls.roles().appRole());
    }
  }

  @BeforeEach
  void hostedService() {
    bound = new ThreadBoundDataSource(hostPool());
    hosted = service(builderOver(bound), b -> b.afterCommit(bound::afterCommit));
    w = world();
  }

  /** The pool the host's transactions take their connections from: the application role's under row level security. */
  DataSource hostPool() {
    return rls == null ? db.dataSource() : rls.app();
  }

  /** As {@link #builder()}, over {@code dataSource}. */
  SmsService.Builder builderOver(DataSource dataSource) {
    SmsService.Builder builder = SmsService.builder(dataSource, StaticKeyProvider.of("k1", key))
        .schema(rls == null ? CONFIG : CONFIG.withRowLevelSecurity(rls.roles()))
        .providers(SmsProviders.of(providers))
        .defaultRegion("US")
        .clock(clock)
        .webhookBaseUrl(HOOK_BASE)
        .listener(events::add);
    return rls == null ? builder : builder.workerDataSource(rls.worker()).migrationDataSource(rls.owner());
  }

  SendRequest text(String body) {
    return SendRequest.to(CUSTOMER).fromService(w.service()).body(body).build();
  }

  void insertOrder(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO public.host_orders (tenant) VALUES (?)")) {
      s.setString(1, tenant.value());
      s.executeUpdate();
    }
  }

  /** This test's orders, as committed. */
  long orders() throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      return count(c, "public.host_orders", "tenant");
    }
  }

  /** This test's rows in {@code table} as {@code c} sees them (inside its transaction, uncommitted ones too). */
  long count(Connection c, String table, String tenantColumn) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + tenantColumn + " = ?")) {
      s.setString(1, tenant.value());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Queues a text, stores an inbound message and records an opt-out: three operations, three write paths. */
  void smskitWork(SmsService on, String inboundBody) {
    SendReceipt queued = on.queue(text("Order 42 confirmed"));
    assertThat(queued.status()).isEqualTo(MessageStatus.QUEUED);
    on.handleWebhook(w.account(), inbound(w, OTHER, OUR_PRIMARY, inboundBody));
    on.optOut("+14155550177", OptOutScope.ALL, null, null);
  }

  void assertNothingOfSmskits() {
    assertThat(List.of(rows("sms_messages"), rows("sms_outbox"), rows("sms_contacts"), rows("sms_opt_outs"),
        rows("sms_meta_conversation"), rows("sms_message_keys"))).containsOnly(0L);
  }

  // ---------------------------------------------------------------------------------------------------------
  // A thread-bound data source

  @Test
  void theHostsRollbackUndoesItsRowsAndSmskits() throws SQLException {
    Connection c = bound.begin();
    insertOrder(c);
    smskitWork(hosted, "Is my order on its way?");
    // smskit wrote on the host's connection, in its transaction: visible there, and to nobody else yet.
    assertThat(count(c, "smskit.sms_messages", "tenant_id")).isEqualTo(2);
    assertThat(rows("sms_messages")).isZero();
    assertThat(events).isEmpty();

    bound.rollback();

    assertThat(orders()).isZero();
    assertNothingOfSmskits();
    assertThat(events).as("no event for work the host rolled back").isEmpty();
  }

  @Test
  void theHostsCommitKeepsBothAndListenersHearAfterIt() throws SQLException {
    Connection c = bound.begin();
    insertOrder(c);
    smskitWork(hosted, "Is my order on its way?");
    assertThat(events).as("nothing before the host's commit").isEmpty();

    bound.commit();

    assertThat(orders()).isEqualTo(1);
    assertThat(rows("sms_messages")).isEqualTo(2);
    assertThat(rows("sms_outbox")).isEqualTo(1);
    assertThat(rows("sms_contacts")).isEqualTo(2);
    assertThat(rows("sms_opt_outs")).isEqualTo(1);
    assertThat(events(SmsEvent.InboundMessageReceived.class)).hasSize(1);
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(1);
  }

  @Test
  void smskitsOwnFailureUndoesOnlyItsPartAndLeavesTheHostsTransactionUsable() throws SQLException {
    Connection c = bound.begin();
    insertOrder(c);
    hosted.createContact("Ann", CUSTOMER);
    // A failure in the database, which would abort the host's whole transaction without smskit's savepoint...
    assertThatThrownBy(() -> hosted.inTransaction(r -> r.dsl().fetchValue("SELECT 1 / 0")))
        .isInstanceOf(SmsException.class);
    hosted.queue(text("first"));
    // ...and refusals before any write.
    assertThatThrownBy(() -> hosted.queue(SendRequest.to("not a number").fromService(w.service()).body("x").build()))
        .isInstanceOf(InvalidPhoneNumberException.class);
    assertThatThrownBy(() -> hosted.queue(SendRequest.to(CUSTOMER).fromService(UUID.randomUUID()).body("x").build()))
        .isInstanceOf(NotFoundException.class);
    insertOrder(c); // the host's transaction goes on
    bound.commit();

    assertThat(orders()).isEqualTo(2);
    assertThat(rows("sms_contacts")).isEqualTo(1);
    assertThat(rows("sms_messages")).isEqualTo(1);
  }

  @Test
  void aHostSavepointAroundSmskitsCallRolledBackToWhileTheOuterTransactionCommits() throws SQLException {
    Connection c = bound.begin();
    insertOrder(c);
    Savepoint nested = c.setSavepoint();
    hosted.queue(text("cancelled with the nested transaction"));
    insertOrder(c);
    c.rollback(nested);
    hosted.queue(text("kept"));
    bound.commit();

    assertThat(orders()).isEqualTo(1);
    assertThat(rows("sms_messages")).isEqualTo(1);
    assertThat(rows("sms_outbox")).isEqualTo(1);
  }

  @Test
  void sendOnlyQueuesInTheHostsTransactionAndTheDispatcherSendsAfterTheCommit() throws Exception {
    // A long poll: only the wake after the host's commit gets the message sent within the test.
    Dispatcher dispatcher = hosted.dispatcher(DispatcherConfig.builder().workers(1)
        .pollInterval(Duration.ofSeconds(30)).maxPollInterval(Duration.ofSeconds(30)).build()).start();
    try {
      Connection c = bound.begin();
      insertOrder(c);
      SendReceipt receipt = hosted.send(text("Order 42 confirmed"));
      assertThat(receipt.status()).isEqualTo(MessageStatus.QUEUED);
      Thread.sleep(200);
      assertThat(network().sent()).as("not sent before the host commits").isEmpty();

      bound.commit();

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (network().sent().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(network().sent()).hasSize(1);
      assertThat(stored(receipt.messageId()).status()).isNotEqualTo(MessageStatus.QUEUED);
    } finally {
      dispatcher.close();
    }
  }

  @Test
  void outsideAHostTransactionNothingChanges() {
    SendReceipt receipt = hosted.send(text("no host transaction"));
    assertThat(receipt.status()).isNotEqualTo(MessageStatus.QUEUED);
    assertThat(network().sent()).hasSize(1);
    hosted.handleWebhook(w.account(), inbound(w, OTHER, OUR_PRIMARY, "hi"));
    assertThat(events(SmsEvent.InboundMessageReceived.class)).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------------------
  // The host's connection, handed over

  @Test
  void joiningAConnectionRollsBackAndCommitsWithTheHost() throws SQLException {
    List<Runnable> afterCommit = new ArrayList<>();
    try (Connection c = hostPool().getConnection()) {
      c.setAutoCommit(false);
      SmsService joined = sms.joining(c, afterCommit::add);

      insertOrder(c);
      smskitWork(joined, "first try");
      c.rollback();
      afterCommit.clear(); // what a host does on rollback
      assertThat(orders()).isZero();
      assertNothingOfSmskits();

      insertOrder(c);
      smskitWork(joined, "second try");
      TenantId other = TenantId.of(tenant.value() + "-b");
      joined.forTenant(other).createContact("Bob", CUSTOMER); // tenant views of the joined service join too
      assertThat(events).isEmpty();
      c.commit();
      afterCommit.forEach(Runnable::run);

      assertThat(c.getAutoCommit()).as("smskit left the host's settings alone").isFalse();
      c.setAutoCommit(true);
      assertThat(sms.forTenant(other).findContact(CUSTOMER)).isPresent();
    }
    assertThat(orders()).isEqualTo(1);
    assertThat(rows("sms_messages")).isEqualTo(2);
    assertThat(events(SmsEvent.InboundMessageReceived.class)).hasSize(1);
    assertThat(events(SmsEvent.RecipientOptedOut.class)).hasSize(1);
  }

  @Test
  void joiningRefusesAConnectionInAutocommitMode() throws SQLException {
    try (Connection c = hostPool().getConnection()) {
      assertThatThrownBy(() -> sms.joining(c, Runnable::run).queue(text("x")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("autocommit");
      assertThat(c.getAutoCommit()).isTrue();
    }
    assertNothingOfSmskits();
  }

  // ---------------------------------------------------------------------------------------------------------
  // A pool that hands out connections with autocommit off, outside any transaction manager

  @Test
  void aPoolWithAutocommitOffNeedsJoiningTurnedOff() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setAutoCommit(false);
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      SmsService owning = service(builderOver(pool), b -> b.joinOpenTransactions(false));
      owning.queue(text("committed by smskit"));
      owning.createContact("Ann", OTHER);
      assertThat(rows("sms_messages")).isEqualTo(1);
      assertThat(rows("sms_contacts")).isEqualTo(2);

      // With the default, smskit takes such a connection for the host's transaction and never commits it.
      SmsService joining = service(builderOver(pool), b -> {});
      joining.queue(text("never committed"));
      assertThat(rows("sms_messages")).isEqualTo(1);
    }
  }
}
