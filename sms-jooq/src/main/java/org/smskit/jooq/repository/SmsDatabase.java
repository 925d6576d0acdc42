package org.smskit.jooq.repository;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.SmsException;
import org.smskit.core.TenantId;
import org.smskit.jooq.schema.RowLevelSecurity;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * smskit's tables behind a host {@link DataSource}: every unit of work runs in one transaction for one tenant,
 * through {@link #inTransaction}. The generated code is written against schema {@code smskit}; other schema
 * names from {@link SchemaConfig} are mapped when SQL is rendered.
 *
 * <p>With {@linkplain SchemaConfig#rowLevelSecurity() row level security}, each transaction first sets its tenant
 * ({@code set_config('app.tenant_id', tenant, true)}: local to the transaction, so a pooled connection never
 * carries it further), a jOOQ statement outside a transaction is refused, and work across tenants runs on a
 * second pool, of the worker role.
 *
 * <p><b>The host's transaction.</b> A connection the data source hands out with autocommit off is taken to be in
 * the host's transaction (a thread-bound data source's, such as Spring's {@code TransactionAwareDataSourceProxy}):
 * the unit of work then joins it under a savepoint, released when the work returns and rolled back to when it
 * throws, and smskit never commits, rolls back or changes the mode of that connection. The tenant set for row level
 * security then lasts until the host's transaction ends (a later unit of work for another tenant sets its own).
 * {@link #joining} binds a database to one connection of the host's explicitly.
 *
 * <p>Thread-safe and cheap to keep for the life of the application. It opens no connection until used, starts
 * no thread, and holds nothing that needs closing (the host owns the {@code DataSource}).
 */
public final class SmsDatabase {
  private static final String SET_TENANT = "select set_config('" + RowLevelSecurity.TENANT_SETTING + "', ?, true)";

  private final DSLContext dsl;
  private final DSLContext across;
  private final SchemaConfig config;
  private final boolean rowLevelSecurity;
  private final Joining joining;
  private final Settings settings;

  /** When a unit of work joins an open transaction rather than running its own. */
  private enum Joining {
    /** When the connection comes with autocommit off: a thread-bound connection in the host's transaction. */
    OPEN_TRANSACTIONS,
    /** Never: connections with autocommit off are in no transaction (a pool configured so); smskit commits. */
    NEVER,
    /** Always: one connection of the host's, which must be in a transaction. */
    ALWAYS
  }

  /** {@code acrossContext}, when given, is the context of work across tenants (a joined view's, the base's pool). */
  private SmsDatabase(DataSource dataSource, @Nullable DataSource acrossTenants, @Nullable DSLContext acrossContext,
      SchemaConfig config, Joining joining) {
    this.config = config;
    this.joining = joining;
    this.rowLevelSecurity = config.rowLevelSecurity() != null;
    if (rowLevelSecurity && acrossTenants == null && acrossContext == null) {
      throw new InvalidInputException("worker_data_source", "row level security confines the pool to one"
          + " tenant per transaction: dispatch, reconciliation and key checks need a pool of the worker role "
          + config.rowLevelSecurity().workerRole());
    }
    this.settings = new Settings()
        .withRenderMapping(new RenderMapping().withSchemata(
            new MappedSchema().withInput(SchemaConfig.DEFAULT_SCHEMA).withOutput(config.schema())))
        // Errors are translated once, at the transaction boundary.
        .withExecuteLogging(false);
    this.dsl = dsl(dataSource);
    this.across = acrossContext != null ? acrossContext : acrossTenants == null ? dsl : dsl(acrossTenants);
  }

  private DSLContext dsl(DataSource dataSource) {
    return guarded(DSL.using(dataSource, SQLDialect.POSTGRES, settings));
  }

  /** A context over one connection already acquired, configured as the pool's. */
  private DSLContext on(Connection connection) {
    return guarded(DSL.using(connection, SQLDialect.POSTGRES, settings));
  }

  private DSLContext guarded(DSLContext context) {
    if (!rowLevelSecurity) {
      return context;
    }
    // A safety net: outside a transaction no tenant is set, so the policies would show nothing and refuse writes.
    ExecuteListener guard = ExecuteListener.onExecuteStart(ctx -> {
      try {
        if (ctx.connection().getAutoCommit()) {
          throw new IllegalStateException("row level security is on: smskit runs statements only inside its"
              + " transactions, where the tenant is set; refused: " + ctx.sql());
        }
      } catch (SQLException e) {
        throw new DataAccessException("could not read the connection's autocommit mode", e);
      }
    });
    return DSL.using(context.configuration().derive(new DefaultExecuteListenerProvider(guard)));
  }

  public static SmsDatabase create(DataSource dataSource, SchemaConfig config) {
    return create(dataSource, null, config);
  }

  /**
   * As {@link #create(DataSource, DataSource, SchemaConfig)}; with {@code joinOpenTransactions} false, a connection
   * handed out with autocommit off is taken to be in no transaction (a pool configured with autocommit off) and
   * smskit commits its work on it, as it does with autocommit on.
   */
  public static SmsDatabase create(DataSource dataSource, @Nullable DataSource acrossTenants, SchemaConfig config,
      boolean joinOpenTransactions) {
    return new SmsDatabase(requireNonNull(dataSource, "dataSource"), acrossTenants, null,
        requireNonNull(config, "config"), joinOpenTransactions ? Joining.OPEN_TRANSACTIONS : Joining.NEVER);
  }

  /**
   * This database bound to {@code connection}, one of the host's, in the host's transaction (autocommit off, or
   * every unit of work is refused): every unit of work, across tenants too, joins that transaction under a
   * savepoint; nothing commits, rolls back or closes the connection.
   */
  public SmsDatabase joining(Connection connection) {
    DataSource bound = new HostConnection(requireNonNull(connection, "connection"));
    // Under row level security, work across tenants (dispatch) keeps the worker role's pool and its own transactions.
    return new SmsDatabase(bound, null, rowLevelSecurity ? across : null, config, Joining.ALWAYS);
  }

  /**
   * A database whose work across tenants (the dispatcher's claims and leases, reconciliation, key checks) runs on
   * {@code acrossTenants}, the pool of the worker role; required with row level security, and then only.
   */
  public static SmsDatabase create(DataSource dataSource, @Nullable DataSource acrossTenants, SchemaConfig config) {
    return create(dataSource, acrossTenants, config, true);
  }

  /** The unit of work: gets the repositories of one transaction and returns a result. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Repositories repositories);
  }

  /**
   * Runs {@code work} in one transaction for {@code tenant}: committed when it returns, rolled back when it
   * throws; or, in the host's transaction, under a savepoint released or rolled back to. Database errors come out
   * as {@link SmsException}s that name the field and rule broken.
   */
  public <T> T inTransaction(TenantId tenant, Work<T> work) {
    return unitOfWork(tenant, work).value();
  }

  /** What a unit of work returned, and whether it joined the host's transaction (which commits it later, or not). */
  public record Unit<T>(T value, boolean joined) {}

  /** As {@link #inTransaction}, saying whether the work joined the host's transaction. */
  public <T> Unit<T> unitOfWork(TenantId tenant, Work<T> work) {
    requireNonNull(tenant, "tenant");
    requireNonNull(work, "work");
    return run(dsl, trx -> {
      actAs(trx, tenant);
      return work.run(new Repositories(trx, tenant.value(), config));
    });
  }

  /**
   * Runs {@code work} in one transaction that is not confined to a tenant: for the dispatcher's claims and for
   * operations tooling. Queries through it must name the tenant wherever they touch a tenant's rows, and call
   * {@link #actAs} before a tenant's writes.
   */
  public <T> T inTransactionAcrossTenants(Function<DSLContext, T> work) {
    return unitAcrossTenants(work).value();
  }

  /** As {@link #inTransactionAcrossTenants}, saying whether the work joined the host's transaction. */
  public <T> Unit<T> unitAcrossTenants(Function<DSLContext, T> work) {
    requireNonNull(work, "work");
    return run(across, work);
  }

  /**
   * The one transaction boundary: smskit's own transaction on a connection that comes with autocommit on (jOOQ's,
   * committed here), or a savepoint in the host's transaction on one that comes with it off.
   */
  private <T> Unit<T> run(DSLContext context, Function<DSLContext, T> work) {
    try {
      return context.connectionResult(connection -> {
        if (joins(connection)) {
          return new Unit<>(inSavepoint(connection, work), true);
        }
        return new Unit<>(on(connection).transactionResult(trx -> work.apply(trx.dsl())), false);
      });
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  /** True when work on {@code connection} joins the transaction it is in; refuses a host connection in none. */
  private boolean joins(Connection connection) throws SQLException {
    return switch (joining) {
      case NEVER -> false;
      case OPEN_TRANSACTIONS -> !connection.getAutoCommit();
      case ALWAYS -> {
        if (connection.getAutoCommit()) {
          throw new IllegalStateException("smskit was handed the host's connection to join its transaction, but"
              + " the connection is in autocommit mode: begin the transaction first (setAutoCommit(false))");
        }
        yield true;
      }
    };
  }

  /**
   * Runs {@code work} under a savepoint of the host's transaction: its failure undoes only smskit's part and leaves
   * the host's transaction usable; nothing is committed, and the connection's settings are not touched.
   */
  private <T> T inSavepoint(Connection connection, Function<DSLContext, T> work) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    T result;
    try {
      result = work.apply(on(connection));
    } catch (RuntimeException | Error e) {
      try {
        connection.rollback(savepoint);
        connection.releaseSavepoint(savepoint);
      } catch (SQLException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    connection.releaseSavepoint(savepoint);
    return result;
  }

  /**
   * Sets {@code tenant} as the tenant of the rest of {@code transaction} under row level security (what triggers
   * and policies see); nothing otherwise.
   */
  public void actAs(DSLContext transaction, TenantId tenant) {
    if (rowLevelSecurity) {
      transaction.resultQuery(SET_TENANT, tenant.value()).fetch();
    }
  }

  /**
   * Runs {@code sql}, one statement that returns one row, for {@code tenant}, in autocommit mode: for an operation
   * that is one statement, itself atomic, so that it costs one round trip instead of three (begin, statement,
   * commit). Under row level security, or in the host's transaction, it runs as {@link #inTransaction} does (in
   * the host's transaction under a savepoint, so that its failure leaves that transaction usable). Errors come out
   * as smskit's exceptions, as with {@link #inTransaction}. The statement must name its tenant.
   */
  public <T> T queryOne(TenantId tenant, NamedSql sql, Map<String, ?> values, NamedSql.RowReader<T> reader) {
    return queryOneUnit(tenant, sql, values, reader).value();
  }

  /** As {@link #queryOne}, saying whether the statement joined the host's transaction. */
  public <T> Unit<T> queryOneUnit(TenantId tenant, NamedSql sql, Map<String, ?> values,
      NamedSql.RowReader<T> reader) {
    requireNonNull(tenant, "tenant");
    requireNonNull(sql, "sql");
    requireNonNull(values, "values");
    requireNonNull(reader, "reader");
    if (rowLevelSecurity) {
      Unit<List<T>> rows = unitOfWork(tenant, r -> r.query(sql, values, reader));
      if (rows.value().isEmpty()) {
        throw new IllegalStateException("the statement returned no row");
      }
      return new Unit<>(rows.value().get(0), rows.joined());
    }
    try {
      return dsl.connectionResult(connection -> {
        if (joins(connection)) {
          return new Unit<>(inSavepoint(connection, trx -> queryOne(connection, sql, values, reader)), true);
        }
        // A pool that hands out connections with autocommit off (and joining turned off): this statement commits.
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
          connection.setAutoCommit(true);
        }
        try {
          return new Unit<>(sql.queryOne(connection, values, reader), false);
        } finally {
          if (!autoCommit) {
            connection.setAutoCommit(false);
          }
        }
      });
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  private static <T> T queryOne(Connection connection, NamedSql sql, Map<String, ?> values,
      NamedSql.RowReader<T> reader) {
    try {
      return sql.queryOne(connection, values, reader);
    } catch (SQLException e) {
      throw new DataAccessException(e.getMessage(), e);
    }
  }

  /** The repositories of {@code tenant} inside a transaction opened by {@link #inTransactionAcrossTenants}. */
  public Repositories repositories(DSLContext transaction, TenantId tenant) {
    return new Repositories(requireNonNull(transaction, "transaction"), requireNonNull(tenant, "tenant").value(),
        config);
  }

  /** The tenant pool's jOOQ context outside any transaction: for the test of the guard that refuses it. */
  DSLContext outsideTransactions() {
    return dsl;
  }

  public SchemaConfig config() {
    return config;
  }

  /** True when the policies of row level security confine each transaction to its tenant. */
  public boolean rowLevelSecurity() {
    return rowLevelSecurity;
  }
}
