package org.smskit.core.model;

import java.util.Locale;
import org.smskit.core.InvalidInputException;

/** An enum stored in the database as its lower-case name, as the schema's CHECK constraints expect. */
public interface StoredEnum {

  /** The enum constant's name; implemented by every enum. */
  String name();

  /** The value stored in the database. */
  default String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a stored value.
   *
   * @throws InvalidInputException naming {@code field} when the value is not one of {@code type}'s
   */
  static <E extends Enum<E> & StoredEnum> E fromDb(Class<E> type, String field, String value) {
    for (E candidate : type.getEnumConstants()) {
      if (candidate.dbValue().equals(value)) {
        return candidate;
      }
    }
    throw new InvalidInputException(field, "unknown value '" + value + "'");
  }
}
