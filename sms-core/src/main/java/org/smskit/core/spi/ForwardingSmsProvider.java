package org.smskit.core.spi;

import org.smskit.core.Require;

/**
 * An {@link SmsProvider} that hands every call to another: extend it to decorate a provider (count its calls,
 * script failures, add a header) by overriding only what changes, as OkHttp's {@code ForwardingSource} does for
 * sources.
 */
public abstract class ForwardingSmsProvider implements SmsProvider {
  private final SmsProvider delegate;

  protected ForwardingSmsProvider(SmsProvider delegate) {
    this.delegate = Require.nonNull(delegate, "delegate");
  }

  /** The provider every call goes to. */
  public final SmsProvider delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public ProviderCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public SendResult send(OutboundMessage message) {
    return delegate.send(message);
  }

  @Override
  public void validateOptions(ProviderOptions options) {
    delegate.validateOptions(options);
  }

  @Override
  public WebhookEvent parseWebhook(WebhookRequest request, WebhookContext context) {
    return delegate.parseWebhook(request, context);
  }

  @Override
  public LookupResult lookup(LookupRequest request) {
    return delegate.lookup(request);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
