package org.smskit.jooq.inbox;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Contact;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.phone.PhoneNumberDetails;
import org.smskit.core.phone.PhoneNumbers;
import org.smskit.jooq.internal.SmsContext;

/**
 * Contacts, by phone number.
 * Used through {@code SmsService}, which documents each operation; one instance acts for one tenant.
 */
public final class Contacts {
  private final SmsContext ctx;
  private final TenantId tenant;

  /**
   * A new contact for {@code number}, with its country code, area code and (when the number has one candidate)
   * time zone filled in; a number libphonenumber cannot describe is still a contact.
   */
  public static Contact describe(PhoneNumbers phones, @Nullable String name, PhoneNumber number) {
    try {
      return describe(name, phones.details(number));
    } catch (InvalidInputException e) {
      return Contact.create(name, number);
    }
  }

  /** As {@link #describe(PhoneNumbers, String, PhoneNumber)}, from details already derived (no second parse). */
  public static Contact describe(@Nullable String name, PhoneNumberDetails details) {
    return Contact.create(name, details.number()).withRegion(details.countryCode(), details.areaCode(),
        details.timeZones().size() == 1 ? details.timeZones().get(0) : null);
  }

  /** Internal to smskit: {@code SmsService} creates it. */
  public Contacts(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  public Contact createContact(@Nullable String name, String phone) {
    PhoneNumber e164 = ctx.phones().parse("phone", phone, null);
    return ctx.write(tenant, tx -> tx.r().contacts().insert(describe(ctx.phones(), name, e164)));
  }

  public Contact updateContact(Contact contact) {
    return ctx.write(tenant, tx -> tx.r().contacts().updateIfUnchanged(contact, contact.updatedAt()));
  }

  public Optional<Contact> findContact(String phone) {
    PhoneNumber e164 = ctx.phones().parse("phone", phone, null);
    return ctx.read(tenant, r -> r.contacts().findByPhone(e164));
  }

  public Contact mergeContacts(UUID keepId, UUID duplicateId) {
    if (keepId.equals(duplicateId)) {
      throw new InvalidInputException("duplicate_id", "must differ from the contact kept");
    }
    return ctx.write(tenant, tx -> {
      // Both locked, in one order, so that a change made meanwhile to either is neither lost nor deadlocked on.
      boolean keepFirst = keepId.compareTo(duplicateId) < 0;
      Contact first = tx.r().contacts().lockRow(keepFirst ? keepId : duplicateId);
      Contact second = tx.r().contacts().lockRow(keepFirst ? duplicateId : keepId);
      Contact keep = keepFirst ? first : second;
      Contact dup = keepFirst ? second : first;
      Contact merged = keep
          .withName(keep.name() != null ? keep.name() : dup.name())
          .withCrmId(keep.crmId() != null ? keep.crmId() : dup.crmId())
          .withRegion(keep.countryCode() != null ? keep.countryCode() : dup.countryCode(),
              keep.areaCode() != null ? keep.areaCode() : dup.areaCode(),
              keep.timezone() != null ? keep.timezone() : dup.timezone())
          .withAssignedPhoneNumberId(keep.assignedPhoneNumberId() != null ? keep.assignedPhoneNumberId()
              : dup.assignedPhoneNumberId())
          .withLastContactedAt(later(keep.lastContactedAt(), dup.lastContactedAt()));
      tx.r().contacts().delete(duplicateId);
      return tx.r().contacts().update(merged);
    });
  }

  private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }
}
