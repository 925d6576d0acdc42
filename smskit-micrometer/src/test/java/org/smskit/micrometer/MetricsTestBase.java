package org.smskit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * One database per class (embedded PostgreSQL, or {@code SMS_TEST_JDBC_URL}), migrated once; per test a fresh
 * {@link SimpleMeterRegistry}, a service over the simulated provider that counts into it, a fresh tenant with one
 * account, number and service, and a settable clock. Each test starts a day earlier than the one before: a
 * dispatcher serves every tenant, and what earlier tests left queued is then not due yet for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetricsTestBase {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  static final URI HOOK_BASE = URI.create("https://erp.example.com/sms/hooks");
  static final String OUR_NUMBER = "+14155550100";
  static final String CUSTOMER = "+14155550123";
  private static final Pattern UUID_LIKE =
      Pattern.compile("(?i).*[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}.*");
  private static final Pattern PHONE_LIKE = Pattern.compile(".*\\d{5,}.*");
  private static final AtomicInteger TENANTS = new AtomicInteger();

  final StaticKeyProvider keys = StaticKeyProvider.of("k1", AesKeys.generate());
  final MutableClock clock = new MutableClock(T0);
  /** When this test starts, by the service clock. */
  Instant start;
  TestDatabase db;
  SimulatedNetwork network;
  MeterRegistry registry;
  SmsService root;
  SmsService sms;
  UUID account;
  UUID service;
  URI hook;

  @BeforeAll
  void createDatabase() {
    db = TestPostgres.newDatabase();
    SmsService migrator = SmsService.builder(db.dataSource(), keys).build();
    migrator.migrate();
    migrator.close();
  }

  @AfterAll
  void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  /** The metrics the service of each test counts into. */
  SmsMetrics metrics(MeterRegistry registry) {
    return new MicrometerMetrics(registry);
  }

  @BeforeEach
  void newService() {
    int test = TENANTS.incrementAndGet();
    start = T0.minus(Duration.ofDays(test));
    clock.set(start);
    network = new SimulatedNetwork();
    registry = new SimpleMeterRegistry();
    root = SmsService.builder(db.dataSource(), keys)
        .providers(SmsProviders.of(new SimulatedProviderFactory(network)))
        .defaultRegion("US")
        .clock(clock)
        .webhookBaseUrl(HOOK_BASE)
        .metrics(metrics(registry))
        .build();
    sms = root.forTenant(TenantId.of("metrics-" + test));
    account = sms.registerSenderAccount("Main", SimulatedProvider.NAME, "SIM-" + sms.tenant(), "token").id();
    sms.addPhoneNumber(account, OUR_NUMBER, "Main line", true);
    service = sms.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();
    hook = sms.webhookUrl(account).orElseThrow();
  }

  @AfterEach
  void closeService() {
    root.close();
  }

  SendRequest text(String body) {
    return SendRequest.to(CUSTOMER).fromService(service).body(body).build();
  }

  SimulatedProvider simulated() {
    return (SimulatedProvider) sms.provider(account);
  }

  /** The signed webhook of an inbound text from the customer. */
  WebhookRequest inbound(String body) {
    return simulated().inboundMessage(hook, Address.parse("from", CUSTOMER), PhoneNumber.of(OUR_NUMBER), body,
        java.util.List.of());
  }

  /** Every tag value of every meter: bounded words, never a number, an id, or anything long. */
  void assertTagsAreBounded() {
    assertThat(registry.getMeters()).isNotEmpty();
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getName()).startsWith("smskit.");
      for (Tag tag : meter.getId().getTags()) {
        assertThat(tag.getValue()).as("%s %s", meter.getId().getName(), tag.getKey())
            .doesNotMatch(UUID_LIKE).doesNotMatch(PHONE_LIKE).matches("[a-z0-9_.-]{1,32}");
      }
    }
  }

  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant value) {
      now = value;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
