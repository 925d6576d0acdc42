package org.smskit.vonage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Require;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.status.MessageStatus;

/**
 * {@link VonageProvider#lookup} through the Reports API's synchronous records
 * ({@code GET {reportsBaseUrl}/v2/reports/records}, HTTP Basic with the API key and secret): the SMS API and the
 * Messages API have no read of a sent message, so this is the only lookup Vonage offers. Opt-in with the
 * {@code reportsApi} setting, since Vonage bills it as a product of its own.
 *
 * <p>Answers {@link LookupResult.Found} or {@link LookupResult.Unknown}, never {@link LookupResult.NotFound}: the
 * Reports API documents no bound on how long a send takes to appear in its records, so an empty answer proves
 * nothing (see the module README).
 */
final class ReportsApi {
  private static final Logger log = LoggerFactory.getLogger(ReportsApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String DISABLED = "Vonage lookup needs the Reports API, a paid Vonage product: enable it for the"
      + " account and set reportsApi: true (the SMS and Messages APIs cannot look a message up)";
  /** Widens our request window on both sides, for the difference between our clock and Vonage's. */
  static final Duration MARGIN = Duration.ofMinutes(5);
  /** The longest range a synchronous query may span (Vonage's limit). */
  static final Duration MAX_RANGE = Duration.ofHours(24);
  /** Pages of up to 1000 records a search reads before it gives up. */
  static final int MAX_PAGES = 20;
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** The Reports API's names for the two APIs this module sends through. */
  enum Product { SMS, MESSAGES }

  private final Transport transport;
  private final VonageSettings settings;
  private final VonageCredentials credentials;
  private final HttpUrl endpoint;

  ReportsApi(Transport transport, VonageSettings settings, VonageCredentials credentials) {
    this.transport = transport;
    this.settings = settings;
    this.credentials = credentials;
    this.endpoint = settings.reportsBaseUrl().newBuilder().addPathSegments("v2/reports/records").build();
  }

  LookupResult lookup(LookupRequest request) {
    Require.nonNull(request, "request");
    if (!settings.reportsApi()) {
      return new LookupResult.Unknown(DISABLED);
    }
    LookupResult result;
    try {
      result = request.knownProviderId().isPresent() ? byId(request.knownProviderId().get()) : byClientRef(request);
    } catch (NoAnswer e) {
      result = new LookupResult.Unknown(e.getMessage());
    }
    // Found carries Vonage's records, with numbers: only the id and status go to the log.
    log.debug("vonage lookup of message {}: {}", request.messageId(), result instanceof LookupResult.Found f
        ? "found as " + f.providerMessageId() + " (" + f.providerStatus() + ")" : result);
    return result;
  }

  /**
   * {@code ...&id=<id>}. A UUID is a Messages API {@code message_uuid} (this module's MMS), or an SMS API id should
   * Vonage give those that shape; anything else is an SMS API {@code message-id}.
   */
  private LookupResult byId(String id) throws NoAnswer {
    List<Product> products = UUID.matcher(id).matches() ? List.of(Product.MESSAGES, Product.SMS)
        : List.of(Product.SMS);
    for (Product product : products) {
      JsonNode root = read(query(product).addQueryParameter("id", id).build(), "looking up " + id);
      for (JsonNode record : records(root)) {
        if (id.equals(SmsApi.text(record, "message_id"))) {
          return found(product, List.of(record));
        }
      }
      if (!idsNotFound(root).contains(id)) {
        throw new NoAnswer("looking up " + id + ": the answer neither has its record nor lists it in ids_not_found");
      }
    }
    // Vonage gave this id out, so it took the message; its reports have not caught up.
    return new LookupResult.Unknown("the Reports API lists " + id + " in ids_not_found (" + products + "); Vonage"
        + " gave this id out, and its records lag behind sends, so this proves nothing");
  }

  /**
   * Every outbound record received in the widened window, all pages, SMS then Messages; ours carry our message id
   * as {@code client_ref}. The synchronous API filters no further (no {@code client_ref}, {@code to} or
   * {@code from} there), so matching is done here.
   */
  private LookupResult byClientRef(LookupRequest request) throws NoAnswer {
    Instant start = request.sentAfter().minus(MARGIN).truncatedTo(ChronoUnit.SECONDS);
    Instant end = request.sentBefore().plus(MARGIN).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
      return new LookupResult.Unknown("the window from " + start + " to " + end + " is longer than the "
          + MAX_RANGE.toHours() + " hours a synchronous Reports API query may span");
    }
    String reference = request.messageId().toString();
    for (Product product : Product.values()) {
      List<JsonNode> ours = new ArrayList<>();
      HttpUrl url = query(product).addQueryParameter("date_start", start.toString())
          .addQueryParameter("date_end", end.toString()).build();
      for (int pages = 0; url != null; pages++) {
        if (pages == MAX_PAGES) {
          throw new NoAnswer("more than " + MAX_PAGES + " pages of " + product + " records between " + start
              + " and " + end + "; gave up");
        }
        JsonNode root = read(url, "searching " + product + " records");
        for (JsonNode record : records(root)) {
          if (reference.equals(SmsApi.text(record, "client_ref"))) {
            ours.add(record);
          }
        }
        url = "TRUNCATED".equals(SmsApi.text(root, "request_status")) ? next(root) : null;
      }
      if (!ours.isEmpty()) {
        return found(product, ours);
      }
    }
    return new LookupResult.Unknown("no SMS or Messages record with client_ref " + reference + " received between "
        + start + " and " + end + "; the Reports API may not list recent sends yet, so this proves nothing");
  }

