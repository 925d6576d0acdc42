package org.smskit.core.model;

/** What a message carries: text only, or media too. Stored in lower case. */
public enum MessageType implements StoredEnum {
  SMS,
  MMS
}
