package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.PhoneNumber;

/**
 * An entry of the address book ({@code sms_contacts}). The phone number is unique per tenant.
 *
 * @param countryCode the calling code without {@code +}, such as {@code 44}
 * @param areaCode the national destination code, such as {@code 415}; null where a country has none
 * @param timezone an IANA zone id such as {@code America/Los_Angeles}
 * @param crmId the host's CRM customer id, as text
 * @param assignedPhoneNumberId the sender number this contact is answered from (sticky sender)
 */
public record Contact(
    UUID id,
    @Nullable String name,
    PhoneNumber phone,
    @Nullable String countryCode,
    @Nullable String areaCode,
    @Nullable String timezone,
    @Nullable String crmId,
    @Nullable Instant lastContactedAt,
    @Nullable UUID assignedPhoneNumberId,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt) {

  public Contact {
    Require.nonNull(id, "id");
    Require.nonNull(phone, "phone");
  }

  /** A new contact with a fresh id and only a name and number. */
  public static Contact create(@Nullable String name, PhoneNumber phone) {
    return new Contact(Ids.newId(), name, phone, null, null, null, null, null, null, null, null);
  }

  public Contact withName(@Nullable String newName) {
    return new Contact(id, newName, phone, countryCode, areaCode, timezone, crmId, lastContactedAt,
        assignedPhoneNumberId, createdAt, updatedAt);
  }

  public Contact withPhone(PhoneNumber newPhone) {
    return new Contact(id, name, newPhone, countryCode, areaCode, timezone, crmId, lastContactedAt,
        assignedPhoneNumberId, createdAt, updatedAt);
  }

  public Contact withRegion(@Nullable String newCountryCode, @Nullable String newAreaCode,
      @Nullable String newTimezone) {
    return new Contact(id, name, phone, newCountryCode, newAreaCode, newTimezone, crmId, lastContactedAt,
        assignedPhoneNumberId, createdAt, updatedAt);
  }

  public Contact withCrmId(@Nullable String newCrmId) {
    return new Contact(id, name, phone, countryCode, areaCode, timezone, newCrmId, lastContactedAt,
        assignedPhoneNumberId, createdAt, updatedAt);
  }

  public Contact withLastContactedAt(@Nullable Instant when) {
    return new Contact(id, name, phone, countryCode, areaCode, timezone, crmId, when, assignedPhoneNumberId,
        createdAt, updatedAt);
  }

  public Contact withAssignedPhoneNumberId(@Nullable UUID numberId) {
    return new Contact(id, name, phone, countryCode, areaCode, timezone, crmId, lastContactedAt, numberId,
        createdAt, updatedAt);
  }
}
