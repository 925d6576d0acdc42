package org.smskit.jooq.repository;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.smskit.core.ConflictException;
import org.smskit.core.InvalidInputException;
import org.smskit.core.SmsException;
import org.smskit.core.StorageException;

/** Turns PostgreSQL errors into smskit's typed exceptions, naming the field and the rule where there is one. */
final class DbErrors {
  private DbErrors() {}

  static SmsException translate(DataAccessException e) {
    SQLException sql = withState(e.getCause(SQLException.class));
    if (sql == null) {
      return new StorageException("database access failed: " + e.getMessage(), false, e);
    }
    String state = sql.getSQLState() == null ? "" : sql.getSQLState();
    ServerErrorMessage server = sql instanceof PSQLException p ? p.getServerErrorMessage() : null;
    String constraint = server == null ? null : server.getConstraint();
    String column = server == null ? null : server.getColumn();
    switch (state) {
      case "23502": // not_null_violation
        return new InvalidInputException(column == null ? "unknown" : column, "must not be null", e);
      case "23514": // check_violation
        return fromConstraint(constraint, false, e);
      case "23505": // unique_violation
      case "23503": // foreign_key_violation
        if ("23503".equals(state) && server != null && server.getDetail() != null
            && server.getDetail().contains("is still referenced")) {
          return new ConflictException(constraint == null ? "id" : fieldOf(constraint),
              "is still referenced by " + server.getTable(), e);
        }
        return fromConstraint(constraint, true, e);
      case "22001": // string_data_right_truncation
      case "22003": // numeric_value_out_of_range
      case "22007": // invalid_datetime_format
      case "22008": // datetime_field_overflow
      case "22P02": // invalid_text_representation (e.g. bad JSON)
      case "22P05": // untranslatable_character (e.g. NUL)
      case "22021": // character_not_in_repertoire
        return new InvalidInputException(column == null ? "value" : column,
            server != null ? server.getMessage() : sql.getMessage(), e);
      case "40001": // serialization_failure
      case "40P01": // deadlock_detected
      case "55P03": // lock_not_available
      case "57014": // query_canceled (statement timeout)
        return new StorageException("database busy (" + state + "), retry: " + sql.getMessage(), true, e);
      default:
        boolean connectionLost = state.startsWith("08") || state.startsWith("57P");
        return new StorageException("database error " + state + ": " + sql.getMessage(), connectionLost, e);
    }
  }

  /**
   * The first exception of the chain that names a SQLState: jOOQ wraps a failure to read a result (a connection
   * killed mid-read, 08006) in an SQLException of its own without one, which would hide a lost connection.
   */
  private static SQLException withState(SQLException first) {
    for (Throwable t = first; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql;
      }
    }
    return first;
  }

  private static SmsException fromConstraint(String constraint, boolean conflict, DataAccessException e) {
    ConstraintRules.Rule rule = constraint == null ? null : ConstraintRules.forConstraint(constraint).orElse(null);
    String field = rule != null ? rule.field() : constraint == null ? "unknown" : fieldOf(constraint);
    String text = rule != null ? rule.rule() : "violates " + constraint;
    return conflict ? new ConflictException(field, text, e) : new InvalidInputException(field, text, e);
  }

  /** Constraints are named {@code <table>_<column>_<rule>}; without a known rule, say the constraint. */
  private static String fieldOf(String constraint) {
    return ConstraintRules.forConstraint(constraint).map(ConstraintRules.Rule::field).orElse(constraint);
  }
}
