package org.smskit.jooq.repository;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.smskit.core.SmsException;
import org.smskit.core.TenantId;
import org.smskit.jooq.schema.SchemaConfig;

/**
 * smskit's tables behind a host {@link DataSource}: every unit of work runs in one transaction for one tenant,
 * through {@link #inTransaction}. The generated code is written against schema {@code smskit}; other schema
 * names from {@link SchemaConfig} are mapped when SQL is rendered.
 *
 * <p>Thread-safe and cheap to keep for the life of the application. It opens no connection until used, starts
 * no thread, and holds nothing that needs closing (the host owns the {@code DataSource}).
 */
public final class SmsDatabase {
  private final DSLContext dsl;
  private final SchemaConfig config;

  private SmsDatabase(DataSource dataSource, SchemaConfig config) {
    this.config = config;
    Settings settings = new Settings()
        .withRenderMapping(new RenderMapping().withSchemata(
            new MappedSchema().withInput(SchemaConfig.DEFAULT_SCHEMA).withOutput(config.schema())))
        // Errors are translated once, at the transaction boundary.
        .withExecuteLogging(false);
    this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, settings);
  }

  public static SmsDatabase create(DataSource dataSource, SchemaConfig config) {
    return new SmsDatabase(requireNonNull(dataSource, "dataSource"), requireNonNull(config, "config"));
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
      return dsl.transactionResult(trx -> work.run(new Repositories(trx.dsl(), tenant.value(), config)));
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  /**
   * Runs {@code work} in one transaction that is not confined to a tenant: for the dispatcher's claims and for
   * operations tooling. Queries through it must name the tenant wherever they touch a tenant's rows.
   */
  public <T> T inTransactionAcrossTenants(java.util.function.Function<DSLContext, T> work) {
    requireNonNull(work, "work");
    try {
      return dsl.transactionResult(trx -> work.apply(trx.dsl()));
    } catch (DataAccessException e) {
      throw DbErrors.translate(e);
    }
  }

  /**
   * Runs {@code sql}, one statement that returns one row, in autocommit mode: for an operation that is one
   * statement, itself atomic, so that it costs one round trip instead of three (begin, statement, commit). Errors
   * come out as smskit's exceptions, as with {@link #inTransaction}. The statement must name its tenant.
   */
  public <T> T queryOne(NamedSql sql, Map<String, ?> values, NamedSql.RowReader<T> reader) {
    requireNonNull(sql, "sql");
    requireNonNull(values, "values");
    requireNonNull(reader, "reader");
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

  public SchemaConfig config() {
    return config;
  }
}
