package org.smskit.jooq.reporting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.TenantId;
import org.smskit.core.model.Message;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;

/**
 * Fills the prices providers report only when asked: the messages are read in one short transaction, each is
 * looked up at its provider outside any transaction, and each price found is written on its own, only where the
 * message still has none (a price is never overwritten).
 */
final class PriceFetch {
  private static final Logger log = LoggerFactory.getLogger(PriceFetch.class);

  /** Statuses a message the provider accepted (it has the provider's id) may be in. */
  private static final List<String> REACHED = List.of("sending", "sent", "delivered", "undelivered", "read", "failed");

  private final SmsContext ctx;
  private final TenantId tenant;

  PriceFetch(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  /** A message without a price, and how to ask its provider for it. */
  private record Ask(Message message, SmsProvider provider, LookupRequest request) {}

  int run(Instant from, Instant to, int limit) {
    List<Ask> asks = ctx.read(tenant, r -> {
      List<Ask> found = new ArrayList<>();
      for (Message message : r.messages().withoutPrice(from, to, REACHED, limit)) {
        Optional<UUID> account = r.senderAccountOf(message);
        if (account.isPresent()) {
          Instant sent = message.sentAt() != null ? message.sentAt() : message.createdAt();
          found.add(new Ask(message, ctx.providers().provider(tenant, r.senderAccounts().get(account.get()), r),
              LookupRequest.builder(message.id(), message.to(), message.createdAt(), sent)
                  .providerMessageId(message.providerMessageSid()).from(message.from()).build()));
        }
      }
      return found;
    });
    int priced = 0;
    for (Ask ask : asks) {
      LookupResult answer;
      try {
        answer = ask.provider().lookup(ask.request());
      } catch (RuntimeException e) {
        log.warn("smskit could not fetch the price of message {}: {}", ask.message().id(), e.toString());
        continue;
      }
      if (answer instanceof LookupResult.Found f && store(ask, f)) {
        priced++;
      }
    }
    return priced;
  }

  /** Stores the price found, unless the message got one meanwhile (the update's own condition). */
  private boolean store(Ask ask, LookupResult.Found found) {
    Message priced = Transitions.withPrice(ask.message(), found.price(), found.priceCurrency());
    return priced.price() != null && ctx.write(tenant, tx -> tx.r().messages().priceIfNone(priced));
  }
}
