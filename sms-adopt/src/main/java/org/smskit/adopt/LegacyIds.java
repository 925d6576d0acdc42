package org.smskit.adopt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.smskit.core.Nullable;

/**
 * Legacy id text to uuid: braces, upper case and missing dashes are accepted ({@code normalised}); anything else
 * is {@code not a uuid}. Target ids are deterministic so that a rerun or a resumed run writes the same rows.
 */
final class LegacyIds {
  private static final Pattern UUID_TEXT = Pattern.compile(
      "\\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})}?");

  private LegacyIds() {}

  static Converted<UUID> uuid(@Nullable String raw) {
    if (raw == null) {
      return Converted.ok(null);
    }
    var m = UUID_TEXT.matcher(raw.strip());
    if (!m.matches()) {
      return Converted.failed("not a uuid");
    }
    String canonical = (m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "-" + m.group(4) + "-" + m.group(5))
        .toLowerCase(Locale.ROOT);
    return canonical.equals(raw) ? Converted.ok(UUID.fromString(canonical))
        : Converted.normalised(UUID.fromString(canonical));
  }

  /** The legacy id itself when it is a uuid (in any spelling), else a name-based uuid of table and id. */
  static UUID target(String table, String legacyId) {
    UUID parsed = uuid(legacyId).value();
    return parsed != null ? parsed
        : UUID.nameUUIDFromBytes(("legacy:" + table + ":" + legacyId).getBytes(StandardCharsets.UTF_8));
  }
}
