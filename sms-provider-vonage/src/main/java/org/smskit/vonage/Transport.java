package org.smskit.vonage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.smskit.core.Nullable;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;

/**
 * Runs one HTTP exchange with Vonage, once. The client never retries ({@code retryOnConnectionFailure(false)}),
 * and a failure is classified by how far the request got: a request whose body was not completely written cannot
 * have been accepted, so it is {@link Kind#RETRYABLE}; once it was, a missing or unreadable answer is
 * {@link Kind#OUTCOME_UNKNOWN}, never a silent resend.
 */
final class Transport {
  /** What came back. */
  record Answer(int code, Headers headers, String body) {}

  /** Set by the event listener when the whole request is on the wire; read after the call fails. */
  static final class Progress {
    private volatile boolean requestWritten;

    boolean requestWritten() {
      return requestWritten;
    }
  }

  private final OkHttpClient client;
  private final Clock clock;

  Transport(OkHttpClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Adds progress tracking to {@code builder}, keeping whatever event listener the host's client had.
   * {@code requestBodyEnd} fires when the body is completely written; {@code requestHeadersEnd} without a body
   * would be the same for bodiless requests, which Vonage sends never.
   */
  static OkHttpClient.Builder trackProgress(OkHttpClient.Builder builder, EventListener.Factory hostListeners) {
    return builder.eventListenerFactory(call -> {
      EventListener host = hostListeners.create(call);
      Progress progress = call.request().tag(Progress.class);
      if (progress == null) {
        return host;
      }
      EventListener ours = new EventListener() {
        @Override
        public void requestBodyEnd(Call c, long byteCount) {
          progress.requestWritten = true;
        }
      };
      return host == EventListener.NONE ? ours : ours.plus(host);
    });
  }

  /**
   * @throws ProviderException {@link Kind#RETRYABLE} when the request never fully left,
   *     {@link Kind#OUTCOME_UNKNOWN} when it did and no complete answer came back
   */
  Answer execute(Request request, String what) {
    Progress progress = new Progress();
    Request tracked = request.newBuilder().tag(Progress.class, progress).build();
    try {
      return fetch(tracked);
    } catch (IOException e) {
      if (progress.requestWritten()) {
        throw new ProviderException(VonageProvider.NAME, Kind.OUTCOME_UNKNOWN, null, 0, null,
            what + " was sent but no complete answer came back (" + e.getClass().getSimpleName()
                + "); Vonage may have accepted it, so it is not sent again", e);
      }
      throw new ProviderException(VonageProvider.NAME, Kind.RETRYABLE, null, 0, null,
          what + " could not be sent (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }

  /**
   * One exchange whose failure the caller judges itself: for reads, which change nothing at Vonage and so leave
   * nothing to reconcile.
   */
  Answer fetch(Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      return new Answer(response.code(), response.headers(), body.string());
    }
  }

  /**
   * The kind of a non-success HTTP status. 504 is a gateway that gave up waiting for Vonage, which may still
   * have accepted the request, so it is {@link Kind#OUTCOME_UNKNOWN}; the other 5xx are {@link Kind#RETRYABLE}.
   */
  ProviderException httpFailure(Answer answer, @Nullable String providerCode, String message) {
    int code = answer.code();
    Kind kind;
    Duration retryAfter = null;
    if (code == 401) {
      kind = Kind.BAD_CREDENTIALS;
    } else if (code == 429) {
      kind = Kind.RATE_LIMITED;
      retryAfter = retryAfter(answer.headers().get("Retry-After"));
    } else if (code == 504) {
      kind = Kind.OUTCOME_UNKNOWN;
    } else if (code >= 500) {
      kind = Kind.RETRYABLE;
    } else {
      // 3xx (redirects are not followed: a POST must not silently become a GET) and the remaining 4xx.
      kind = Kind.PERMANENT;
    }
    return new ProviderException(VonageProvider.NAME, kind, providerCode, code, retryAfter, message, null);
  }

  /** Seconds or an HTTP date; null when absent or unreadable. */
  @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Duration wait = Duration.between(clock.instant(),
            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
