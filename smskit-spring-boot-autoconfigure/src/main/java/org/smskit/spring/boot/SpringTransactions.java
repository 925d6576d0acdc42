package org.smskit.spring.boot;

import javax.sql.DataSource;
import org.smskit.jooq.event.AfterCommit;
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

  static DataSource threadBound(DataSource dataSource) {
    return dataSource instanceof TransactionAwareDataSourceProxy ? dataSource
        : new TransactionAwareDataSourceProxy(dataSource);
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
