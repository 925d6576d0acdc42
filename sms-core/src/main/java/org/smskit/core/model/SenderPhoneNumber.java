package org.smskit.core.model;

import java.time.Instant;
import java.util.UUID;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.core.phone.PhoneNumber;

/**
 * One of our numbers ({@code sms_sender_phone_numbers}), owned by a sender account. At most one number per
 * account is primary.
 *
 * @param assignedTo free text: who or what the number is assigned to (a team, a store)
 */
public record SenderPhoneNumber(
    UUID id,
    UUID accountId,
    PhoneNumber phoneNumber,
    @Nullable String friendlyName,
    boolean primary,
    boolean active,
    @Nullable String assignedTo,
    @Nullable Instant createdAt,
    @Nullable Instant updatedAt) {

  public SenderPhoneNumber {
    Require.nonNull(id, "id");
    Require.nonNull(accountId, "account_id");
    Require.nonNull(phoneNumber, "phone_number");
  }

  /** A new, active number with a fresh id. */
  public static SenderPhoneNumber create(UUID accountId, PhoneNumber phoneNumber, @Nullable String friendlyName,
      boolean primary) {
    return new SenderPhoneNumber(Ids.newId(), accountId, phoneNumber, friendlyName, primary, true, null, null, null);
  }

  public SenderPhoneNumber withPrimary(boolean isPrimary) {
    return new SenderPhoneNumber(id, accountId, phoneNumber, friendlyName, isPrimary, active, assignedTo, createdAt,
        updatedAt);
  }

  public SenderPhoneNumber withActive(boolean isActive) {
    return new SenderPhoneNumber(id, accountId, phoneNumber, friendlyName, primary, isActive, assignedTo, createdAt,
        updatedAt);
  }

  public SenderPhoneNumber withAssignedTo(@Nullable String assignee) {
    return new SenderPhoneNumber(id, accountId, phoneNumber, friendlyName, primary, active, assignee, createdAt,
        updatedAt);
  }
}
