package org.smskit.adopt;

import java.util.Map;
import org.smskit.core.Nullable;

/** One legacy row as read: its id as text, the whole row as JSON (for residue), and each column as text. */
record LegacyRow(String id, String json, Map<String, String> values) {
  @Nullable
  String get(String column) {
    return values.get(column);
  }
}
