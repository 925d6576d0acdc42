package org.smskit.core;

/** The database failed in a way that is not the caller's input (connection lost, timeout, a bug). */
public class StorageException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public StorageException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True when the same operation may succeed if tried again (serialization failure, lost connection). */
  public boolean retryable() {
    return retryable;
  }
}
