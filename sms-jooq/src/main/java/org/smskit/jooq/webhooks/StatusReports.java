package org.smskit.jooq.webhooks;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.spi.StatusUpdateEvent;
import org.smskit.core.status.StatusOutcome;
import org.smskit.jooq.internal.Transitions.Applied;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.webhooks.WebhookOutcome.Result;

/**
 * Status reports, in the transaction that verified their webhook: applied through the status machine to the
 * message sent through the verifying account (never another account's, never an inbound message, never merging two
 * provider ids), or kept as unmatched until the provider's answer with that id is written, which they wait for.
 */
final class StatusReports {
  private static final Logger log = LoggerFactory.getLogger(StatusReports.class);

  WebhookOutcome apply(Tx tx, SenderAccount account, StatusUpdateEvent event) {
    Repositories r = tx.r();
    String provider = event.provider();
    String sid = event.providerMessageId();
    Optional<Message> message = r.messages().lockByProviderSid(provider, sid)
        .or(() -> r.messageKeys().find(MessageKeyRepository.Kind.PART, provider + ":" + sid)
            .flatMap(id -> r.messages().lock(id)));
    String refusal = null;
    if (message.isEmpty() && event.messageId() != null) {
      message = r.messages().lock(event.messageId());
      if (message.isPresent() && message.get().providerMessageSid() != null
          && !message.get().providerMessageSid().equals(sid)) {
        // Our reference names a message the provider knows by another id: two provider messages are never merged.
        refusal = "names message " + event.messageId() + ", which the provider knows as another id";
        message = Optional.empty();
      }
    }
    if (message.isEmpty() && refusal == null) {
      // Our answer from the provider may be being written right now: take turns with it, then look again.
      r.statusEvents().lockProviderId(provider, sid);
      message = r.messages().lockByProviderSid(provider, sid);
    }
    if (message.isPresent() && message.get().direction() == Direction.INBOUND) {
      log.info("smskit ignored a {} {} report about inbound message {}", provider, event.providerStatus(),
          message.get().id());
      return new WebhookOutcome(event, Result.STALE, message.get().id());
    }
    if (message.isPresent() && !sentThrough(r, message.get(), account.id())) {
      refusal = "verified by account " + account.id() + ", but message " + message.get().id()
          + " was sent through another account";
      message = Optional.empty();
    }
    if (message.isEmpty()) {
      r.statusEvents().insertUnmatched(new MessageStatusEvent(Ids.newId(), null, provider, sid, event.status(),
          event.providerStatus(), event.occurredAt(), event.errorCode(), event.rawPayload(), null), account.id());
      if (refusal != null) {
        log.warn("smskit refused a {} report about {}: {}", provider, sid, refusal);
      } else {
        log.info("smskit kept a {} report for unknown message {} for reconciliation", provider, sid);
      }
      return new WebhookOutcome(event, Result.UNMATCHED, null);
    }
    Message current = message.get();
    if (current.providerMessageSid() == null) {
      // A report proves the provider has the message: it is no longer held, whatever the answer said.
      r.held().release(current.id());
      current = current.toBuilder().provider(provider).providerMessageSid(sid).build();
    }
    Applied applied = Transitions.report(tx, current, event.status(), event.providerStatus(), event.errorCode(),
        event.occurredAt(), event.rawPayload(), provider, sid);
    return new WebhookOutcome(event, applied.outcome() == StatusOutcome.APPLY ? Result.APPLIED : Result.STALE,
        applied.message().id());
  }

  /** True when the message went out through {@code accountId} (its sender number belongs to it). */
  private static boolean sentThrough(Repositories r, Message message, UUID accountId) {
    if (message.senderPhoneNumberId() != null) {
      return r.phoneNumbers().find(message.senderPhoneNumberId())
          .map(n -> n.accountId().equals(accountId)).orElse(false);
    }
    return message.serviceAccountId() != null && r.serviceAccounts().find(message.serviceAccountId())
        .map(svc -> svc.senderAccountId().equals(accountId)).orElse(false);
  }
}
