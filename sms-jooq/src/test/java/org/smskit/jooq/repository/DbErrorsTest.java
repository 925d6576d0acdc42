package org.smskit.jooq.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.smskit.core.SmsException;
import org.smskit.core.StorageException;

/** How driver errors come out: a lost connection must read as retryable however jOOQ wrapped it. */
class DbErrorsTest {

  @Test
  void aConnectionLostWhileJooqReadsAResultIsRetryable() {
    // jOOQ's own wrapper (no SQLState) around the driver's I/O error, as when a connection is killed mid-read.
    SQLException io = new SQLException("An I/O error occurred while sending to the backend.", "08006");
    SQLException reading = new SQLException("Error while reading field: \"pg_advisory_xact_lock\"", io);
    SmsException translated = DbErrors.translate(new DataAccessException("SQL [select ...]", reading));

    assertThat(translated).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.retryable()).as("retryable, as any lost connection").isTrue();
      assertThat(e.getMessage()).contains("08006");
    });
  }

  @Test
  void anErrorWithoutAnyStateIsNotRetryable() {
    SmsException translated = DbErrors.translate(
        new DataAccessException("SQL [select ...]", new SQLException("something else", (String) null)));

    assertThat(translated).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.retryable()).isFalse());
  }
}
