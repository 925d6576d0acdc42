package org.smskit.core.spi;

/** A provider's own opt-out signal on an inbound message (Twilio's {@code OptOutType}). */
public enum OptOutType {
  /** The sender opted out (STOP, UNSUBSCRIBE...). */
  STOP,
  /** The sender opted back in (START, UNSTOP, YES). */
  START,
  /** The sender asked for help (HELP, INFO). */
  HELP
}
