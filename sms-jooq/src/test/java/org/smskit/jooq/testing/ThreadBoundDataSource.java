package org.smskit.jooq.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A test double of a host's transaction manager with a thread-bound data source, as Spring's
 * {@code DataSourceTransactionManager} with a {@code TransactionAwareDataSourceProxy} (and its
 * {@code TransactionSynchronizationManager}) work: {@link #begin()} takes a pool connection, turns autocommit off and
 * binds it to the thread; while bound, {@link #getConnection()} hands out that connection, whose {@code close()} does
 * nothing; elsewhere (other threads, or no transaction) it hands out pool connections. {@link #afterCommit} registers
 * an action that runs after the commit, while the connection is still bound with autocommit off (as Spring runs
 * {@code afterCommit}), and is dropped on rollback.
 */
public final class ThreadBoundDataSource implements DataSource {
  private final DataSource pool;
  private final ThreadLocal<Bound> bound = new ThreadLocal<>();

  private record Bound(Connection connection, Connection handedOut, List<Runnable> afterCommit) {}

  public ThreadBoundDataSource(DataSource pool) {
    this.pool = pool;
  }

  /** Begins the host's transaction on this thread. */
  public Connection begin() throws SQLException {
    if (bound.get() != null) {
      throw new IllegalStateException("a transaction is already bound to this thread");
    }
    Connection connection = pool.getConnection();
    connection.setAutoCommit(false);
    Connection handedOut = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null; // the transaction manager closes it at the end of the transaction
          }
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    bound.set(new Bound(connection, handedOut, new ArrayList<>()));
    return handedOut;
  }

  /** Commits the host's transaction, runs the actions registered for after its commit, and unbinds it. */
  public void commit() throws SQLException {
    Bound b = current();
    try {
      b.connection().commit();
      b.afterCommit().forEach(Runnable::run);
    } finally {
      end(b);
    }
  }

  /** Rolls the host's transaction back, drops the actions registered for after its commit, and unbinds it. */
  public void rollback() throws SQLException {
    Bound b = current();
    try {
      b.connection().rollback();
    } finally {
      end(b);
    }
  }

  /** What Spring's {@code TransactionSynchronizationManager.registerSynchronization} would do with afterCommit. */
  public void afterCommit(Runnable action) {
    current().afterCommit().add(action);
  }

  private Bound current() {
    Bound b = bound.get();
    if (b == null) {
      throw new IllegalStateException("no transaction is bound to this thread");
    }
    return b;
  }

  private void end(Bound b) throws SQLException {
    bound.remove();
    try {
      b.connection().setAutoCommit(true);
    } finally {
      b.connection().close();
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    Bound b = bound.get();
    return b == null ? pool.getConnection() : b.handedOut();
  }

  @Override
  public Connection getConnection(String username, String password) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }
}
