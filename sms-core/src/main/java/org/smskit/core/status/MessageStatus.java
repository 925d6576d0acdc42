package org.smskit.core.status;

import org.smskit.core.model.StoredEnum;

/**
 * Where a message is in its life. Outbound: {@code scheduled}/{@code queued} → {@code sending} → {@code sent} →
 * {@code delivered} → {@code read}, or {@code undelivered}/{@code failed}/{@code canceled}. Inbound:
 * {@code received} → {@code read}. Stored in lower case.
 */
public enum MessageStatus implements StoredEnum {
  SCHEDULED,
  QUEUED,
  SENDING,
  SENT,
  DELIVERED,
  UNDELIVERED,
  FAILED,
  CANCELED,
  RECEIVED,
  READ
}
