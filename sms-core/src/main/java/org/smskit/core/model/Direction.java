package org.smskit.core.model;

/** Which way a message travels. Stored in lower case. */
public enum Direction implements StoredEnum {
  INBOUND,
  OUTBOUND
}
