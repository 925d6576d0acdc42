package org.smskit.core.model;

/** The lifecycle of a conversation record. Stored in lower case. */
public enum ConversationStatus implements StoredEnum {
  ACTIVE,
  INACTIVE,
  ARCHIVED,
  SPAM
}
