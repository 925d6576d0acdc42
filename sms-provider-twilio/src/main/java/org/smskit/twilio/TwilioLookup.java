package org.smskit.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.status.MessageStatus;

/**
 * {@link TwilioProvider#lookup}: a message Twilio named is fetched by its SID; one whose SID never came back is
 * searched for in the Messages list. The module README states what counts as proof that Twilio never created a
 * message; this class answers {@link LookupResult.NotFound} only then, and {@link LookupResult.Unknown} for
 * everything short of it, failures included.
 */
final class TwilioLookup {
  private static final Logger log = LoggerFactory.getLogger(TwilioLookup.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Twilio's largest page. */
  static final int PAGE_SIZE = 1000;
  /** A search reads at most this many pages (10,000 messages) before it gives up without an answer. */
  static final int MAX_PAGES = 10;
  /**
   * Widens our request window on both sides: our clock and Twilio's may differ, and Twilio may create the message
   * a little after our client gave up. A search can prove absence only once this long has passed after
   * {@link LookupRequest#sentBefore()}.
   */
  static final Duration MARGIN = Duration.ofMinutes(5);
  private static final Pattern MESSAGE_SID = Pattern.compile("(SM|MM)[0-9a-fA-F]{32}");
  /** The only direction our sends have: messages created through the REST API. */
  private static final String OUTBOUND_API = "outbound-api";

  private final OkHttpClient client;
  private final String authorization;
  private final String userAgent;
  private final HttpUrl baseUrl;
  private final HttpUrl accountUrl;
  private final Clock clock;
  private final boolean addressesObfuscated;

  /**
   * @param accountUrl {@code {base}/2010-04-01/Accounts/{AccountSid}}
   * @param addressesObfuscated the account's sends default to {@code AddressRetention=obfuscate}, whose messages
   *     the {@code To}/{@code From} filters may no longer find
   */
  TwilioLookup(OkHttpClient client, String authorization, String userAgent, HttpUrl baseUrl, HttpUrl accountUrl,
      Clock clock, boolean addressesObfuscated) {
    this.client = client;
    this.authorization = authorization;
    this.userAgent = userAgent;
    this.baseUrl = baseUrl;
    this.accountUrl = accountUrl;
    this.clock = clock;
    this.addressesObfuscated = addressesObfuscated;
  }

  LookupResult lookup(LookupRequest request) {
    Objects.requireNonNull(request, "request");
    LookupResult result = request.knownProviderId().map(this::fetch).orElseGet(() -> search(request));
    // Found carries the raw message, with numbers and body: only its id and status go to the log.
    log.debug("twilio lookup of message {}: {}", request.messageId(), result instanceof LookupResult.Found f
        ? "found as " + f.providerMessageId() + " (" + f.providerStatus() + ")" : result);
    return result;
  }

  /** {@code GET .../Messages/{Sid}.json}. Twilio gave us this SID, so a 404 is never taken as absence. */
  private LookupResult fetch(String sid) {
    if (!MESSAGE_SID.matcher(sid).matches()) {
      return new LookupResult.Unknown("'" + sid + "' is not a Twilio message SID (SM or MM and 32 hex digits)");
    }
    HttpUrl url = accountUrl.newBuilder().addPathSegment("Messages").addPathSegment(sid + ".json").build();
    Answer answer;
    try {
      answer = get(url);
    } catch (IOException e) {
      return failed("fetching " + sid, e);
    }
    if (answer.code() == 404) {
      // The SID came from Twilio (an answer or a callback): the message exists, whatever this answer says.
      return new LookupResult.Unknown("Twilio answered " + answer.describe() + " for " + sid + ", a SID it gave out;"
          + " not taken as proof that the message was never created");
    }
    if (answer.code() != 200) {
      return new LookupResult.Unknown("fetching " + sid + ": Twilio answered " + answer.describe());
    }
    JsonNode message = json(answer.body());
    if (message == null || !message.isObject()) {
      return new LookupResult.Unknown("fetching " + sid + ": Twilio's answer is not a JSON object");
    }
    return found(message, answer.body());
  }

  /**
   * Lists every message to the recipient (from the sender, when the request names one), all pages, without a date
   * filter: Twilio filters dates only on {@code date_sent}, which is null until a message is sent, so a date filter
   * would hide a message still queued, accepted or scheduled. Candidates are outbound-api messages whose
   * {@code date_created} falls in the widened window.
   */
  private LookupResult search(LookupRequest request) {
    Instant windowStart = request.sentAfter().minus(MARGIN);
    Instant windowEnd = request.sentBefore().plus(MARGIN);
    Address from = request.from();
    HttpUrl.Builder first = accountUrl.newBuilder().addPathSegment("Messages.json")
        .addQueryParameter("To", request.to().value());
    if (from != null) {
      first.addQueryParameter("From", from.value());
    }
    HttpUrl url = first.addQueryParameter("PageSize", Integer.toString(PAGE_SIZE)).build();
    String searched = "messages to " + request.to().masked() + (from == null ? " from any sender"
        : " from " + from.masked());

    List<JsonNode> inWindow = new ArrayList<>();
    List<JsonNode> sameBody = new ArrayList<>();
    int undated = 0;
    int listed = 0;
    int pages = 0;
    while (url != null) {
      if (pages == MAX_PAGES) {
        return new LookupResult.Unknown("more than " + MAX_PAGES * PAGE_SIZE + " " + searched
            + " to search; gave up without an answer");
      }
      Answer answer;
      try {
        answer = get(url);
      } catch (IOException e) {
        return failed("listing " + searched, e);
      }
      if (answer.code() != 200) {
        return new LookupResult.Unknown("listing " + searched + ": Twilio answered " + answer.describe());
      }
      JsonNode page = json(answer.body());
      JsonNode messages = page == null ? null : page.get("messages");
      if (messages == null || !messages.isArray()) {
        return new LookupResult.Unknown("listing " + searched + ": Twilio's page " + (pages + 1)
            + " has no messages array");
      }
      pages++;
      for (JsonNode message : messages) {
        listed++;
        if (!isOurs(message, request)) {
          continue;
        }
        Instant created = created(message);
        if (created == null) {
          undated++; // cannot be ruled out, nor told to be ours
        } else if (!created.isBefore(windowStart) && !created.isAfter(windowEnd)) {
          inWindow.add(message);
          if (Objects.equals(emptyToNull(TwilioProvider.text(message, "body")), emptyToNull(request.body()))) {
            sameBody.add(message);
          }
        }
      }
      String next = TwilioProvider.text(page, "next_page_uri");
      url = next == null ? null : nextPage(next);
      if (next != null && url == null) {
        return new LookupResult.Unknown("listing " + searched + ": next_page_uri leads away from " + baseUrl);
      }
    }

    String window = "created between " + windowStart + " and " + windowEnd;
    if (sameBody.size() == 1 && undated == 0) {
      return found(sameBody.get(0), sameBody.get(0).toString());
    }
    if (sameBody.size() > 1 || undated > 0) {
      return new LookupResult.Unknown("ambiguous: " + sameBody.size() + " " + searched + " with the same body "
          + window + (undated == 0 ? "" : ", and " + undated + " without a readable date_created"));
    }
    if (!inWindow.isEmpty()) {
      // Twilio may store a body other than the one sent (smart encoding, shortened links, content retention).
      return new LookupResult.Unknown(inWindow.size() + " " + searched + " " + window + ", none with the same body;"
          + " Twilio may have changed the stored body, so this is no proof either way");
    }
    Instant now = clock.instant();
    if (now.isBefore(windowEnd)) {
      return new LookupResult.Unknown("none of the " + listed + " " + searched + " was " + window + ", but the"
          + " window is still open until " + windowEnd + ": Twilio may still create the message");
    }
    if (addressesObfuscated) {
      return new LookupResult.Unknown("none of the " + listed + " " + searched + " was " + window + ", but the"
          + " account sends with AddressRetention=obfuscate, which the To/From filters may not find");
    }
    return new LookupResult.NotFound("listed all " + listed + " " + searched + " in " + pages + " page(s) at "
        + now + ", without a date filter; none was " + window + " (Twilio's date_created)");
  }

  /** Outbound through the API, to our recipient, from our sender when we named one. */
  private static boolean isOurs(JsonNode message, LookupRequest request) {
    return OUTBOUND_API.equals(TwilioProvider.text(message, "direction"))
        && request.to().value().equals(TwilioProvider.text(message, "to"))
        && (request.from() == null || request.from().value().equals(TwilioProvider.text(message, "from")));
  }

  /** Twilio's message JSON as a lookup answer; Unknown for a status smskit does not map. */
  static LookupResult found(JsonNode message, String raw) {
    String sid = TwilioProvider.text(message, "sid");
    String twilioStatus = TwilioProvider.text(message, "status");
    MessageStatus status = twilioStatus == null ? null : TwilioProvider.status(twilioStatus);
    if (sid == null || status == null) {
      return new LookupResult.Unknown("Twilio's message " + (sid == null ? "without a sid" : sid) + " has status '"
          + twilioStatus + "', which smskit does not map onto an outbound status");
    }
    BigDecimal price = TwilioProvider.price(TwilioProvider.text(message, "price"));
    String unit = TwilioProvider.text(message, "price_unit");
    return LookupResult.Found.builder(sid, status, twilioStatus).errorCode(TwilioProvider.text(message, "error_code"))
        .price(price).priceCurrency(price == null || unit == null ? null : unit.toUpperCase(Locale.ROOT))
        .rawResponse(raw).build();
  }

  /** {@code date_created}, RFC 2822 ({@code Mon, 04 Mar 2030 10:00:00 +0000}); null when absent or unreadable. */
  static @Nullable Instant created(JsonNode message) {
    String value = TwilioProvider.text(message, "date_created");
    try {
      return value == null ? null : ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Twilio's {@code next_page_uri} is relative to the API root; credentials never go to another host. */
  private @Nullable HttpUrl nextPage(String uri) {
    HttpUrl next = baseUrl.resolve(uri);
    boolean sameOrigin = next != null && next.scheme().equals(baseUrl.scheme()) && next.host().equals(baseUrl.host())
        && next.port() == baseUrl.port();
    return sameOrigin ? next : null;
  }

  private Answer get(HttpUrl url) throws IOException {
    Request request = new Request.Builder().url(url)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("User-Agent", userAgent)
        .get()
        .build();
    try (Response response = client.newCall(request).execute()) {
      return new Answer(response.code(), response.body().string());
    }
  }

  private static LookupResult failed(String what, IOException e) {
    return new LookupResult.Unknown(what + ": the connection " + (e instanceof InterruptedIOException ? "timed out"
        : "failed") + " (" + e.getClass().getSimpleName() + ")");
  }

  private static @Nullable JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable String emptyToNull(@Nullable String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** One HTTP answer. */
  private record Answer(int code, String body) {
    String describe() {
      return TwilioErrors.Refusal.parse(body).describe(code);
    }
  }
}
