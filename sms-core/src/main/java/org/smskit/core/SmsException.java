package org.smskit.core;

/**
 * Root of every exception smskit throws. Unchecked: no checked exception leaks from the public API.
 *
 * <p>Subclasses carry structured fields (the field and rule broken, the provider's code, whether a retry can
 * help) so that callers branch on data, not on message text.
 */
public abstract class SmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected SmsException(String message) {
    super(message);
  }

  protected SmsException(String message, Throwable cause) {
    super(message, cause);
  }
}
