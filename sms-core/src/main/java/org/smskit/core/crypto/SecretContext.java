package org.smskit.core.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.smskit.core.TenantId;

/**
 * Where a secret lives: its tenant, table, column and row. {@link SecretCipher} authenticates this together with
 * the ciphertext (AES-GCM associated data), so a value copied into another row, tenant, table or column fails to
 * decrypt instead of handing one tenant's provider credentials to another.
 *
 * <p>Table and column are the unqualified, lower-case SQL names ({@code sms_sender_accounts},
 * {@code auth_token}); lower case only, so that {@code Auth_Token} cannot silently make a value unreadable, and
 * unqualified, so that moving the tables to another schema keeps every value readable. None of the parts is
 * secret: this record may be logged.
 *
 * @param tenant the owning tenant
 * @param table the table, 1 to 63 characters of {@code [a-z0-9_]}, not starting with a digit
 * @param column the column, same shape as {@code table}
 * @param rowId the row's primary key (within the tenant)
 */
public record SecretContext(TenantId tenant, String table, String column, UUID rowId) {
  // PostgreSQL identifiers are at most 63 bytes.
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * Tag opening the associated data. It names the stored format, so a future {@code enc:v2} layout can never
   * produce associated data that a v1 value would accept.
   */
  private static final String AAD_VERSION = "enc:v1";

  /**
   * @throws InvalidInputException if a part is null, or {@code table} or {@code column} is not a lower-case SQL
   *     identifier
   */
  public SecretContext {
    Require.nonNull(tenant, "tenant_id");
    Require.nonNull(rowId, "row_id");
    if (table == null || !IDENTIFIER.matcher(table).matches()) {
      throw new InvalidInputException("table", "must be a lower-case SQL identifier of 1 to 63 characters");
    }
    if (column == null || !IDENTIFIER.matcher(column).matches()) {
      throw new InvalidInputException("column", "must be a lower-case SQL identifier of 1 to 63 characters");
    }
  }

  public static SecretContext of(TenantId tenant, String table, String column, UUID rowId) {
    return new SecretContext(tenant, table, column, rowId);
  }

  /**
   * The associated data for a value stored under {@code keyId}. Every part is length-prefixed, so no two
   * different contexts encode to the same bytes whatever characters they hold:
   *
   * <pre>
   *   field("enc:v1") field(keyId) field(tenant) field(table) field(column) rowId
   *   field(s) = u16 big-endian length of UTF-8(s), then UTF-8(s)
   *   rowId    = 16 bytes: most significant 64 bits, then least significant, big-endian
   * </pre>
   *
   * The key id is bound too, so that rewriting the key id in a stored value cannot make it decrypt under another
   * id that happens to alias the same key material. This layout is part of the {@code enc:v1} format: changing
   * it makes every stored value unreadable, so it may only change together with the prefix.
   */
  byte[] associatedData(String keyId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    field(out, AAD_VERSION);
    field(out, keyId);
    field(out, tenant.value());
    field(out, table);
    field(out, column);
    long msb = rowId.getMostSignificantBits();
    long lsb = rowId.getLeastSignificantBits();
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (msb >>> shift) & 0xFF);
    }
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (lsb >>> shift) & 0xFF);
    }
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    // Every part is validated to at most 64 ASCII characters; the check guards the u16 prefix against misuse.
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("associated data part longer than 65535 bytes");
    }
    out.write(bytes.length >>> 8);
    out.write(bytes.length & 0xFF);
    out.writeBytes(bytes);
  }

  /** For messages: {@code tenant 't1' sms_sender_accounts.auth_token row <uuid>}. */
  String describe() {
    return "tenant '" + tenant.value() + "' " + table + '.' + column + " row " + rowId;
  }
}
