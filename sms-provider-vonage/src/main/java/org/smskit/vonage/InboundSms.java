package org.smskit.vonage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smskit.core.InvalidInputException;
import org.smskit.core.phone.Address;
import org.smskit.core.phone.Masking;
import org.smskit.core.spi.FragmentStore;
import org.smskit.core.spi.InboundMessageEvent;
import org.smskit.core.spi.WebhookEvent;
import org.smskit.core.text.SmsText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS API inbound messages. A long message arrives part by part ({@code concat=true}, {@code concat-ref} shared
 * by the parts, {@code concat-total}, {@code concat-part} from 1), in any order and possibly more than once,
 * since Vonage re-sends for 24 hours until it gets a 2xx. Parts are kept in the host's {@link FragmentStore}
 * (durable, so a restart loses nothing) under sender, recipient and reference; the call that completes the set
 * gets every part and makes the one event, the others are {@link WebhookEvent.Acknowledged}. Incomplete sets
 * expire after {@code concatPartsTtlSeconds}.
 *
 * <p>The reassembled message takes the {@code messageId} of part 1, whatever order the parts came in, so a set
 * delivered twice yields the same provider id and the service's de-duplication holds.
 */
final class InboundSms {
  private static final Logger log = LoggerFactory.getLogger(InboundSms.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> PART = new TypeReference<>() {};
  /** A concatenation header's counters are one byte. */
  private static final int MAX_PARTS = 255;

  private InboundSms() {}

  static WebhookEvent parse(Map<String, String> p, String raw, FragmentStore fragments, Duration partsTtl,
      Instant now) {
    String type = WebhookParameters.get(p, "type");
    if (type != null && type.toLowerCase(Locale.ROOT).equals("binary")) {
      log.warn("vonage inbound binary SMS from {} acknowledged without an event: binary SMS are not supported",
          Masking.maskAddress(p.get("msisdn")));
      return new WebhookEvent.Acknowledged(VonageProvider.NAME, "binary SMS are not supported");
    }
    boolean concat = "true".equalsIgnoreCase(WebhookParameters.get(p, "concat"))
        || WebhookParameters.get(p, "concat-ref") != null;
    if (!concat) {
      return event(List.of(p), raw, now);
    }
    String ref = WebhookParameters.required(p, "concat-ref");
    int total = number(p, "concat-total", 1, MAX_PARTS);
    int part = number(p, "concat-part", 1, total);
    if (total == 1) {
      return event(List.of(p), raw, now);
    }
    String from = WebhookParameters.required(p, "msisdn");
    String to = WebhookParameters.required(p, "to");
    String key = "sms:" + to + ":" + from + ":" + ref;
    Optional<List<String>> complete = fragments.add(VonageProvider.NAME, key, part, total, json(p),
        now.plus(partsTtl));
    if (complete.isEmpty()) {
      log.debug("vonage inbound part {}/{} of ref {} from {} kept", part, total, ref, Masking.maskAddress(from));
      return new WebhookEvent.Acknowledged(VonageProvider.NAME,
          "part " + part + " of " + total + " kept until the message is complete");
    }
    List<Map<String, String>> parts = new ArrayList<>();
    for (String payload : complete.get()) {
      parts.add(parse(payload));
    }
    log.debug("vonage inbound message of {} parts (ref {}) from {} complete", total, ref, Masking.maskAddress(from));
    return event(parts, JSON.valueToTree(parts).toString(), now);
  }

  /** One event from the parts of one message, in part order. */
  private static InboundMessageEvent event(List<Map<String, String>> parts, String raw, Instant now) {
    Map<String, String> first = parts.get(0);
    Address from = VonageAddresses.fromVonage("msisdn", WebhookParameters.required(first, "msisdn"));
    Address to = VonageAddresses.fromVonage("to", WebhookParameters.required(first, "to"));
    StringBuilder body = new StringBuilder();
    Instant receivedAt = null;
    for (Map<String, String> part : parts) {
      // Not stripped: spaces at a part boundary belong to the text.
      String text = part.get("text");
      body.append(text == null ? "" : text);
      Instant at = Timestamps.smsApi(WebhookParameters.get(part, "message-timestamp")).orElse(null);
      if (at != null && (receivedAt == null || at.isBefore(receivedAt))) {
        receivedAt = at;
      }
    }
    String text = SmsText.sanitizeInbound(body.toString());
    return InboundMessageEvent.builder(VonageProvider.NAME, WebhookParameters.required(first, "messageId"), from, to,
            receivedAt == null ? now : receivedAt)
        .body(text.isEmpty() ? null : text).rawPayload(raw).build();
  }

  private static int number(Map<String, String> p, String name, int min, int max) {
    String value = WebhookParameters.required(p, name);
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidInputException(name, "must be a whole number from " + min + " to " + max);
  }

  private static String json(Map<String, String> p) {
    try {
      return JSON.writeValueAsString(p);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }

  private static Map<String, String> parse(String payload) {
    try {
      return JSON.readValue(payload, PART);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the fragment store returned a part it was not given", e);
    }
  }
}
