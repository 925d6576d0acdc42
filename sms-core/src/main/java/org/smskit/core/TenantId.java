package org.smskit.core;

import java.util.regex.Pattern;

/**
 * The tenant every row belongs to. A single-tenant host never names one and gets {@link #DEFAULT}.
 *
 * <p>Ids are 1 to 64 characters of {@code [A-Za-z0-9_.-]}: safe to compare byte by byte, to log, and to pass
 * to {@code set_config} for row level security.
 */
public record TenantId(String value) {
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  /** The tenant used when the host names none. */
  public static final TenantId DEFAULT = new TenantId("default");

  public TenantId {
    if (value == null || !SHAPE.matcher(value).matches()) {
      throw new InvalidInputException("tenant_id", "must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    }
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
