package org.smskit.jooq.dispatch;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.model.Contact;
import org.smskit.core.model.Message;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;
import org.smskit.jooq.internal.ProviderOptionsJson;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;

/**
 * What preparing a batch of one tenant needs to know, read in a handful of queries instead of a dozen per message:
 * the messages and their outbox rows (locked, in id order), their services, numbers, accounts, attachments, the
 * recipients' active opt-outs and, when quiet hours apply, their contacts.
 */
final class Snapshot {
  private final Map<UUID, Message> messages;
  private final Map<UUID, OutboxRepository.Entry> outbox;
  private final Map<UUID, ServiceAccount> services;
  private final Map<UUID, SenderPhoneNumber> numbers;
  private final Map<UUID, SenderAccount> accounts;
  private final Map<String, List<OptOut>> optOuts = new HashMap<>();
  private final Map<UUID, List<URI>> media = new HashMap<>();
  private final Map<String, Contact> contacts;
  private final Map<UUID, String> providerOptions = new HashMap<>();

  private Snapshot(Repositories r, Collection<Lease> leases, boolean withContacts) {
    List<UUID> ids = leases.stream().map(Lease::messageId).toList();
    messages = r.messages().lockAll(ids, providerOptions);
    outbox = r.outbox().lockAll(ids);
    Set<UUID> serviceIds = new HashSet<>();
    Set<UUID> numberIds = new HashSet<>();
    Set<UUID> accountIds = new HashSet<>();
    Set<PhoneNumber> recipients = new HashSet<>();
    for (Lease lease : leases) {
      accountIds.add(lease.accountId());
      if (lease.numberId() != null) {
        numberIds.add(lease.numberId());
      }
      Message m = messages.get(lease.messageId());
      if (m == null) {
        continue;
      }
      if (m.serviceAccountId() != null) {
        serviceIds.add(m.serviceAccountId());
      }
      if (m.senderPhoneNumberId() != null) {
        numberIds.add(m.senderPhoneNumberId());
      }
      if (m.to() instanceof PhoneNumber to) {
        recipients.add(to);
      }
    }
    services = r.serviceAccounts().findAll(serviceIds);
    numbers = r.phoneNumbers().findAll(numberIds);
    accounts = r.senderAccounts().findAll(accountIds);
    if (!recipients.isEmpty()) {
      r.optOuts().active(recipients).forEach(o -> optOuts.computeIfAbsent(o.phone().value(), k -> new ArrayList<>())
          .add(o));
    }
    if (!messages.isEmpty()) {
      r.attachments().listByMessages(messages.keySet()).forEach(a -> media.computeIfAbsent(a.messageId(),
          k -> new ArrayList<>()).add(URI.create(a.fileUrl())));
    }
    contacts = withContacts && !recipients.isEmpty() ? r.contacts().findByPhones(recipients) : Map.of();
  }

  /** Reads (and locks) what the batch {@code leases} of one tenant needs. */
  static Snapshot load(Repositories r, Collection<Lease> leases, boolean withContacts) {
    return new Snapshot(r, leases, withContacts);
  }

  @Nullable Message message(UUID id) {
    return messages.get(id);
  }

  Optional<OutboxRepository.Entry> outbox(UUID messageId) {
    return Optional.ofNullable(outbox.get(messageId));
  }

  @Nullable ServiceAccount service(@Nullable UUID id) {
    return id == null ? null : services.get(id);
  }

  SenderPhoneNumber number(UUID id) {
    return require(numbers.get(id), "sender phone number", id);
  }

  SenderAccount account(UUID id) {
    return require(accounts.get(id), "sender account", id);
  }

  List<OptOut> activeOptOuts(PhoneNumber to) {
    return optOuts.getOrDefault(to.value(), List.of());
  }

  List<URI> media(UUID messageId) {
    return media.getOrDefault(messageId, List.of());
  }

  /** The provider options stored with the message. */
  ProviderOptions providerOptions(UUID messageId) {
    return ProviderOptionsJson.read(providerOptions.get(messageId));
  }

  Optional<Contact> contact(PhoneNumber phone) {
    return Optional.ofNullable(contacts.get(phone.value()));
  }

  private static <T> T require(@Nullable T value, String entity, UUID id) {
    if (value == null) {
      throw new org.smskit.core.NotFoundException(entity, id);
    }
    return value;
  }
}
