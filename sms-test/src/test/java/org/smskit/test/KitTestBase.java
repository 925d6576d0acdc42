package org.smskit.test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.TenantId;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * One database per class on the project's test server (embedded, or {@code SMS_TEST_JDBC_URL}) and a kit per test
 * on it, each for a tenant of its own, so that every test starts with nothing sent, no opt-out and no sender, and
 * kits sharing one database is exercised as a host's suite would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KitTestBase {
  static final String OURS = "+14155550100";
  static final String OUR_SECOND = "+14155550101";
  static final String CUSTOMER = "+14155550123";
  static final String OTHER_CUSTOMER = "+14155550199";
  static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");
  private static final AtomicInteger TENANTS = new AtomicInteger();

  TestDatabase db;
  /** The base of every kit's clock; each kit moves its own on with {@code advanceClock}. */
  final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  private final List<SmsTestKit> kits = new ArrayList<>();
  SmsTestKit kit;

  @BeforeAll
  void createDatabase() {
    db = TestPostgres.newDatabase();
  }

  @AfterAll
  void dropDatabase() {
    db.close();
  }

  @BeforeEach
  void newKit() {
    kit = kit(b -> {});
  }

  @AfterEach
  void closeKits() {
    kits.forEach(SmsTestKit::close);
    kits.clear();
  }

  /** A kit on the class database for a new tenant, with the test clock and {@code options}; closed after the test. */
  SmsTestKit kit(Consumer<SmsTestKit.Builder> options) {
    SmsTestKit.Builder builder = SmsTestKit.builder().dataSource(db.dataSource())
        .tenant(TenantId.of("kit-" + TENANTS.incrementAndGet()))
        .clock(clock)
        .service(b -> b.defaultRegion("US"));
    options.accept(builder);
    SmsTestKit built = builder.build();
    kits.add(built);
    return built;
  }
}