  /**
   * The message as Vonage's records show it. A long SMS has a record per part, all with our client_ref: the part
   * with the smallest id stands for the message, and the price is the parts' sum.
   */
  private static LookupResult found(Product product, List<JsonNode> records) {
    List<JsonNode> parts = new ArrayList<>(records);
    parts.sort(Comparator.comparing((JsonNode r) -> SmsApi.text(r, "message_id"),
        Comparator.nullsLast(Comparator.naturalOrder())));
    JsonNode first = parts.get(0);
    String id = SmsApi.text(first, "message_id");
    if (id == null) {
      return new LookupResult.Unknown("Vonage's " + product + " record has no message_id");
    }
    String word = SmsApi.text(first, "status");
    MessageStatus status = word == null || word.isBlank() ? MessageStatus.SENDING
        : product == Product.SMS ? DeliveryReceipts.status(word) : MessagesWebhooks.status(word);
    if (status == null) {
      return new LookupResult.Unknown("Vonage's record of " + id + " has status '" + word + "', which smskit does"
          + " not map onto an outbound status");
    }
    BigDecimal price = null;
    for (JsonNode part : parts) {
      BigDecimal partPrice = SmsApi.decimal(part, "total_price");
      price = partPrice == null ? price : price == null ? partPrice : price.add(partPrice);
    }
    String errorCode = SmsApi.text(first, "error_code");
    String raw = parts.size() == 1 ? first.toString() : JSON.createArrayNode().addAll(parts).toString();
    return LookupResult.Found.builder(id, status, word == null ? "" : word)
        .errorCode(errorCode == null || errorCode.isBlank() || errorCode.equals("0") ? null : errorCode)
        .price(price).priceCurrency(price == null ? null : SmsApi.text(first, "currency")).rawResponse(raw).build();
  }

  private HttpUrl.Builder query(Product product) {
    return endpoint.newBuilder()
        .addQueryParameter("account_id", credentials.apiKey())
        .addQueryParameter("product", product.name())
        .addQueryParameter("direction", "outbound");
  }

  /** One page, or why there is none. */
  private JsonNode read(HttpUrl url, String what) throws NoAnswer {
    Request request = new Request.Builder().url(url)
        .header("Authorization", Credentials.basic(credentials.apiKey(), credentials.apiSecret().reveal(),
            StandardCharsets.UTF_8))
        .header("Accept", "application/json")
        .get()
        .build();
    Transport.Answer answer;
    try {
      answer = transport.fetch(request);
    } catch (IOException e) {
      throw new NoAnswer(what + ": the connection " + (e instanceof InterruptedIOException ? "timed out" : "failed")
          + " (" + e.getClass().getSimpleName() + ")");
    }
    if (answer.code() != 200) {
      MessagesApi.Problem problem = MessagesApi.Problem.parse(answer.body());
      throw new NoAnswer(what + ": the Reports API answered HTTP " + answer.code()
          + (problem.text() == null ? "" : ": " + SmsApi.masked(problem.text())));
    }
    try {
      JsonNode root = JSON.readTree(answer.body());
      if (root != null && root.isObject()) {
        return root;
      }
    } catch (IOException e) {
      // falls through: not JSON
    }
    throw new NoAnswer(what + ": the Reports API's answer is not a JSON object");
  }

  private static Iterable<JsonNode> records(JsonNode root) {
    JsonNode records = root.get("records");
    return records != null && records.isArray() ? records : List.of();
  }

  /** {@code ids_not_found}: a comma-separated string in Vonage's examples; an array is read too. */
  private static Set<String> idsNotFound(JsonNode root) {
    Set<String> ids = new HashSet<>();
    JsonNode node = root.get("ids_not_found");
    if (node != null && node.isArray()) {
      node.forEach(id -> ids.add(id.asText().strip()));
    } else if (node != null && node.isTextual()) {
      for (String id : node.asText().split(",")) {
        ids.add(id.strip());
      }
    }
    return ids;
  }

  /** {@code _links.next.href} of a TRUNCATED page; the credentials never go to another host. */
  private HttpUrl next(JsonNode root) throws NoAnswer {
    String href = SmsApi.text(root.path("_links").path("next"), "href");
    HttpUrl next = href == null ? null : endpoint.resolve(href);
    if (next == null || !next.scheme().equals(endpoint.scheme()) || !next.host().equals(endpoint.host())
        || next.port() != endpoint.port()) {
      throw new NoAnswer("a TRUNCATED page whose _links.next is missing or leads away from " + endpoint.host());
    }
    return next;
  }

  /** Why a query gave no usable answer; becomes {@link LookupResult.Unknown}. */
  private static final class NoAnswer extends Exception {
    private static final long serialVersionUID = 1L;

    NoAnswer(String reason) {
      super(reason, null, false, false);
    }
  }
}
