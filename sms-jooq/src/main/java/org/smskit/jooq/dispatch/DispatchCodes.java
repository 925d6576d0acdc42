package org.smskit.jooq.dispatch;

/**
 * What the library writes in {@code provider_error_code} (and the status history) when it fails a message itself,
 * and how it marks an answer it could not apply.
 */
public final class DispatchCodes {
  /** The recipient opted out after the message was queued (checked just before each request). */
  public static final String OPTED_OUT = "opted_out";
  /** The message's account, number or service was deactivated after it was queued. */
  public static final String SENDER_DEACTIVATED = "sender_deactivated";
  /** Nothing a provider could send (its own validation, or ours, refused it before any request). */
  public static final String INVALID_REQUEST = "invalid_request";
  /** The provider failed with something other than a {@code ProviderException}: a bug of the provider. */
  public static final String PROVIDER_ERROR = "provider_error";
  /** The provider status written in the history for an acceptance that came after the worker's lease was lost. */
  public static final String LEASE_LOST_ANSWER = "accepted_after_lease_lost";

  private DispatchCodes() {}
}
