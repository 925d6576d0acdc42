package org.smskit.jooq.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.smskit.core.TenantId;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.repository.Repositories;

/**
 * Accounts, numbers and services, remembered for {@link #FRESH} so that sending a message does not read them again
 * each time. Changes made through this service are seen at once (its writers {@link #forget} the tenant); changes
 * made by another node are seen within {@link #FRESH}, and a send-time check before each request (active account,
 * number, service) makes a stale answer harmless. An id not remembered is read at once, so a number or service
 * created elsewhere is never refused as unknown. Internal to smskit.
 */
public final class SenderDirectory {
  /** How long a reading is trusted. */
  public static final Duration FRESH = Duration.ofSeconds(5);

  private record Key(TenantId tenant, UUID id) {}

  private record Entry<T>(Optional<T> value, long readAtNanos) {
    boolean fresh() {
      return System.nanoTime() - readAtNanos < FRESH.toNanos();
    }
  }

  private final SmsContext ctx;
  private final Map<Key, Entry<SenderAccount>> accounts = new ConcurrentHashMap<>();
  private final Map<Key, Entry<SenderPhoneNumber>> numbers = new ConcurrentHashMap<>();
  private final Map<Key, Entry<ServiceAccount>> services = new ConcurrentHashMap<>();
  private final Map<Key, Entry<List<SenderPhoneNumber>>> activeNumbers = new ConcurrentHashMap<>();
  private final Map<Key, Entry<List<ServiceAccount>>> activeServices = new ConcurrentHashMap<>();
  private final Map<PhoneKey, Entry<SenderPhoneNumber>> numbersByPhone = new ConcurrentHashMap<>();

  private record PhoneKey(TenantId tenant, String phone) {}

  SenderDirectory(SmsContext ctx) {
    this.ctx = ctx;
  }

  public Optional<SenderAccount> account(TenantId tenant, UUID id) {
    return lookup(accounts, tenant, id, r -> r.senderAccounts().find(id));
  }

  public Optional<SenderPhoneNumber> number(TenantId tenant, UUID id) {
    return lookup(numbers, tenant, id, r -> r.phoneNumbers().find(id));
  }

  public Optional<ServiceAccount> service(TenantId tenant, UUID id) {
    return lookup(services, tenant, id, r -> r.serviceAccounts().find(id));
  }

  /** The account's active numbers, primary first, then oldest first. */
  public List<SenderPhoneNumber> activeNumbers(TenantId tenant, UUID accountId) {
    return lookup(activeNumbers, tenant, accountId, r -> Optional.of(r.phoneNumbers().listActiveByAccount(accountId)))
        .orElseThrow();
  }

  /** The account's active services. */
  public List<ServiceAccount> activeServices(TenantId tenant, UUID accountId) {
    return lookup(activeServices, tenant, accountId, r -> Optional.of(r.serviceAccounts()
        .listBySenderAccount(accountId).stream().filter(ServiceAccount::active).toList())).orElseThrow();
  }

  /** One of our numbers, by its E.164 value. */
  public Optional<SenderPhoneNumber> numberByPhone(TenantId tenant, PhoneNumber phone) {
    PhoneKey key = new PhoneKey(tenant, phone.value());
    Entry<SenderPhoneNumber> entry = numbersByPhone.get(key);
    if (entry != null && entry.fresh() && entry.value().isPresent()) {
      return entry.value();
    }
    Optional<SenderPhoneNumber> value = ctx.read(tenant, r -> r.phoneNumbers().findByNumber(phone));
    numbersByPhone.put(key, new Entry<>(value, System.nanoTime()));
    return value;
  }

  /** Forgets what is remembered of {@code tenant}: its accounts, numbers or services changed. */
  public void forget(TenantId tenant) {
    for (Map<Key, ?> map : List.of(accounts, numbers, services, activeNumbers, activeServices)) {
      map.keySet().removeIf(k -> k.tenant().equals(tenant));
    }
    numbersByPhone.keySet().removeIf(k -> k.tenant().equals(tenant));
  }

  private <T> Optional<T> lookup(Map<Key, Entry<T>> map, TenantId tenant, UUID id,
      Function<Repositories, Optional<T>> read) {
    Key key = new Key(tenant, id);
    Entry<T> entry = map.get(key);
    if (entry != null && entry.fresh() && entry.value().isPresent()) {
      return entry.value();
    }
    Optional<T> value = ctx.read(tenant, read::apply);
    map.put(key, new Entry<>(value, System.nanoTime()));
    return value;
  }
}
