package org.smskit.jooq.optout;

import org.smskit.core.SmsException;
import org.smskit.core.model.OptOut;

/** The recipient opted out of this sender; nothing was stored and no provider was called. */
public class RecipientOptedOutException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final transient OptOut optOut;

  public RecipientOptedOutException(OptOut optOut) {
    super("to_number: " + optOut.phone() + " opted out (" + optOut.scope().dbValue() + " scope, since "
        + optOut.optedOutAt() + ")");
    this.optOut = optOut;
  }

  /** The opt-out that applies. */
  public OptOut optOut() {
    return optOut;
  }
}
