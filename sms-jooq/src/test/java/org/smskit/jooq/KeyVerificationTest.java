package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.KeyMismatchException;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.crypto.UnknownKeyException;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * A node whose key under a known id is other key material fails at start, and never encrypts a credential the
 * other nodes could not read. Each test has a database of its own: key checks belong to the whole installation.
 */
class KeyVerificationTest {
  private final SecretKey k1 = AesKeys.generate();
  private final TestProviderFactory providers = new TestProviderFactory();
  private final List<SmsService> opened = new ArrayList<>();

  private SmsService node(TestDatabase db, KeyProvider keys) {
    SmsService node = SmsService.builder(db.dataSource(), keys).providers(SmsProviders.of(providers)).build();
    opened.add(node);
    return node;
  }

  private static List<String> checks(TestDatabase db) {
    return db.strings("SELECT key_id || ' ' || check_value FROM smskit.sms_key_checks ORDER BY key_id");
  }

  /** A node with the test's {@code k1} that migrated the database and registered one account. */
  private SmsService installedWithAnAccount(TestDatabase db) {
    SmsService good = node(db, StaticKeyProvider.of("k1", k1));
    good.migrate();
    good.registerSenderAccount("Main", "simulated", "SIM", "token");
    return good;
  }

  private void withDatabase(java.util.function.Consumer<TestDatabase> test) {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      test.accept(db);
    } finally {
      opened.forEach(SmsService::close);
    }
  }

  @Test
  void migrateStoresOneCheckPerKeyIdAndPassesAgainWithTheSameKeys() {
    withDatabase(db -> {
      SmsService a = node(db, StaticKeyProvider.of(Map.of("k1", k1, "k2", AesKeys.generate()), "k1"));
      a.migrate();

      List<String> stored = checks(db);
      assertThat(stored).hasSize(2);
      assertThat(stored.get(0)).startsWith("k1 enc:v1:k1:");
      assertThat(stored.get(1)).startsWith("k2 enc:v1:k2:");

      node(db, StaticKeyProvider.of("k1", k1)).migrate();
      a.verifyKeys();
      assertThat(checks(db)).isEqualTo(stored);
    });
  }

  @Test
  void nodeWithOtherMaterialUnderAKnownIdFailsToStartAndWritesNothing() {
    withDatabase(db -> {
      installedWithAnAccount(db);
      SmsService wrong = node(db, StaticKeyProvider.of("k1", AesKeys.generate()));
      List<String> before = db.strings("SELECT a::text FROM smskit.sms_sender_accounts a");

      assertThatThrownBy(wrong::migrate).isInstanceOfSatisfying(KeyMismatchException.class, e -> {
        assertThat(e.keyId()).isEqualTo("k1");
        assertThat(e.getMessage()).startsWith("key 'k1': differs from the key 'k1' that encrypted the stored"
            + " credentials");
      });
      assertThatThrownBy(wrong::verifyKeys).isInstanceOf(KeyMismatchException.class);
      assertThatThrownBy(() -> wrong.registerSenderAccount("Other", "simulated", "SIM", "token"))
          .isInstanceOf(KeyMismatchException.class);
      UUID account = UUID.fromString(db.strings("SELECT id FROM smskit.sms_sender_accounts").get(0));
      assertThatThrownBy(() -> wrong.updateAuthToken(account, "new-token")).isInstanceOf(KeyMismatchException.class);
      assertThatThrownBy(wrong::rotateCredentials).isInstanceOf(KeyMismatchException.class);

      assertThat(db.strings("SELECT a::text FROM smskit.sms_sender_accounts a")).isEqualTo(before);
    });
  }

  @Test
  void storedCredentialUnderAKeyIdTheProviderLacksFailsNamingIt() {
    withDatabase(db -> {
      SmsService old = node(db, StaticKeyProvider.of("k0", AesKeys.generate()));
      old.migrate();
      old.registerSenderAccount("Main", "simulated", "SIM", "token");

      assertThatThrownBy(() -> node(db, StaticKeyProvider.of("k1", k1)).migrate())
          .isInstanceOfSatisfying(UnknownKeyException.class, e -> assertThat(e.keyId()).isEqualTo("k0"));
    });
  }

  @Test
  void withoutACheckValueTheStoredCredentialsDecideAndAFailedCheckStoresNothing() {
    withDatabase(db -> {
      // As after upgrading an installation that had credentials before key checks existed.
      SmsService good = installedWithAnAccount(db);
      db.execute("DELETE FROM smskit.sms_key_checks");
      SmsService wrong = node(db, StaticKeyProvider.of("k1", AesKeys.generate()));

      assertThatThrownBy(wrong::verifyKeys).isInstanceOfSatisfying(KeyMismatchException.class, e -> {
        assertThat(e.keyId()).isEqualTo("k1");
        assertThat(e.getMessage()).contains("cannot decrypt the stored credentials").contains("auth_token");
      });
      assertThatThrownBy(() -> wrong.registerSenderAccount("Other", "simulated", "SIM", "token"))
          .as("the first encryption checks the stored credentials too").isInstanceOf(KeyMismatchException.class);
      assertThat(checks(db)).isEmpty();
      assertThat(db.strings("SELECT count(*) FROM smskit.sms_sender_accounts")).containsExactly("1");

      good.verifyKeys();
      assertThat(checks(db)).hasSize(1);
    });
  }

  @Test
  void theFirstEncryptionChecksTheActiveKeyOncePerService() {
    withDatabase(db -> {
      SmsService a = node(db, StaticKeyProvider.of("k1", k1));
      a.migrate();
      db.execute("DELETE FROM smskit.sms_key_checks");
      SmsService b = node(db, StaticKeyProvider.of("k1", k1));

      b.registerSenderAccount("One", "simulated", "SIM", "token");
      assertThat(checks(db)).hasSize(1);
      db.execute("DELETE FROM smskit.sms_key_checks");
      b.registerSenderAccount("Two", "simulated", "SIM", "token");
      assertThat(checks(db)).as("verified once, then remembered").isEmpty();
    });
  }

  @Test
  void nodesRacingToStoreTheFirstCheckAgreeOnOneKey() {
    withDatabase(db -> {
      node(db, StaticKeyProvider.of("k1", k1)).migrate();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 5; round++) {
          String id = "race-" + round;
          SecretKey mine = AesKeys.generate();
          SmsService same1 = node(db, StaticKeyProvider.of(id, mine));
          SmsService same2 = node(db, StaticKeyProvider.of(id, mine));
          SmsService other = node(db, StaticKeyProvider.of(id, AesKeys.generate()));
          // Two nodes with one key both pass; of two with different material exactly one does.
          assertThat(race(pool, same1, same2)).containsExactly(true, true);
          db.execute("DELETE FROM smskit.sms_key_checks WHERE key_id = '" + id + "'");
          List<Boolean> outcomes = race(pool, same1, other);
          assertThat(outcomes).containsOnlyOnce(true);
          assertThat(db.strings("SELECT count(*) FROM smskit.sms_key_checks WHERE key_id = ?", id))
              .containsExactly("1");
        }
      } finally {
        pool.shutdownNow();
      }
    });
  }

  /** Runs {@code verifyKeys} on both nodes at once; true for each that passed. */
  private static List<Boolean> race(ExecutorService pool, SmsService a, SmsService b) {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<Boolean>> results = new ArrayList<>();
    for (SmsService node : List.of(a, b)) {
      results.add(pool.submit(() -> {
        start.await();
        try {
          node.verifyKeys();
          return true;
        } catch (KeyMismatchException e) {
          return false;
        }
      }));
    }
    List<Boolean> outcomes = new ArrayList<>();
    for (Future<Boolean> result : results) {
      try {
        outcomes.add(result.get());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return outcomes;
  }
}
