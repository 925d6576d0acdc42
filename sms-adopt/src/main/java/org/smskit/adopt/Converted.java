package org.smskit.adopt;

import org.smskit.core.Nullable;

/**
 * One legacy value after conversion: the typed value (null when it did not convert) and, when the original must
 * be kept, the reason it goes to the residue table ({@code null}: converted as written, nothing to keep).
 */
record Converted<T>(@Nullable T value, @Nullable String reason) {
  static final String NORMALISED = "normalised";

  static <T> Converted<T> ok(@Nullable T value) {
    return new Converted<>(value, null);
  }

  static <T> Converted<T> normalised(T value) {
    return new Converted<>(value, NORMALISED);
  }

  static <T> Converted<T> failed(String reason) {
    return new Converted<>(null, reason);
  }

  boolean keepsOriginal() {
    return reason != null;
  }
}
