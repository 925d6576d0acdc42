package org.smskit.twilio;

import static org.smskit.core.spi.ProviderException.Kind.BAD_CREDENTIALS;
import static org.smskit.core.spi.ProviderException.Kind.OUTCOME_UNKNOWN;
import static org.smskit.core.spi.ProviderException.Kind.PERMANENT;
import static org.smskit.core.spi.ProviderException.Kind.RATE_LIMITED;
import static org.smskit.core.spi.ProviderException.Kind.RECIPIENT_OPTED_OUT;
import static org.smskit.core.spi.ProviderException.Kind.RETRYABLE;
import static org.smskit.core.spi.ProviderException.Kind.UNSUPPORTED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Masking;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.ProviderException.Kind;

/**
 * Turns Twilio's refusals into {@link ProviderException}s. Twilio's error code decides where it has a row below;
 * otherwise the HTTP status does. This table is the one in the module README; {@code TwilioErrorMappingTest}
 * tests it row by row.
 *
 * <pre>
 * Twilio code                         HTTP   Kind
 * 20003 authentication failed         401    BAD_CREDENTIALS
 * 10001 account is not active         4xx    BAD_CREDENTIALS
 * 20005 account not active            4xx    BAD_CREDENTIALS
 * 20403 account has no API access     403    BAD_CREDENTIALS
 * 70051 authorization failed          403    BAD_CREDENTIALS
 * 20429 too many concurrent requests  429    RATE_LIMITED (Retry-After when sent)
 * 14107 30 replies in 30 s per pair   4xx    RATE_LIMITED (Retry-After, else 30 s)
 * 21611 sender queue holds 10 hours   400    RATE_LIMITED
 * 63017 account over 2000 msg/s       4xx    RATE_LIMITED
 * 21610 recipient replied STOP        400    RECIPIENT_OPTED_OUT
 * 21623 more than 10 media            400    UNSUPPORTED
 * 21211 invalid To                    400    PERMANENT
 * 21408 region not enabled            400    PERMANENT
 * 21612 To/From not routable          400    PERMANENT
 * 21614 To not a mobile number        400    PERMANENT
 * (any other code)                    4xx    by HTTP status below
 *
 * HTTP (no code, or a code without a row)  Kind
 * 401, 403, 404                            BAD_CREDENTIALS (credentials, account SID or base URL are wrong)
 * 408                                      RETRYABLE (Twilio gave up reading the request)
 * 429                                      RATE_LIMITED (Retry-After when sent)
 * other 4xx, 3xx                           PERMANENT
 * 504                                      OUTCOME_UNKNOWN (a gateway gave up waiting: Twilio may have sent)
 * other 5xx                                RETRYABLE
 * </pre>
 */
final class TwilioErrors {
  private TwilioErrors() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Twilio's messages quote the numbers they refuse; exception messages end up in logs. */
  private static final Pattern DIGITS = Pattern.compile("\\+?\\d{6,}");
  /** Error 14107 documents a 30-second block. */
  private static final Duration PAIR_RATE_WINDOW = Duration.ofSeconds(30);

  private static final Map<Integer, Kind> BY_CODE = Map.ofEntries(
      Map.entry(20003, BAD_CREDENTIALS),
      Map.entry(10001, BAD_CREDENTIALS),
      Map.entry(20005, BAD_CREDENTIALS),
      Map.entry(20403, BAD_CREDENTIALS),
      Map.entry(70051, BAD_CREDENTIALS),
      Map.entry(20429, RATE_LIMITED),
      Map.entry(14107, RATE_LIMITED),
      Map.entry(21611, RATE_LIMITED),
      Map.entry(63017, RATE_LIMITED),
      Map.entry(21610, RECIPIENT_OPTED_OUT),
      Map.entry(21623, UNSUPPORTED),
      Map.entry(21211, PERMANENT),
      Map.entry(21408, PERMANENT),
      Map.entry(21612, PERMANENT),
      Map.entry(21614, PERMANENT));

  /** The kind for an answer with {@code httpStatus} and Twilio error {@code code}. */
  static Kind classify(int httpStatus, @Nullable Integer code) {
    Kind byCode = code == null ? null : BY_CODE.get(code);
    if (byCode != null) {
      return byCode;
    }
    if (httpStatus == 401 || httpStatus == 403 || httpStatus == 404) {
      return BAD_CREDENTIALS;
    }
    if (httpStatus == 408) {
      return RETRYABLE;
    }
    if (httpStatus == 429) {
      return RATE_LIMITED;
    }
    if (httpStatus == 504) {
      return OUTCOME_UNKNOWN;
    }
    if (httpStatus >= 500) {
      return RETRYABLE;
    }
    return PERMANENT;
  }

  /** Twilio's JSON error body: its {@code code} and {@code message}, each null when absent. */
  record Refusal(@Nullable Integer code, @Nullable String message) {
    static Refusal parse(String body) {
      try {
        JsonNode json = JSON.readTree(body);
        if (json != null && json.isObject()) {
          JsonNode c = json.get("code");
          JsonNode m = json.get("message");
          return new Refusal(c != null && c.canConvertToInt() ? Integer.valueOf(c.asInt()) : null,
              m != null && m.isTextual() ? m.asText() : null);
        }
      } catch (IOException e) {
        // Not Twilio's JSON (a proxy's HTML page, an empty body): the HTTP status alone decides.
      }
      return new Refusal(null, null);
    }

    /** For logs and reasons: the status, Twilio's code and its message with phone numbers masked. */
    String describe(int httpStatus) {
      return "HTTP " + httpStatus + (code == null ? "" : ", Twilio error " + code)
          + (message == null ? "" : ": " + mask(message));
    }
  }

  /** The exception for a non-2xx answer; {@code body} is Twilio's JSON error, or whatever came instead. */
  static ProviderException fromResponse(int httpStatus, Headers headers, String body, Instant now) {
    Refusal refusal = Refusal.parse(body);
    Integer code = refusal.code();
    Kind kind = classify(httpStatus, code);
    Duration retryAfter = null;
    if (kind == RATE_LIMITED) {
      retryAfter = retryAfter(headers, now);
      if (retryAfter == null && code != null && code == 14107) {
        retryAfter = PAIR_RATE_WINDOW;
      }
    }
    String text = refusal.message() == null ? "HTTP " + httpStatus + " without a Twilio error body"
        : mask(refusal.message());
    return new ProviderException(TwilioProvider.NAME, kind, code == null ? null : code.toString(), httpStatus,
        retryAfter, text, null);
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
  static @Nullable Duration retryAfter(Headers headers, Instant now) {
    String value = headers.get("Retry-After");
    if (value == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      Date date = headers.getDate("Retry-After");
      if (date == null) {
        return null;
      }
      Duration wait = Duration.between(now, date.toInstant());
      return wait.isNegative() ? Duration.ZERO : wait;
    }
  }

  /** Masks every phone-number-like run of digits in {@code text}. */
  static String mask(String text) {
    Matcher m = DIGITS.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(Masking.maskAddress(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }
}
