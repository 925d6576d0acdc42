package org.smskit.jooq.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Fault injection under the JDBC driver's caller: when armed, the next commit of a transaction that ran a statement
 * containing a given text goes through on the server, and then the caller sees the connection fail (SQL state
 * 08006), as when the network drops between the server's commit and its answer. The caller cannot tell that
 * commit from one that never happened; the database can.
 */
public final class LostCommits {
  private final AtomicReference<String> armed = new AtomicReference<>();
  private final AtomicBoolean lost = new AtomicBoolean();

  /** Loses the answer to the next commit of a transaction whose statements include {@code text} (any case). */
  public void loseNextCommitAfter(String text) {
    lost.set(false);
    armed.set(text.toLowerCase(Locale.ROOT));
  }

  /** True once a commit's answer was lost since the last {@link #loseNextCommitAfter}. */
  public boolean lost() {
    return lost.get();
  }

  /** {@code pool}, its connections watched. */
  public DataSource wrap(DataSource pool) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(pool, method, args);
          return method.getName().equals("getConnection") ? watched((Connection) result) : result;
        });
  }

  private Connection watched(Connection connection) {
    AtomicBoolean matched = new AtomicBoolean();
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          String name = method.getName();
          String text = armed.get();
          if ((name.equals("prepareStatement") || name.equals("prepareCall")) && text != null
              && ((String) args[0]).toLowerCase(Locale.ROOT).contains(text)) {
            matched.set(true);
          }
          if (name.equals("rollback") && (args == null || args.length == 0)) {
            matched.set(false);
          }
          if (name.equals("commit")) {
            invoke(connection, method, args);
            boolean lose = matched.getAndSet(false) && text != null && armed.compareAndSet(text, null);
            if (lose) {
              lost.set(true);
              throw new SQLException("An I/O error occurred while sending to the backend (injected after the"
                  + " commit went through)", "08006");
            }
            return null;
          }
          return invoke(connection, method, args);
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
