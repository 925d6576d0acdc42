package org.smskit.core.spi;

import org.smskit.core.Require;

/** What a provider may use while it turns a webhook into an event. */
public record WebhookContext(FragmentStore fragments) {
  public WebhookContext {
    Require.nonNull(fragments, "fragments");
  }
}
