package org.smskit.core.model;

/** Where a conversation stands in the inbox. Stored in lower case. */
public enum ConversationState implements StoredEnum {
  OPEN,
  PENDING,
  SNOOZED,
  CLOSED
}
