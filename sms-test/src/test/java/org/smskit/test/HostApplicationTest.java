package org.smskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smskit.core.TenantId;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.spi.WebhookVerificationException;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.sending.SendRequest;

/**
 * The kit as a host uses it: an order module that queues its SMS in its own transaction, a webhook endpoint that
 * answers 403 to what fails verification, and a listener that confirms orders on a reply. The host's code below
 * knows nothing of the kit; the tests drive it through the kit.
 */
class HostApplicationTest extends KitTestBase {
  /** The host's order module: the order row and its SMS commit or roll back together. */
  record Orders(DataSource db, SmsService sms, UUID serviceId) {
    void place(int id, String phone, boolean commit) throws SQLException {
      List<Runnable> afterCommit = new ArrayList<>();
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO orders (id, phone) VALUES (?, ?)")) {
          s.setInt(1, id);
          s.setString(2, phone);
          s.executeUpdate();
        }
        sms.joining(c, afterCommit::add).queue(SendRequest.to(phone).fromService(serviceId)
            .body("Order " + id + " received. Reply YES to confirm.").build());
        if (commit) {
          c.commit();
          afterCommit.forEach(Runnable::run);
        } else {
          c.rollback();
        }
      }
    }

    /** The listener: a YES from the order's number confirms it. */
    void on(SmsEvent event) {
      if (event instanceof SmsEvent.InboundMessageReceived in && "YES".equalsIgnoreCase(in.message().body())) {
        update("UPDATE orders SET confirmed = true WHERE phone = ?", in.message().from().value());
      }
      if (event instanceof SmsEvent.SendFailed failed) {
        update("UPDATE orders SET sms_failed = true WHERE phone = ?", failed.message().to().value());
      }
    }

    boolean flag(int id, String column) {
      try (Connection c = db.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM orders WHERE id = ?")) {
        s.setInt(1, id);
        var rs = s.executeQuery();
        rs.next();
        return rs.getBoolean(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    private void update(String sql, String phone) {
      try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, phone);
        s.executeUpdate();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The host's webhook endpoint: {@code <base>/<tenant>/<accountId>}, 403 for what does not verify. */
  record Endpoint(SmsService sms) {
    int post(WebhookRequest request) {
      String[] path = request.url().getPath().split("/");
      try {
        sms.forTenant(TenantId.of(path[path.length - 2])).handleWebhook(UUID.fromString(path[path.length - 1]),
            request);
        return 200;
      } catch (WebhookVerificationException e) {
        return 403;
      }
    }
  }

  private final List<SmsEvent> events = new CopyOnWriteArrayList<>();
  private Orders orders;
  private SmsTestKit host;

  @BeforeEach
  void hostApplication() {
    db.execute("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, phone text NOT NULL,"
        + " confirmed boolean NOT NULL DEFAULT false, sms_failed boolean NOT NULL DEFAULT false);"
        + "TRUNCATE orders");
    events.clear();
    Orders[] holder = new Orders[1];
    host = kit(b -> b.service(s -> s.defaultRegion("US").listener(e -> holder[0].on(e))));
    Sender sender = host.addSender(OURS);
    orders = new Orders(db.dataSource(), host.service(), sender.serviceId());
    holder[0] = orders;
  }

  @Test
  void anOrderPlacedInTheHostsTransactionTextsTheCustomerOnceCommittedAndFlushed() throws SQLException {
    orders.place(42, CUSTOMER, true);
    orders.place(43, OTHER_CUSTOMER, false);

    SmsAssertions.assertThat(host).hasSentNothing(); // in the host's transaction smskit only queues
    assertThat(host.flush()).isEqualTo(1);

    SmsAssertions.assertThat(host).sentTo(CUSTOMER).withBodyContaining("Order 42").once();
    SmsAssertions.assertThat(host).nothingSentTo(OTHER_CUSTOMER);
  }

  @Test
  void aSignedReplyThroughTheHostsEndpointConfirmsTheOrderAndAForgedOneIsRefused() throws SQLException {
    orders.place(42, CUSTOMER, true);
    host.flush();
    Endpoint endpoint = new Endpoint(host.service());

    assertThat(endpoint.post(host.inbound().from(CUSTOMER).body("YES").withInvalidSignature().request()))
        .isEqualTo(403);
    assertThat(orders.flag(42, "confirmed")).isFalse();

    assertThat(endpoint.post(host.inbound().from(CUSTOMER).body("YES").request())).isEqualTo(200);
    assertThat(orders.flag(42, "confirmed")).isTrue();
  }

  @Test
  void aProviderRefusalReachesTheHostsListener() throws SQLException {
    host.failNextSend(SendFailure.permanent("21211"));
    orders.place(42, CUSTOMER, true);

    host.flush();

    assertThat(orders.flag(42, "sms_failed")).isTrue();
    SmsAssertions.assertThat(host).hasSentNothing();
  }
}
