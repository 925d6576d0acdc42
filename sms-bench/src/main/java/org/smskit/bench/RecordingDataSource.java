package org.smskit.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that, while recording is on for the calling thread, keeps every statement smskit prepares with the
 * values bound to it, so that the benchmark can show the plan of each statement a call really issued. Nothing is
 * changed on the way through.
 */
final class RecordingDataSource implements DataSource {
  /** One statement as run: its SQL with {@code ?} placeholders and the values bound to them, by position. */
  record Statement(String sql, Map<Integer, Object> values) {
    /** The SQL with each placeholder replaced by its value as a literal, for {@code EXPLAIN}. */
    String withLiterals() {
      StringBuilder out = new StringBuilder();
      int index = 0;
      boolean quoted = false;
      for (int i = 0; i < sql.length(); i++) {
        char c = sql.charAt(i);
        if (c == '\'') {
          quoted = !quoted;
        }
        if (c == '?' && !quoted) {
          out.append(literal(values.get(++index)));
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    private static String literal(Object value) {
      if (value == null) {
        return "NULL";
      }
      if (value instanceof Number || value instanceof Boolean) {
        return value.toString();
      }
      return "'" + value.toString().replace("'", "''") + "'";
    }
  }

  private final DataSource target;
  private final ThreadLocal<List<Statement>> recording = new ThreadLocal<>();

  RecordingDataSource(DataSource target) {
    this.target = target;
  }

  /** Starts keeping this thread's statements. */
  void start() {
    recording.set(new ArrayList<>());
  }

  /** Stops keeping them, and returns those kept since {@link #start()}. */
  List<Statement> stop() {
    List<Statement> kept = recording.get();
    recording.remove();
    return kept == null ? List.of() : kept;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(target.getConnection(username, password));
  }

  private Connection wrap(Connection connection) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result = invoke(connection, method, args);
      List<Statement> kept = recording.get();
      if (kept != null && method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
        Statement statement = new Statement(sql, new TreeMap<>());
        kept.add(statement);
        return recorder((PreparedStatement) result, statement);
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        handler);
  }

  private static PreparedStatement recorder(PreparedStatement statement, Statement kept) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer i) {
        kept.values().put(i, method.getName().equals("setNull") ? null : args[1]);
      }
      return invoke(statement, method, args);
    };
    return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, handler);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return target.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return target.isWrapperFor(type);
  }
}
