package org.smskit.core.spi;

import java.time.Duration;
import java.util.Optional;
import org.smskit.core.Nullable;
import org.smskit.core.SmsException;

/**
 * A provider refused or failed a call, classified so that callers decide by {@link #kind()} rather than by
 * provider codes. The message never contains credentials.
 */
public class ProviderException extends SmsException {
  private static final long serialVersionUID = 1L;

  /** What the failure means for the message. */
  public enum Kind {
    /** Try again later (5xx, network failure before the request was sent). */
    RETRYABLE,
    /** The provider asks us to slow down (429, throttled); see {@link #retryAfter()}. */
    RATE_LIMITED,
    /** Sending again will fail the same way (invalid number, unsupported region, content refused). */
    PERMANENT,
    /** The recipient has opted out of this sender; record the opt-out and do not retry. */
    RECIPIENT_OPTED_OUT,
    /** The account's credentials were refused; nothing will work until they are fixed. */
    BAD_CREDENTIALS,
    /** The provider cannot do this at all (MMS where unsupported, too many media). */
    UNSUPPORTED,
    /**
     * The request was written but no answer came (read timeout, connection reset): the provider may or may not
     * have accepted it. Retrying risks a double send.
     */
    OUTCOME_UNKNOWN
  }

  private final String provider;
  private final Kind kind;
  private final @Nullable String providerCode;
  private final int httpStatus;
  private final @Nullable Duration retryAfter;

  public ProviderException(String provider, Kind kind, @Nullable String providerCode, int httpStatus,
      @Nullable Duration retryAfter, String message, @Nullable Throwable cause) {
    super(provider + " " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + (providerCode == null ? "" : " (code " + providerCode + ")")
        + (httpStatus > 0 ? " [HTTP " + httpStatus + "]" : "") + ": " + message, cause);
    this.provider = provider;
    this.kind = kind;
    this.providerCode = providerCode;
    this.httpStatus = httpStatus;
    this.retryAfter = retryAfter;
  }

  public ProviderException(String provider, Kind kind, @Nullable String providerCode, String message) {
    this(provider, kind, providerCode, 0, null, message, null);
  }

  public String provider() {
    return provider;
  }

  public Kind kind() {
    return kind;
  }

  /** The provider's own error code (Twilio {@code 21211}, Vonage status {@code 4}), when it gave one. */
  public Optional<String> providerCode() {
    return Optional.ofNullable(providerCode);
  }

  /** The HTTP status of the provider's answer; 0 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** How long the provider asked us to wait, when it said ({@code Retry-After}). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** True when trying the same send again later may succeed without a double send. */
  public boolean retryable() {
    return kind == Kind.RETRYABLE || kind == Kind.RATE_LIMITED;
  }
}
