package org.smskit.core.model;

/** The purpose of a messaging service; marketing and campaign traffic follow stricter rules (opt-out scope, quiet hours). Stored in lower case. */
public enum ServiceType implements StoredEnum {
  CAMPAIGN,
  CONVERSATION,
  SUPPORT,
  MARKETING,
  TRANSACTIONAL
}
