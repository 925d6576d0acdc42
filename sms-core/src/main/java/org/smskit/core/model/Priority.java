package org.smskit.core.model;

/** The triage priority of a conversation. Stored in lower case. */
public enum Priority implements StoredEnum {
  LOW,
  MEDIUM,
  HIGH,
  URGENT
}
