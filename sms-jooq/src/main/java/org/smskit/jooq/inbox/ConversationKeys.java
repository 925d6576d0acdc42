package org.smskit.jooq.inbox;

import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.phone.Address;

/** The deterministic conversation ids of {@link ConversationScope}. */
public final class ConversationKeys {
  private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9+_-]");

  private ConversationKeys() {}

  public static String of(ConversationScope scope, Address ours, @Nullable UUID serviceId, Address theirs) {
    if (scope == ConversationScope.PER_SERVICE && serviceId != null) {
      return "s:" + serviceId + ":" + token(theirs);
    }
    return "n:" + token(ours) + ":" + token(theirs);
  }

  private static String token(Address address) {
    return UNSAFE.matcher(address.value()).replaceAll("_");
  }
}
