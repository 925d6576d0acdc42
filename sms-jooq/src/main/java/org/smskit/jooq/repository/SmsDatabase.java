package org.smskit.jooq.repository;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import java.sql.SQLException;
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
 * <p>Thread-safe and cheap to keep for the life of the application. It opens no connection until used, starts
 * no thread, and holds nothing that needs closing (the host owns the {@code DataSource}).
 */
public final class SmsDatabase {
  private static final String SET_TENANT = "select set_config('" + RowLevelSecurity.TENANT_SETTING + "', ?, true)";

  private final DSLContext dsl;
  private final DSLContext across;
  private final SchemaConfig config;
  private final boolean rowLevelSecurity;

  private SmsDatabase(DataSource dataSource, @Nullable DataSource acrossTenants, SchemaConfig config) {
    this.config = config;
    this.rowLevelSecurity = config.rowLevelSecurity() != null;
    if (rowLevelSecurity && acrossTenants == null) {
      throw new InvalidInputException("worker_data_source", "row level security confines the pool to one"
          + " tenant per transaction: dispatch, reconciliation and key checks need a pool of the worker role "
          + config.rowLevelSecurity().workerRole());
    }
    this.dsl = dsl(dataSource);
    this.across = acrossTenants == null ? dsl : dsl(acrossTenants);
  }

  private DSLContext dsl(DataSource dataSource) {
    Settings settings = new Settings()
        .withRenderMapping(new RenderMapping().withSchemata(
            new MappedSchema().withInput(SchemaConfig.DEFAULT_SCHEMA).withOutput(config.schema())))
        // Errors are translated once, at the transaction boundary.
        .withExecuteLogging(false);
    DSLContext context = DSL.using(dataSource, SQLDialect.POSTGRES, settings);
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
   * A database whose work across tenants (the dispatcher's claims and leases, reconciliation, key checks) runs on
   * {@code acrossTenants}, the pool of the worker role; required with row level security, and then only.
   */
  public static SmsDatabase create(DataSource dataSource, @Nullable DataSource acrossTenants, SchemaConfig config) {
    return new SmsDatabase(requireNonNull(dataSource, "dataSource"), acrossTenants, requireNonNull(config, "config"));
  }

  /** The unit of work: gets the repositories of one transaction and returns a result. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Repositories repositories);
  }

  /**
   * Runs {@code work} in one transaction for {@code tenant}: committed when it returns, rolled back when it
   * throws. Database errors come out as {@link SmsException}s that name the field and rule broken.
   */
  public <T> T inTransaction(TenantId tenant, Work<T> work) {
    requireNonNull(tenant, "tenant");
    requireNonNull(work, "work");
    try {
      return dsl.transactionResult(trx -> {
        actAs(trx.dsl(), tenant);
        return work.run(new Repositories(trx.dsl(), tenant.value(), config));
      });
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  /**
   * Runs {@code work} in one transaction that is not confined to a tenant: for the dispatcher's claims and for
   * operations tooling. Queries through it must name the tenant wherever they touch a tenant's rows, and call
   * {@link #actAs} before a tenant's writes.
   */
  public <T> T inTransactionAcrossTenants(java.util.function.Function<DSLContext, T> work) {
    requireNonNull(work, "work");
    try {
      return across.transactionResult(trx -> work.apply(trx.dsl()));
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
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
   * commit). Under row level security it runs in a transaction that sets the tenant first. Errors come out as
   * smskit's exceptions, as with {@link #inTransaction}. The statement must name its tenant.
   */
  public <T> T queryOne(TenantId tenant, NamedSql sql, Map<String, ?> values, NamedSql.RowReader<T> reader) {
    requireNonNull(tenant, "tenant");
    requireNonNull(sql, "sql");
    requireNonNull(values, "values");
    requireNonNull(reader, "reader");
    if (rowLevelSecurity) {
      List<T> rows = inTransaction(tenant, r -> r.query(sql, values, reader));
      if (rows.isEmpty()) {
        throw new IllegalStateException("the statement returned no row");
      }
      return rows.get(0);
    }
    try {
      return dsl.connectionResult(connection -> {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
          connection.setAutoCommit(true);
        }
        try {
          return sql.queryOne(connection, values, reader);
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
