package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.jooq.accounts.RotationReport;

/**
 * Rotation rewrites what is not under the active key, reports what it cannot read instead of failing the whole
 * tenant, and writes each value alone, so that changes made to an account meanwhile are kept.
 */
class RotationTest extends ServiceTestBase {
  /** Keys of this class's database, one per id (key checks are per installation). */
  private final SecretKey k0 = AesKeys.generate();
  private final SecretKey k2 = AesKeys.generate();

  private SmsService rotating() {
    return service(builder(StaticKeyProvider.of(Map.of("k1", key, "k2", k2), "k2")), b -> {});
  }

  private String raw(String column, UUID account) {
    return db.strings("SELECT " + column + " FROM smskit.sms_sender_accounts WHERE tenant_id = ? AND id = ?",
        tenant.value(), account).get(0);
  }

  @Test
  void unreadableValuesAreCountedAndLeftWhileTheRestIsRotated() {
    UUID readable = sms.registerSenderAccount("Readable", "simulated", "SIM", "token-1", "{}",
        Map.of("signatureSecret", "secret-1")).id();
    // Encrypted under k0, which the rotating node does not hold.
    SmsService retired = service(builder(StaticKeyProvider.of(Map.of("k0", k0, "k1", key), "k0")), b -> {});
    UUID lostKey = retired.registerSenderAccount("Lost key", "simulated", "SIM", "token-2").id();
    // A token copied from another row: its key is held, but it is bound to the other row and does not decrypt.
    UUID copied = sms.registerSenderAccount("Copied", "simulated", "SIM", "token-3").id();
    db.execute("UPDATE smskit.sms_sender_accounts SET auth_token = (SELECT auth_token FROM"
        + " smskit.sms_sender_accounts WHERE id = '" + readable + "') WHERE id = '" + copied + "'");
    String lostBefore = raw("auth_token", lostKey);
    String copiedBefore = raw("auth_token", copied);

    RotationReport report = rotating().rotateCredentials();

    assertThat(report.rewritten()).isEqualTo(2);
    assertThat(report.unreadable()).isEqualTo(2);
    assertThat(report.unreadableAccounts()).containsExactly(lostKey, copied);
    assertThat(report.complete()).isFalse();
    assertThat(raw("auth_token", readable)).startsWith("enc:v1:k2:");
    assertThat(raw("settings->>'signatureSecret'", readable)).startsWith("enc:v1:k2:");
    assertThat(raw("auth_token", lostKey)).isEqualTo(lostBefore);
    assertThat(raw("auth_token", copied)).isEqualTo(copiedBefore);
  }

  @Test
  void onlyValuesThatNeedItAreWritten() {
    UUID old = sms.registerSenderAccount("Old", "simulated", "SIM", "token-1").id();
    SmsService next = rotating();
    UUID current = next.registerSenderAccount("Current", "simulated", "SIM", "token-2", "{}",
        Map.of("signatureSecret", "s")).id();
    Instant currentUpdated = Instant.parse(raw("to_json(updated_at)#>>'{}'", current));

    assertThat(next.rotateCredentials()).isEqualTo(new RotationReport(1, 0, List.of(), List.of()));
    assertThat(next.rotateCredentials().complete()).isTrue();

    assertThat(raw("auth_token", old)).startsWith("enc:v1:k2:");
    assertThat(Instant.parse(raw("to_json(updated_at)#>>'{}'", current))).isEqualTo(currentUpdated);
  }

  @Test
  void renameCommittedWhileRotationWaitsForTheRowIsKept() throws Exception {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", "token").id();
    SmsService next = rotating();

    try (Connection renamer = db.dataSource().getConnection(); Statement sql = renamer.createStatement()) {
      renamer.setAutoCommit(false);
      sql.executeUpdate("UPDATE smskit.sms_sender_accounts SET account_name = 'Renamed' WHERE id = '" + account
          + "'");
      // Rotation reads the row as it was committed (still "Main"), then waits for the renamer's row lock.
      CompletableFuture<RotationReport> rotation = CompletableFuture.supplyAsync(next::rotateCredentials);
      awaitLockWait(rotation);
      renamer.commit();

      assertThat(rotation.get(10, TimeUnit.SECONDS).rewritten()).isEqualTo(1);
    }

    assertThat(raw("account_name", account)).isEqualTo("Renamed");
    assertThat(raw("auth_token", account)).startsWith("enc:v1:k2:");
  }

  @Test
  void tokenReplacedWhileRotationWaitsIsKeptAndNotCountedAsRotated() throws Exception {
    UUID account = sms.registerSenderAccount("Main", "simulated", "SIM", "token").id();
    String underOldKey = raw("auth_token", account);
    SmsService next = rotating();
    // A token under the active key for this account, then the row put back as it was before.
    String fresh = next.updateAuthToken(account, "fresh").authToken().format();
    db.execute("UPDATE smskit.sms_sender_accounts SET auth_token = '" + underOldKey + "' WHERE id = '" + account
        + "'");

    try (Connection writer = db.dataSource().getConnection(); Statement sql = writer.createStatement()) {
      writer.setAutoCommit(false);
      sql.executeUpdate("UPDATE smskit.sms_sender_accounts SET auth_token = '" + fresh + "' WHERE id = '"
          + account + "'");
      CompletableFuture<RotationReport> rotation = CompletableFuture.supplyAsync(next::rotateCredentials);
      awaitLockWait(rotation);
      writer.commit();

      assertThat(rotation.get(10, TimeUnit.SECONDS).rewritten()).isZero();
    }

    assertThat(raw("auth_token", account)).isEqualTo(fresh);
  }

  /** Waits until a statement of this database waits for a lock (the rotation), failing if it finished instead. */
  private void awaitLockWait(CompletableFuture<?> rotation) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      assertThat(rotation).as("rotation must wait for the row lock").isNotDone();
      if (!db.strings("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
          + " AND wait_event_type = 'Lock'").isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("rotation never waited for the row lock");
  }
}
