package org.smskit.core.model;

/** How an opt-out (or opt-in) was recorded: a keyword the recipient sent, the provider's report, or the host's API call. Stored in lower case. */
public enum OptOutSource implements StoredEnum {
  KEYWORD,
  PROVIDER,
  API
}
