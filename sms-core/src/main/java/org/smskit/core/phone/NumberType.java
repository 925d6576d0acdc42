package org.smskit.core.phone;

/**
 * The kind of line a number belongs to, as libphonenumber's metadata classifies its range. It says what the range
 * is assigned for, not what the line is today (numbers are ported), so use it to warn, not to refuse: some countries
 * deliver SMS to fixed lines, and US and Canadian numbers are all {@link #FIXED_LINE_OR_MOBILE}.
 */
public enum NumberType {
  FIXED_LINE,
  MOBILE,
  /** Fixed and mobile share ranges, so the number alone cannot tell (the US and Canada, among others). */
  FIXED_LINE_OR_MOBILE,
  TOLL_FREE,
  PREMIUM_RATE,
  /** Cost shared between caller and recipient. */
  SHARED_COST,
  VOIP,
  /** A personal number routed to another line (UK 070, for example). */
  PERSONAL_NUMBER,
  PAGER,
  /** Universal access number: a company number routed to one of its offices. */
  UAN,
  VOICEMAIL,
  /** Not in any assigned range, or libphonenumber does not know. */
  UNKNOWN;

  /** True when the range may hold mobile lines, the usual SMS recipients. */
  public boolean mayBeMobile() {
    return this == MOBILE || this == FIXED_LINE_OR_MOBILE;
  }
}
