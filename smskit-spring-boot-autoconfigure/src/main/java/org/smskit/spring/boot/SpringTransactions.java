package org.smskit.spring.boot;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.smskit.jooq.event.AfterCommit;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How smskit joins a Spring transaction: the connection of a transaction in progress is bound to the thread, and
 * only a {@link TransactionAwareDataSourceProxy} hands it out; smskit sees autocommit off on it and joins (under a
 * savepoint, never committing). What must wait for the commit goes to a {@link TransactionSynchronization}. Only
 * loaded when spring-jdbc is on the class path.
 */
final class SpringTransactions {
  private SpringTransactions() {}

  /**
   * The data source smskit works with: the transaction's connection inside a Spring transaction; outside one, a
   * pool connection in autocommit mode, even from a pool configured with autocommit off (as JPA applications often
   * are), which smskit would otherwise take for a host transaction and never commit. Pools restore autocommit when
   * the connection returns.
   */
  static DataSource threadBound(DataSource dataSource) {
    DataSource target = dataSource instanceof TransactionAwareDataSourceProxy proxy ? proxy.getTargetDataSource()
        : dataSource;
    TransactionAwareDataSourceProxy transactionAware = new TransactionAwareDataSourceProxy(target);
    return new DelegatingDataSource(transactionAware) {
      @Override
      public Connection getConnection() throws SQLException {
        // Looked up before the proxy binds a connection itself (as it does under SUPPORTS, without a transaction).
        boolean inTransaction = TransactionSynchronizationManager.getResource(target) != null;
        Connection connection = transactionAware.getConnection();
        if (!inTransaction && !connection.getAutoCommit()) {
          connection.setAutoCommit(true);
        }
        return connection;
      }
    };
  }

  /** After the commit of the transaction synchronised on this thread; at once when there is none. */
  static final AfterCommit AFTER_COMMIT = action -> {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          action.run();
        }
      });
    } else {
      action.run();
    }
  };
}
