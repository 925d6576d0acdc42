package org.smskit.twilio;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.spi.FormEncoding;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;

/**
 * The form body of Twilio's Create Message call for one {@link OutboundMessage}: {@code To}, {@code From} and/or
 * {@code MessagingServiceSid}, {@code Body}, one {@code MediaUrl} per media, {@code StatusCallback}, then the
 * optional parameters (settings defaults overridden by the message's options). Everything Twilio would refuse for
 * a reason known in advance is refused here, before any call.
 */
final class CreateMessageForm {
  private CreateMessageForm() {}

  /** Twilio accepts at most 10 {@code MediaUrl} per message (error 21623 otherwise). */
  static final int MAX_MEDIA = 10;
  /** The query parameter that carries our message id on the status callback URL. */
  static final String MESSAGE_ID_PARAMETER = "smskit_message_id";

  /** Twilio's scheduling window (errors 35114/35115): more than 5 minutes and at most 35 days ahead. */
  static final Duration MIN_SCHEDULE_AHEAD = Duration.ofSeconds(300);
  static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(35);

  private static final Pattern MESSAGING_SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

  static FormBody build(OutboundMessage message, TwilioSettings settings, Instant now) {
    String service = message.messagingServiceSid();
    if (service != null && !MESSAGING_SERVICE_SID.matcher(service).matches()) {
      throw new InvalidInputException("messaging_service_sid", "must be a messaging service SID (MG and 32 hex"
          + " digits)");
    }
    if (message.mediaUrls().size() > MAX_MEDIA) {
      throw new ProviderException(TwilioProvider.NAME, ProviderException.Kind.UNSUPPORTED, "21623",
          "Twilio accepts at most " + MAX_MEDIA + " media per message, this one has " + message.mediaUrls().size());
    }

    FormBody.Builder form = new FormBody.Builder();
    form.add("To", message.to().value());
    if (message.from() != null) {
      form.add("From", message.from().value());
    }
    if (service != null) {
      form.add("MessagingServiceSid", service);
    }
    if (message.body() != null && !message.body().isEmpty()) {
      form.add("Body", message.body());
    }
    for (URI media : message.mediaUrls()) {
      form.add("MediaUrl", checkedUrl(media, "media_urls"));
    }
    URI callback = message.statusCallbackUrl() != null ? message.statusCallbackUrl() : settings.statusCallbackUrl();
    if (callback != null) {
      String url = checkedUrl(callback, "status_callback_url");
      if (callback.getHost().indexOf('_') >= 0) {
        throw new InvalidInputException("status_callback_url", "Twilio refuses host names with underscores");
      }
      if (settings.statusCallbackMessageId()) {
        // Appended to the URL as written: Twilio signs the exact string it calls, so nothing else may change.
        url = withParameter(url, MESSAGE_ID_PARAMETER + "=" + message.messageId());
      }
      form.add("StatusCallback", url);
    }
    options(message, settings, now).forEach(form::add);
    return form.build();
  }

  private static Map<String, String> options(OutboundMessage message, TwilioSettings settings, Instant now) {
    boolean viaService = message.messagingServiceSid() != null;
    Map<String, String> perMessage = new LinkedHashMap<>(
        MessageOptions.normalize(message.options(), name -> "options." + name));
    String validity = MessageOptions.validityPeriod(message.validity(), message.options());
    if (validity != null) {
      perMessage.put("ValidityPeriod", validity);
    }
    Map<String, String> merged = new LinkedHashMap<>(settings.defaults());
    if (!viaService) {
      // Twilio shortens links only for messaging-service sends; an account-wide default must not break the others.
      merged.remove("ShortenUrls");
    }
    merged.putAll(perMessage);

    if ("true".equals(merged.get("ShortenUrls")) && !viaService) {
      throw new InvalidInputException("options.ShortenUrls", "link shortening needs a messaging service");
    }
    String sendAt = merged.get("SendAt");
    if (sendAt == null && merged.containsKey("ScheduleType")) {
      throw new InvalidInputException("options.ScheduleType", "is only meaningful with SendAt");
    }
    if (sendAt != null) {
      if (!viaService) {
        throw new InvalidInputException("options.SendAt", "scheduling needs a messaging service (Twilio error 35118)");
      }
      Duration ahead = Duration.between(now, MessageOptions.sendAt(sendAt));
      if (ahead.compareTo(MIN_SCHEDULE_AHEAD) <= 0 || ahead.compareTo(MAX_SCHEDULE_AHEAD) > 0) {
        throw new InvalidInputException("options.SendAt", "must be more than 5 minutes and at most 35 days ahead");
      }
      merged.putIfAbsent("ScheduleType", "fixed");
    }
    // Re-normalise only to restore the documented parameter order after the merge.
    return MessageOptions.normalize(merged, name -> "options." + name);
  }

  private static String checkedUrl(URI uri, String field) {
    if (!uri.isAbsolute() || uri.getHost() == null || HttpUrl.parse(uri.toString()) == null) {
      throw new InvalidInputException(field, "must be an absolute http(s) URL Twilio can reach");
    }
    return uri.toString();
  }

  private static String withParameter(String url, String parameter) {
    int fragment = url.indexOf('#');
    String head = fragment < 0 ? url : url.substring(0, fragment);
    String tail = fragment < 0 ? "" : url.substring(fragment);
    return head + (head.indexOf('?') < 0 ? "?" : head.endsWith("?") || head.endsWith("&") ? "" : "&") + parameter
        + tail;
  }

  /** The message id a status callback URL carries, when {@link #build} put one there. */
  static @Nullable String messageIdOf(URI callbackUrl) {
    String query = callbackUrl.getRawQuery();
    return query == null ? null : FormEncoding.first(FormEncoding.decode(query), MESSAGE_ID_PARAMETER);
  }
}
