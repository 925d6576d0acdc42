package org.smskit.jooq.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.core.TenantId;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.model.ServiceType;
import org.smskit.jooq.repository.SmsDatabase;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/** smskit's migrations live beside a host's own schema and Flyway setup without disturbing either. */
class MigrationTest {
  private static final TenantId TENANT = TenantId.DEFAULT;

  @Test
  void migratesIntoItsOwnSchemaWithItsOwnHistoryBesideTheHostsFlyway() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      Flyway host = Flyway.configure().dataSource(db.dataSource()).locations("classpath:host/db/migration").load();
      host.migrate();

      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());

      assertThat(db.strings("SELECT version FROM public.flyway_schema_history ORDER BY installed_rank"))
          .containsExactly("1", "2");
      assertThat(db.strings("SELECT version FROM smskit.smskit_schema_history WHERE version IS NOT NULL"
          + " ORDER BY installed_rank")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
      assertThat(db.strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
          + " ORDER BY table_name")).containsExactly("flyway_schema_history", "orders");
      // The host's Flyway still validates and has nothing pending: smskit changed nothing it owns.
      host.validate();
      assertThat(host.info().pending()).isEmpty();
    }
  }

  @Test
  void hostFlywayStillMigratesAnEmptyPublicAfterSmskit() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());
      Flyway host = Flyway.configure().dataSource(db.dataSource()).locations("classpath:host/db/migration").load();
      assertThat(host.migrate().migrationsExecuted).isEqualTo(2);
    }
  }

  @Test
  void secondRunAppliesNothingAndKeepsData() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SchemaConfig config = SchemaConfig.defaults();
      assertThat(SmsSchema.migrate(db.dataSource(), config)).isEqualTo("11");
      SmsDatabase sms = SmsDatabase.create(db.dataSource(), config);
      sms.inTransaction(TENANT, r -> r.senderAccounts().insert(SenderAccount.create("a", "twilio", "AC1", null)));

      assertThat(SmsSchema.flyway(db.dataSource(), config).migrate().migrationsExecuted).isZero();
      assertThat(db.strings("SELECT count(*) FROM smskit.sms_sender_accounts")).containsExactly("1");
    }
  }

  @Test
  void schemaAndHistoryTableNamesAreConfigurable() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SchemaConfig config = SchemaConfig.defaults().withSchema("crm_sms").withHistoryTable("crm_sms_history");
      SmsSchema.migrate(db.dataSource(), config);

      assertThat(db.strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'crm_sms'"))
          .contains("sms_messages", "sms_meta_conversation", "crm_sms_history");
      assertThat(db.strings("SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'smskit'"))
          .isEmpty();

      // The generated code (written against "smskit") is mapped onto the configured schema at runtime.
      SmsDatabase sms = SmsDatabase.create(db.dataSource(), config);
      SenderAccount stored =
          sms.inTransaction(TENANT, r -> r.senderAccounts().insert(SenderAccount.create("a", "vonage", "key", null)));
      assertThat(db.strings("SELECT provider FROM crm_sms.sms_sender_accounts")).containsExactly("vonage");
      Optional<SenderAccount> found = sms.inTransaction(TENANT, r -> r.senderAccounts().find(stored.id()));
      assertThat(found).isPresent();
    }
  }

  @Test
  void twoInstallsInOneDatabaseDoNotSeeEachOther() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SchemaConfig first = SchemaConfig.defaults();
      SchemaConfig second = SchemaConfig.defaults().withSchema("smskit_b").withHistoryTable("smskit_b_history");
      SmsSchema.migrate(db.dataSource(), first);
      SmsSchema.migrate(db.dataSource(), second);
      SmsDatabase a = SmsDatabase.create(db.dataSource(), first);
      SmsDatabase b = SmsDatabase.create(db.dataSource(), second);
      a.inTransaction(TENANT, r -> r.senderAccounts().insert(SenderAccount.create("a", "twilio", "AC1", null)));

      List<SenderAccount> inB = b.inTransaction(TENANT, r -> r.senderAccounts().listActive());
      List<SenderAccount> inA = a.inTransaction(TENANT, r -> r.senderAccounts().listActive());
      assertThat(inB).isEmpty();
      assertThat(inA).hasSize(1);
    }
  }

  @Test
  void neverCreatesTheHostsErpTables() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());
      assertThat(db.strings("SELECT table_name FROM information_schema.tables"
          + " WHERE table_name IN ('mkt_campaigns', 'project', 'crm_customers', 'sys_users')")).isEmpty();
      assertThat(erpForeignKeys(db)).isEmpty();
    }
  }

  @Test
  void erpForeignKeysFollowTheConfigurationBothWays() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      db.createErpStandIn("erp");
      db.execute("INSERT INTO erp.mkt_campaigns VALUES (7, 'Spring sale')");

      SchemaConfig withErp = SchemaConfig.defaults().withErpTables(ErpTables.standard("erp"));
      SmsSchema.migrate(db.dataSource(), withErp);
      assertThat(erpForeignKeys(db)).containsExactlyInAnyOrder(
          "sms_meta_conversation_customer_erp_fkey -> erp.crm_customers",
          "sms_meta_conversation_staff_erp_fkey -> erp.sys_users",
          "sms_service_accounts_campaign_erp_fkey -> erp.mkt_campaigns",
          "sms_service_accounts_project_erp_fkey -> erp.project");

      SmsDatabase sms = SmsDatabase.create(db.dataSource(), withErp);
      SenderAccount account =
          sms.inTransaction(TENANT, r -> r.senderAccounts().insert(SenderAccount.create("a", "twilio", "AC1", null)));
      ServiceAccount linked = ServiceAccount.create(account.id(), "Spring", ServiceType.CAMPAIGN).withLinks(7L, null);
      sms.inTransaction(TENANT, r -> r.serviceAccounts().insert(linked));
      ServiceAccount dangling = ServiceAccount.create(account.id(), "Ghost", ServiceType.CAMPAIGN).withLinks(8L, null);
      assertThatThrownBy(() -> sms.inTransaction(TENANT, r -> r.serviceAccounts().insert(dangling)))
          .isInstanceOf(ConflictException.class)
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("linked_campaign_id");

      // Only customers declared now: the other three keys go away, the declared one stays.
      SmsSchema.migrate(db.dataSource(),
          SchemaConfig.defaults().withErpTables(new ErpTables(null, null, "erp.crm_customers", null)));
      assertThat(erpForeignKeys(db)).containsExactly("sms_meta_conversation_customer_erp_fkey -> erp.crm_customers");

      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());
      assertThat(erpForeignKeys(db)).isEmpty();
    }
  }

  @Test
  void updatedAtIsKeptByTheDatabase() {
    try (TestDatabase db = TestPostgres.newDatabase()) {
      SmsSchema.migrate(db.dataSource(), SchemaConfig.defaults());
      db.execute("INSERT INTO smskit.sms_sender_accounts (tenant_id, provider, updated_at)"
          + " VALUES ('t', 'twilio', '2020-01-01T00:00:00Z')");
      db.execute("UPDATE smskit.sms_sender_accounts SET account_name = 'renamed'");
      List<String> fresh = db.strings("SELECT updated_at > now() - interval '1 minute'"
          + " FROM smskit.sms_sender_accounts");
      assertThat(fresh).containsExactly("t");
    }
  }

  private static List<String> erpForeignKeys(TestDatabase db) {
    return db.strings("SELECT c.conname || ' -> ' || tn.nspname || '.' || t.relname FROM pg_constraint c"
        + " JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
        + " WHERE c.contype = 'f' AND c.conname LIKE '%erp_fkey' ORDER BY 1");
  }
}
