package org.smskit.adopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smskit.core.TenantId;
import org.smskit.core.crypto.EncryptedValue;
import org.smskit.core.crypto.KeyProvider;
import org.smskit.core.crypto.SecretCipher;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.SmsProviders;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.internal.Credentials;
import org.smskit.jooq.schema.SchemaConfig;
import org.smskit.jooq.schema.SmsSchema;
import org.smskit.jooq.testing.Catalogs;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * Adopts 100,000 legacy messages (and their accounts, numbers, services, contacts, conversations, attachments and
 * reactions) from {@link LegacyFixture}: nothing lost, reruns idempotent, a crash mid-run resumes to the same
 * result, and the schema ends as a fresh install's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LegacyAdoptionTest {
  static final int MESSAGES = 100_000;
  static final long SEED = 15;
  static final TenantId TENANT = TenantId.of("acme");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T00:00:00Z"), ZoneOffset.UTC);
  static final KeyProvider KEYS = StaticKeyProvider.of("k1", new SecretKeySpec(new byte[32], "AES"));
  static final List<String> TABLES = List.of("sms_sender_accounts", "sms_sender_phone_numbers",
      "sms_service_accounts", "sms_contacts", "sms_meta_conversation", "sms_messages", "sms_attachments",
      "sms_reactions");

  /** The crash test adopts a smaller installation twice (interrupted and not) to compare them. */
  static final int SMALL = 20_000;

  private TestDatabase db;
  private AdoptionSummary first;

  static LegacyAdoption.Builder adoption(TestDatabase db) {
    return LegacyAdoption.builder(db.dataSource()).legacySchema("legacy").tenant(TENANT).defaultRegion("US")
        .legacyZone(ZoneId.of("America/New_York")).keys(KEYS).batchSize(5_000).clock(CLOCK);
  }

  @BeforeAll
  void adoptOnce() throws Exception {
    db = TestPostgres.newDatabase();
    new LegacyFixture(MESSAGES, SEED).create(db.dataSource(), "legacy");
    long started = System.nanoTime();
    first = adoption(db).build().adopt();
    System.out.printf("adopted in %d ms: %s%n", (System.nanoTime() - started) / 1_000_000, first.rowsAdopted());
    System.out.printf("not importable: %s; synthesised conversations: %d%n", first.rowsNotImportable(),
        first.conversationsSynthesised());
  }

  @AfterAll
  void close() {
    db.close();
  }

  @Test
  void preflightReportsEveryKindOfUnconvertibleValueWithExamplesAndWritesNothing() throws Exception {
    try (TestDatabase small = TestPostgres.newDatabase()) {
      new LegacyFixture(SMALL, SEED).create(small.dataSource(), "legacy");
      List<String> schemas = small.strings("SELECT nspname FROM pg_namespace ORDER BY 1");
      PreflightReport preflight = adoption(small).build().preflight();
      assertThat(small.strings("SELECT nspname FROM pg_namespace ORDER BY 1")).isEqualTo(schemas);
      assertThat(preflight.rows()).containsEntry("sms_messages", (long) SMALL);
      assertThat(preflight.missingTables()).isEmpty();
      assertThat(preflight.plaintextTokens()).isEqualTo(5);
      assertThat(preflight.orphanConversations()).isGreaterThan(0);
      assertThat(preflight.issues()).extracting(i -> i.table() + "." + i.column() + ": " + i.reason())
          .contains("sms_messages.sent_at: unparsed timestamp", "sms_messages.sent_at: ambiguous day/month",
              "sms_messages.sent_at: implausible timestamp", "sms_messages.metadata: invalid json",
              "sms_messages.metadata: json duplicate keys", "sms_contacts.phone: normalised",
              "sms_contacts.assigned_phone_number_id: not a uuid",
              "sms_contacts.assigned_phone_number_id: dangling reference",
              "sms_messages.status: in flight at adoption, marked failed");
      assertThat(preflight.issues()).allSatisfy(i -> assertThat(i.examples()).isNotEmpty());
    }
  }

  @Test
  void everyLegacyValueLandsConvertedOrIsInResidue() {
    VerifyReport report = adoption(db).build().verify();
    assertThat(report.problems()).isEmpty();
    assertThat(report.lostValues()).hasSizeGreaterThan(80).allSatisfy((column, lost) ->
        assertThat(lost).as(column).isZero());
    for (String table : TABLES) {
      long legacy = count("SELECT count(*) FROM legacy." + table);
      assertThat(first.rowsRead()).as(table).containsEntry(table, legacy);
      assertThat(first.rowsAdopted().get(table) + first.rowsNotImportable().get(table)).as(table).isEqualTo(legacy);
      assertThat(count("SELECT count(*) FROM smskit." + table + " WHERE tenant_id = 'acme'")
          - (table.equals("sms_meta_conversation") ? first.conversationsSynthesised() : 0))
          .as(table).isEqualTo(first.rowsAdopted().get(table));
    }
    assertThat(first.rowsAdopted().get("sms_messages")).isGreaterThan(99_000);
    assertThat(first.conversationsSynthesised()).isGreaterThan(0);
    // Every message links a real conversation, with counters that hold for the synthesised ones.
    assertThat(count("SELECT count(*) FROM smskit.sms_messages m WHERE NOT EXISTS (SELECT 1 FROM"
        + " smskit.sms_meta_conversation c WHERE c.tenant_id = m.tenant_id AND c.conversation_id = m.conversation_id)"))
        .isZero();
    assertThat(count("SELECT count(*) FROM smskit_adoption.adoption_synthesised y JOIN smskit.sms_meta_conversation c"
        + " USING (tenant_id, conversation_id) WHERE c.message_count <> (SELECT count(*) FROM smskit.sms_messages m"
        + " WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.conversation_id)")).isZero();
    // No adopted message is left for the dispatcher.
    assertThat(count("SELECT count(*) FROM smskit.sms_messages WHERE status IN ('queued', 'scheduled', 'sending')"))
        .isZero();
    // Normalised originals are kept.
    assertThat(count("SELECT count(*) FROM smskit_adoption.adoption_residue WHERE table_name = 'sms_contacts'"
        + " AND column_name = 'phone' AND reason = 'normalised' AND raw_value LIKE '(%'")).isPositive();
  }

  @Test
  void tokensAreEncryptedSoThatSmsServiceReadsThem() {
    List<String> rows = db.strings("SELECT id || ' ' || auth_token FROM smskit.sms_sender_accounts"
        + " WHERE auth_token IS NOT NULL ORDER BY account_name");
    assertThat(rows).hasSize(5).allSatisfy(r -> assertThat(r).contains(" enc:v1:k1:"));
    SecretCipher cipher = new SecretCipher(KEYS);
    for (String row : rows) {
      String[] parts = row.split(" ");
      UUID id = UUID.fromString(parts[0]);
      assertThat(cipher.decrypt(EncryptedValue.parse("auth_token", parts[1]), Credentials.tokenContext(TENANT, id)))
          .startsWith("plaintext-token-");
    }
    UUID simulated = UUID.fromString(db.strings("SELECT id::text FROM smskit.sms_sender_accounts"
        + " WHERE provider = 'simulated'").get(0));
    SmsService sms = SmsService.builder(db.dataSource(), KEYS).providers(SmsProviders.of(new SimulatedProviderFactory()))
        .build();
    try {
      assertThat(sms.forTenant(TENANT).provider(simulated).name()).isEqualTo("simulated");
    } finally {
      sms.close();
    }
  }

  @Test
  void aRerunChangesNothing() {
    String before = checksum(db);
    AdoptionSummary again = adoption(db).build().adopt();
    assertThat(again.alreadyCutOver()).isTrue();
    assertThat(again.rowsAdopted()).isEqualTo(first.rowsAdopted());
    assertThat(checksum(db)).isEqualTo(before);
  }

  @Test
  void aCrashMidRunResumesToTheSameResultAsAnUninterruptedRun() throws Exception {
    try (TestDatabase uninterrupted = TestPostgres.newDatabase(); TestDatabase crashed = TestPostgres.newDatabase()) {
      new LegacyFixture(SMALL, SEED).create(uninterrupted.dataSource(), "legacy");
      new LegacyFixture(SMALL, SEED).create(crashed.dataSource(), "legacy");
      AdoptionSummary expected = adoption(uninterrupted).batchSize(2_000).build().adopt();
      assertThatThrownBy(() -> adoption(crashed).batchSize(2_000).afterBatch(n -> {
        if (n == 9) {
          throw new IllegalStateException("injected crash after batch 9");
        }
      }).build().adopt()).hasMessageContaining("injected crash");
      // Stopped in the middle of the messages.
      assertThat(count(crashed, "SELECT count(*) FROM smskit.sms_messages")).isBetween(1L, (long) SMALL - 1);
      AdoptionSummary resumed = adoption(crashed).batchSize(2_000).build().adopt();
      assertThat(resumed.rowsRead()).isEqualTo(expected.rowsRead());
      assertThat(resumed.rowsAdopted()).isEqualTo(expected.rowsAdopted());
      assertThat(resumed.rowsNotImportable()).isEqualTo(expected.rowsNotImportable());
      assertThat(resumed.conversationsSynthesised()).isEqualTo(expected.conversationsSynthesised());
      assertThat(checksum(crashed)).isEqualTo(checksum(uninterrupted));
      assertThat(adoption(crashed).build().verify().ok()).isTrue();
    }
  }

  @Test
  void theSchemaEndsAsAFreshInstall() {
    try (TestDatabase fresh = TestPostgres.newDatabase()) {
      SmsSchema.migrate(fresh.dataSource(), SchemaConfig.defaults());
      assertThat(Catalogs.smskit(db)).containsExactlyInAnyOrderElementsOf(Catalogs.smskit(fresh));
      assertThat(db.strings("SELECT max(version) FROM smskit.smskit_schema_history WHERE success"))
          .isEqualTo(fresh.strings("SELECT max(version) FROM smskit.smskit_schema_history WHERE success"));
    }
  }

  /**
   * Every adopted row and residue entry, less what differs by nature between runs (ciphertexts, clocks): a count
   * and an order-independent sum of row hashes per table.
   */
  static String checksum(TestDatabase db) {
    List<String> sums = new ArrayList<>();
    for (String table : TABLES) {
      sums.addAll(db.strings("SELECT count(*) || ':' || coalesce(sum(hashtextextended((to_jsonb(t) - 'auth_token'"
          + " - 'updated_at')::text, 15)), 0) FROM smskit." + table + " t"));
    }
    sums.addAll(db.strings("SELECT count(*) || ':' || coalesce(sum(hashtextextended((to_jsonb(r) - 'recorded_at')::text,"
        + " 15)), 0) FROM smskit_adoption.adoption_residue r"));
    return String.join(",", sums);
  }

  private long count(String sql) {
    return count(db, sql);
  }

  private static long count(TestDatabase db, String sql) {
    return Long.parseLong(db.strings("SELECT (" + sql + ")::text").get(0));
  }
}
