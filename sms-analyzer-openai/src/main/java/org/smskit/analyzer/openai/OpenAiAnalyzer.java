package org.smskit.analyzer.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.analysis.AnalysisException;
import org.smskit.core.analysis.AnalysisRequest;
import org.smskit.core.analysis.ConversationAnalysis;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.crypto.Secret;

/**
 * A {@link ConversationAnalyzer} that asks an OpenAI-compatible chat-completions endpoint for a structured analysis:
 * one {@code POST {baseUrl}/chat/completions} per conversation, repeated on transient failures (408, 429, 5xx,
 * timeouts, broken connections) with {@link Backoff}. Asking again is safe: the request creates nothing, it only
 * costs tokens. One instance is called by one worker thread at a time; {@link #close()} releases its client.
 */
final class OpenAiAnalyzer implements ConversationAnalyzer {
  static final String NAME = "openai";

  private static final Logger log = LoggerFactory.getLogger(OpenAiAnalyzer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_UTF8 = MediaType.get("application/json; charset=utf-8");
  private static final String USER_AGENT = "smskit-openai";
  /** OpenAI's masked echo of a key in a 401 ({@code sk-proj-abc*****wxyz}): still part of a key, so not repeated. */
  private static final Pattern KEY_LIKE = Pattern.compile("\\bsk-[A-Za-z0-9_*\\-]{4,}");

  private final OpenAiSettings settings;
  private final @Nullable Secret apiKey;
  private final Clock clock;
  private final Backoff backoff;
  private final OkHttpClient client;

  OpenAiAnalyzer(OpenAiSettings settings, @Nullable Secret apiKey, Clock clock, Backoff backoff) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.apiKey = apiKey;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    Duration timeout = settings.timeout();
    this.client = new OkHttpClient.Builder()
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .callTimeout(timeout) // one bound for the whole attempt: a model may stream its headers slowly
        // The loop below owns every retry, so that maxAttempts and the waits are exact.
        .retryOnConnectionFailure(false)
        // A chat-completions endpoint does not redirect; one that does is a wrong baseUrl (http for https), and
        // following it would turn the POST into a GET.
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** {@code openai/<prompt version>/<model>/<response format>}. */
  @Override
  public String fingerprint() {
    return NAME + "/" + Prompt.VERSION + "/" + settings.model() + "/" + settings.responseFormat().wire;
  }

  /**
   * @throws AnalysisException {@code no_text} when the request has no message; {@code http_<status>},
   *     {@code timeout} or {@code io} when the endpoint failed (retryable for 408, 429 except
   *     {@code insufficient_quota}, 5xx, timeouts and connection failures, after {@code maxAttempts}); {@code
   *     truncated}, {@code refused} or {@code bad_output} for an answer that is not an analysis (not retryable);
   *     {@code interrupted} when the thread was interrupted
   */
  @Override
  public ConversationAnalysis analyze(AnalysisRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.messages().isEmpty()) {
      throw new AnalysisException("no_text", "the conversation has no message with text", false, null, null);
    }
    String body = ChatCompletion.request(settings, Prompt.system(clock.instant(), settings.responseFormat()),
        Prompt.conversation(request.messages(), settings.maxChars()));
    Request.Builder http = new Request.Builder()
        .url(settings.chatCompletions())
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT)
        .post(RequestBody.create(body, JSON_UTF8));
    if (apiKey != null) {
      http.header("Authorization", "Bearer " + apiKey.reveal());
    }
    return send(request.conversationId(), http.build());
  }

  private ConversationAnalysis send(String conversationId, Request request) {
    @Nullable Duration lastRetryAfter = null;
    for (int attempt = 1; ; attempt++) {
      Failure failure;
      try (Response response = client.newCall(request).execute()) {
        String body = response.body().string();
        if (response.isSuccessful()) {
          ConversationAnalysis analysis = ChatCompletion.response(body, settings.model());
          log.debug("openai analysed conversation {} with {} ({} + {} tokens, attempt {})", conversationId,
              analysis.model(), analysis.promptTokens(), analysis.completionTokens(), attempt);
          return analysis;
        }
        failure = httpFailure(response, body);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw interrupted(e);
        }
        boolean timedOut = e instanceof InterruptedIOException; // SocketTimeoutException and the call timeout
        failure = new Failure(timedOut ? "timeout" : "io", (timedOut ? "no answer within "
            + settings.timeout().toSeconds() + " s" : "connection failed") + " (" + e + ")", true, null, e);
      }
      if (failure.retryAfter() != null) {
        lastRetryAfter = failure.retryAfter();
      }
      Duration wait = failure.retryable() && attempt < settings.maxAttempts()
          ? backoff.after(attempt, failure.retryAfter()) : null;
      if (wait == null) {
        log.warn("openai analysis of conversation {} failed after {} attempt(s): {}", conversationId, attempt,
            failure.message());
        throw failure.toException(settings.chatCompletions().toString(), attempt,
            failure.retryable() ? lastRetryAfter : null);
      }
      log.info("openai analysis of conversation {}: {}; attempt {} of {} in {} ms", conversationId,
          failure.message(), attempt + 1, settings.maxAttempts(), wait.toMillis());
      try {
        backoff.sleeper().sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(e);
      }
    }
  }

  private Failure httpFailure(Response response, String body) {
    int code = response.code();
    JsonNode error = errorOf(body);
    String errorCode = error.path("code").asText(error.path("type").asText(""));
    // OpenAI answers 429 both for "slow down" (rate_limit_exceeded) and for "out of credit" (insufficient_quota);
    // only the first passes by waiting.
    boolean quota = code == 429 && ("insufficient_quota".equals(errorCode)
        || "insufficient_quota".equals(error.path("type").asText("")));
    boolean retryable = !quota && (code == 408 || code == 429 || code >= 500);
    StringBuilder message = new StringBuilder("HTTP ").append(code);
    if (!errorCode.isEmpty()) {
      message.append(" ").append(errorCode);
    }
    String said = error.path("message").asText("");
    if (!said.isBlank()) {
      message.append(": ").append(Prompt.cut(scrub(said.strip()), 300));
    }
    return new Failure("http_" + code, message.toString(), retryable, retryAfter(response), null);
  }

  /** The server's message, with the API key and anything that looks like one taken out. */
  private String scrub(String text) {
    String out = apiKey == null || apiKey.reveal().isEmpty() ? text : text.replace(apiKey.reveal(), "***");
    return KEY_LIKE.matcher(out).replaceAll("sk-***");
  }

  private static JsonNode errorOf(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      return root == null ? JSON.missingNode() : root.path("error");
    } catch (IOException e) {
      return JSON.missingNode(); // a proxy's HTML page: the status says enough
    }
  }

  /** {@code retry-after-ms} (OpenAI, Azure) or {@code Retry-After} in seconds; null when absent or unreadable. */
  static @Nullable Duration retryAfter(Response response) {
    try {
      String millis = response.header("retry-after-ms");
      if (millis != null) {
        double ms = Double.parseDouble(millis.strip());
        return ms >= 0 ? Duration.ofMillis((long) Math.ceil(ms)) : null;
      }
      String seconds = response.header("Retry-After");
      if (seconds != null) {
        double s = Double.parseDouble(seconds.strip());
        return s >= 0 ? Duration.ofMillis((long) Math.ceil(s * 1000)) : null;
      }
    } catch (NumberFormatException e) {
      // an HTTP date, which chat-completions servers do not send: fall back to our own backoff
    }
    return null;
  }

  private static AnalysisException interrupted(Exception cause) {
    return new AnalysisException("interrupted", "interrupted while waiting for the analysis", true, null, cause);
  }

  /** Releases the client's threads and idle connections; idempotent. */
  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "OpenAiAnalyzer[" + settings.chatCompletions() + ", " + fingerprint() + "]";
  }

  /** One failed attempt. */
  private record Failure(String code, String message, boolean retryable, @Nullable Duration retryAfter,
      @Nullable Throwable cause) {

    AnalysisException toException(String url, int attempts, @Nullable Duration retryAfter) {
      return new AnalysisException(code, "openai analyzer: " + message + " (POST " + url + ", " + attempts
          + (attempts == 1 ? " attempt)" : " attempts)"), retryable, retryAfter, cause);
    }
  }
}
