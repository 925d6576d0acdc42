package org.smskit.jooq.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.smskit.core.StorageException;

/**
 * Schema work done in one transaction under an advisory lock, so that nodes starting at once take turns and a
 * failure leaves nothing half done.
 */
final class LockedWork {
  /** The work, on the transaction's connection. */
  @FunctionalInterface
  interface Work {
    void run(Connection connection) throws SQLException;
  }

  private LockedWork() {}

  /**
   * Runs {@code work} holding the transaction-level advisory lock {@code lock}.
   *
   * @throws StorageException "could not {@code what}: ..." when it fails (rolled back)
   */
  static void run(DataSource dataSource, String lock, String what, Work work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          statement.setString(1, lock);
          statement.execute();
        }
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new StorageException("could not " + what + ": " + e.getMessage(), false, e);
    }
  }
}
