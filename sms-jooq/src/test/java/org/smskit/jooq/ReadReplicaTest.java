package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.PageRequest;
import org.smskit.core.SmsException;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.model.ServiceType;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * The inbox reads can be served by a read replica: a second service over a pool whose transactions are read-only
 * (as every transaction on a hot standby is) answers the inbox, timeline, message, contact and unread reads as the
 * primary does, and a write through it is refused with a typed exception, writing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadReplicaTest {
  private final StaticKeyProvider keys = StaticKeyProvider.of("k1", AesKeys.generate());
  private final SimulatedNetwork network = new SimulatedNetwork();
  private TestDatabase db;
  private HikariDataSource replicaPool;
  private SmsService primary;
  private SmsService replica;
  private UUID account;

  @BeforeAll
  void start() {
    db = TestPostgres.newDatabase();
    primary = SmsService.builder(db.dataSource(), keys).providers(SmsProviders.of(new SimulatedProviderFactory(
        network))).webhookBaseUrl(URI.create("https://erp.example.com/hooks")).build();
    primary.migrate();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setMaximumPoolSize(2);
    config.setConnectionInitSql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    replicaPool = new HikariDataSource(config);
    replica = SmsService.builder(replicaPool, keys).providers(SmsProviders.of(new SimulatedProviderFactory(network)))
        .build();

    account = primary.registerSenderAccount("Main", "simulated", "SIM1", "token").id();
    primary.addPhoneNumber(account, "+14155550100", "Main", true);
    UUID support = primary.createService(account, "Support", ServiceType.SUPPORT, null, null, null).id();
    primary.queue(SendRequest.to("+14155550111").fromService(support).body("Hello").build());
    SimulatedProvider provider = (SimulatedProvider) primary.provider(account);
    primary.handleWebhook(account, provider.inboundMessage(primary.webhookUrl(account).orElseThrow(),
        PhoneNumber.of("+14155550111"), PhoneNumber.of("+14155550100"), "Thanks!", List.of()));
  }

  @AfterAll
  void stop() {
    primary.close();
    replica.close();
    replicaPool.close();
    db.close();
  }

  @Test
  void inboxReadsOnAReadOnlyPoolAnswerAsThePrimary() {
    assertThat(replica.inbox(PageRequest.first(10))).isEqualTo(primary.inbox(PageRequest.first(10)));
    String conversation = primary.inbox(PageRequest.first(10)).items().get(0).conversation().conversationId();
    assertThat(replica.timeline(conversation, PageRequest.first(10)))
        .isEqualTo(primary.timeline(conversation, PageRequest.first(10)));
    assertThat(replica.timeline(conversation, PageRequest.first(10)).items()).hasSize(2);
    UUID message = primary.timeline(conversation, PageRequest.first(10)).items().get(0).message().id();
    assertThat(replica.message(message)).isEqualTo(primary.message(message));
    assertThat(replica.findContact("+14155550111")).isEqualTo(primary.findContact("+14155550111")).isPresent();
    assertThat(replica.unread(PageRequest.first(10))).isEqualTo(primary.unread(PageRequest.first(10)));
    assertThat(replica.conversation(conversation)).isEqualTo(primary.conversation(conversation));
  }

  @Test
  void aWriteThroughTheReplicaIsRefusedAndWritesNothing() {
    List<String> before = db.strings("SELECT count(*)::text FROM smskit.sms_contacts");
    assertThatThrownBy(() -> replica.createContact("Ada", "+14155550199")).isInstanceOf(SmsException.class)
        .hasMessageContaining("read-only transaction");
    assertThat(db.strings("SELECT count(*)::text FROM smskit.sms_contacts")).isEqualTo(before);
  }
}
