package org.smskit.jooq.reporting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Message;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.repository.Repositories;

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

  private record Ask(UUID messageId, SmsProvider provider, LookupRequest request) {}

  int run(Instant from, Instant to, int limit) {
    List<Ask> asks = ctx.read(tenant, r -> {
      List<Ask> found = new ArrayList<>();
      for (Message message : r.messages().withoutPrice(from, to, REACHED, limit)) {
        SenderAccount account = accountOf(r, message);
        if (account != null) {
          Instant sent = message.sentAt() != null ? message.sentAt() : message.createdAt();
          found.add(new Ask(message.id(), ctx.providers().provider(tenant, account, r),
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
        log.warn("smskit could not fetch the price of message {}: {}", ask.messageId(), e.toString());
        continue;
      }
      if (answer instanceof LookupResult.Found f && store(ask, f)) {
        priced++;
      }
    }
    return priced;
  }

  private boolean store(Ask ask, LookupResult.Found found) {
    return ctx.write(tenant, tx -> {
      Repositories r = tx.r();
      Message message = r.messages().find(ask.messageId()).orElse(null);
      if (message == null || message.price() != null) {
        return false;
      }
      Message priced = Transitions.withPrice(message, found.price(), found.priceCurrency());
      return priced.price() != null && r.messages().priceIfNone(priced);
    });
  }

  /** The account a message went out through: its number's, or its service's. */
  private static @Nullable SenderAccount accountOf(Repositories r, Message message) {
    if (message.senderPhoneNumberId() != null) {
      return r.senderAccounts().get(r.phoneNumbers().get(message.senderPhoneNumberId()).accountId());
    }
    if (message.serviceAccountId() != null) {
      return r.senderAccounts().get(r.serviceAccounts().get(message.serviceAccountId()).senderAccountId());
    }
    return null;
  }
}
