package org.smskit.core.spi;

import org.smskit.core.SmsException;

/**
 * A webhook failed verification (missing or wrong signature, expired token, tampered body). Nothing may be
 * recorded for it; answer the caller with 403.
 */
public class WebhookVerificationException extends SmsException {
  private static final long serialVersionUID = 1L;

  private final String provider;

  public WebhookVerificationException(String provider, String reason) {
    super(provider + " webhook rejected: " + reason);
    this.provider = provider;
  }

  public String provider() {
    return provider;
  }
}
