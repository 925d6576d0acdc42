package org.smskit.spring.boot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.smskit.core.crypto.AesKeys;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/**
 * Base of the auto-configuration tests: a fresh database per test class on the test server (embedded, or
 * SMS_TEST_JDBC_URL's), which the contexts reach through Boot's own pool ({@code spring.datasource.url}), and one key
 * for all of them (smskit checks keys against the installation).
 */
abstract class BootDatabaseTest {
  static final String KEY = AesKeys.toBase64(AesKeys.generate());
  static TestDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = TestPostgres.newDatabase();
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }
}
