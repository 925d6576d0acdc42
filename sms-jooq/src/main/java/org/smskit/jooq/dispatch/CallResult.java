package org.smskit.jooq.dispatch;

import java.time.Instant;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;

/** What became of a call. */
sealed interface CallResult {
  Call call();

  record Accepted(Call call, SendResult result) implements CallResult {}

  record Failed(Call call, ProviderException error) implements CallResult {}

  /** No request was made after all: the attempt is taken back and the message is due again at {@code dueAt}. */
  record Withdrawn(Call call, Instant dueAt, String reason) implements CallResult {}
}
