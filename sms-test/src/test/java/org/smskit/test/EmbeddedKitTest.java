package org.smskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.sending.SendRequest;

/** {@link SmsTestKit#embedded()}: the kit's own embedded PostgreSQL, a fresh database per kit, dropped on close. */
class EmbeddedKitTest {
  private static final String OURS = "+14155550100";
  private static final String CUSTOMER = "+14155550123";

  @Test
  void eachEmbeddedKitHasAFreshDatabaseThatCloseDrops() throws SQLException {
    try (SmsTestKit first = SmsTestKit.embedded(); SmsTestKit second = SmsTestKit.embedded()) {
      assertThat(kitDatabases()).isEqualTo(2);
      Sender sender = first.addSender(OURS);
      first.service().send(SendRequest.to(CUSTOMER).fromService(sender.serviceId()).body("Hello").build());
      first.inbound().from(CUSTOMER).body("STOP").deliver();
      SmsAssertions.assertThat(first).sentTo(CUSTOMER).withBody("Hello").once();
      assertThat(first.service().activeOptOuts(CUSTOMER)).hasSize(1);

      // The same tenant and number in the other kit: another database and another network.
      second.addSender(OURS);
      assertThat(second.service().activeOptOuts(CUSTOMER)).isEmpty();
      SmsAssertions.assertThat(second).hasSentNothing();
    }
    assertThat(kitDatabases()).isZero();
  }

  private static int kitDatabases() throws SQLException {
    try (Connection c = DriverManager.getConnection(EmbeddedDatabase.adminUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'smskit\\_kit\\_%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
