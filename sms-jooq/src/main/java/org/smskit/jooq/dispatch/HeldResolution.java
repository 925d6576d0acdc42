package org.smskit.jooq.dispatch;

import org.smskit.core.Nullable;
import org.smskit.core.Require;

/** An operator's decision about a held message ({@link org.smskit.jooq.SmsService#resolveHeld}); recorded in its history. */
public sealed interface HeldResolution {

  /** The provider did take it (seen in the provider's console, say): {@code sent}, with its id when known. */
  static HeldResolution sent(@Nullable String providerMessageId) {
    return new Sent(providerMessageId);
  }

  /** It is not to be sent: {@code failed}, with the operator's reason. */
  static HeldResolution failed(String reason) {
    return new Failed(Require.nonNull(reason, "reason"));
  }

  /** Send it again (the operator accepts that the recipient may get it twice). */
  static HeldResolution requeue() {
    return new Requeue();
  }

  record Sent(@Nullable String providerMessageId) implements HeldResolution {}

  record Failed(String reason) implements HeldResolution {}

  record Requeue() implements HeldResolution {}
}
