package org.smskit.core.analysis;

import java.time.Duration;
import org.smskit.core.Nullable;
import org.smskit.core.SmsException;

/**
 * An analysis that produced no result. {@link #retryable()} says whether the same request may succeed later (a
 * timeout, a 429 or 5xx); {@link #retryAfter()} how long the service asked to wait, if it said.
 */
public class AnalysisException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean retryable;
  private final @Nullable Duration retryAfter;

  public AnalysisException(String code, String message, boolean retryable, @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** A short machine-readable reason ({@code http_429}, {@code timeout}, {@code refused}, {@code bad_output}). */
  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
