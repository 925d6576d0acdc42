package org.smskit.jooq.webhooks;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.smskit.core.Nullable;
import org.smskit.core.spi.OptOutType;

/**
 * The standard opt-out, opt-in and help keywords (CTIA, and what Twilio and Vonage honour): a message whose whole
 * text, trimmed and without trailing punctuation, is one of them, in any case.
 */
final class Keywords {
  static final Set<String> STOP =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REVOKE", "STOP ALL");
  static final Set<String> START = Set.of("START", "UNSTOP", "YES", "SUBSCRIBE");
  static final Set<String> HELP = Set.of("HELP", "INFO");

  private Keywords() {}

  static Optional<OptOutType> of(@Nullable String body) {
    if (body == null) {
      return Optional.empty();
    }
    String word = body.strip().replaceAll("[.!?]+$", "").toUpperCase(Locale.ROOT);
    if (STOP.contains(word)) {
      return Optional.of(OptOutType.STOP);
    }
    if (START.contains(word)) {
      return Optional.of(OptOutType.START);
    }
    if (HELP.contains(word)) {
      return Optional.of(OptOutType.HELP);
    }
    return Optional.empty();
  }
}
