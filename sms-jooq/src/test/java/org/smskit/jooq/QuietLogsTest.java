package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.smskit.core.crypto.AesKeys;
import org.smskit.core.crypto.StaticKeyProvider;
import org.smskit.jooq.testing.TestDatabase;
import org.smskit.jooq.testing.TestPostgres;

/** An embedded library keeps jOOQ's banner and tips out of the host's log, unless the host chose otherwise. */
class QuietLogsTest {

  @Test
  void buildingAServiceTurnsOffJooqsBannerAndTipsUnlessTheHostSetThem() {
    Properties saved = (Properties) System.getProperties().clone();
    try (TestDatabase db = TestPostgres.newDatabase()) {
      System.clearProperty("org.jooq.no-logo");
      System.setProperty("org.jooq.no-tips", "false"); // the host wants jOOQ's tips
      SmsService.builder(db.dataSource(), StaticKeyProvider.of("k", AesKeys.generate())).build().close();
      assertThat(System.getProperty("org.jooq.no-logo")).isEqualTo("true");
      assertThat(System.getProperty("org.jooq.no-tips")).as("the host's choice").isEqualTo("false");
    } finally {
      System.setProperties(saved);
    }
  }
}
