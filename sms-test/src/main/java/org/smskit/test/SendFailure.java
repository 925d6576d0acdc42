package org.smskit.test;

import java.time.Duration;
import org.smskit.core.Require;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.spi.ProviderException;

/**
 * A failure the simulated provider answers a send with, scripted by {@link SmsTestKit#failNextSend}. The factories
 * give the failures a host's error handling usually meets; {@link #of} takes any {@link ProviderException}.
 *
 * @param error what the send throws
 * @param afterAccepting true when the message reaches the network (and is recorded as sent) but its answer is
 *     lost: the sender sees an unknown outcome
 */
public record SendFailure(ProviderException error, boolean afterAccepting) {
  public SendFailure {
    Require.nonNull(error, "error");
  }

  /** The provider is down (HTTP 503): retryable, the message is queued again with a backoff. */
  public static SendFailure serverError() {
    return of(ProviderException.Kind.RETRYABLE, null, 503, null, "scripted: service unavailable");
  }

  /** The provider throttles (HTTP 429) and asks to wait {@code retryAfter}: retryable after that wait. */
  public static SendFailure rateLimited(Duration retryAfter) {
    Require.nonNull(retryAfter, "retryAfter");
    return of(ProviderException.Kind.RATE_LIMITED, null, 429, retryAfter, "scripted: too many requests");
  }

  /**
   * The recipient opted out at the carrier (Twilio's error 21610, HTTP 400): the message fails and smskit records
   * the opt-out.
   */
  public static SendFailure recipientOptedOut() {
    return of(ProviderException.Kind.RECIPIENT_OPTED_OUT, "21610", 400, null,
        "scripted: attempt to send to unsubscribed recipient");
  }

  /** A permanent refusal with the provider's {@code code} (HTTP 400), for example {@code 21211}, an invalid number. */
  public static SendFailure permanent(String code) {
    Require.nonNull(code, "code");
    return of(ProviderException.Kind.PERMANENT, code, 400, null, "scripted: refused");
  }

  /** The account's credentials are refused (HTTP 401). */
  public static SendFailure badCredentials() {
    return of(ProviderException.Kind.BAD_CREDENTIALS, "20003", 401, null, "scripted: authentication failed");
  }

  /**
   * The request reaches the provider, which accepts the message, but the answer never comes back (a read timeout):
   * smskit holds the message rather than risk a double send.
   */
  public static SendFailure answerLost() {
    return new SendFailure(new ProviderException(SimulatedProvider.NAME, ProviderException.Kind.OUTCOME_UNKNOWN,
        null, 0, null, "scripted: read timed out", null), true);
  }

  /** Any failure, thrown before the message reaches the network. */
  public static SendFailure of(ProviderException error) {
    return new SendFailure(error, false);
  }

  private static SendFailure of(ProviderException.Kind kind, String code, int status, Duration retryAfter,
      String message) {
    return of(new ProviderException(SimulatedProvider.NAME, kind, code, status, retryAfter, message, null));
  }
}
