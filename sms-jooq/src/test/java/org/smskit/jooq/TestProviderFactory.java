package org.smskit.jooq;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.simulated.SimulatedProvider;
import org.smskit.core.simulated.SimulatedProviderFactory;
import org.smskit.core.spi.ForwardingSmsProvider;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderConfig;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.spi.SmsProviderFactory;

/**
 * The simulated provider (name {@code simulated}) with test hooks: every configuration it was given, every
 * provider it closed, and an optional hook around {@code send} (to look at the database while the provider is
 * being called, or to deliver a callback before the answer). {@link #reset()} starts a fresh network.
 */
final class TestProviderFactory implements SmsProviderFactory {
  /** Replaces a send; {@code simulated} does what the real simulated provider would. */
  @FunctionalInterface
  interface SendHook {
    SendResult send(OutboundMessage message, SmsProvider simulated);
  }

  private volatile SimulatedNetwork network = new SimulatedNetwork();
  private volatile SimulatedProviderFactory simulated = new SimulatedProviderFactory(network);
  private volatile SendHook hook;
  final List<ProviderConfig> configs = new CopyOnWriteArrayList<>();
  final AtomicInteger created = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger sendCalls = new AtomicInteger();
  final List<org.smskit.core.spi.LookupRequest> lookups = new CopyOnWriteArrayList<>();

  void reset() {
    network = new SimulatedNetwork();
    simulated = new SimulatedProviderFactory(network);
    hook = null;
    configs.clear();
    created.set(0);
    closed.set(0);
    sendCalls.set(0);
    lookups.clear();
  }

  SimulatedNetwork network() {
    return network;
  }

  void onSend(SendHook value) {
    hook = value;
  }

  @Override
  public String name() {
    return SimulatedProvider.NAME;
  }

  @Override
  public SmsProvider create(ProviderConfig config) {
    configs.add(config);
    created.incrementAndGet();
    return new TestProvider((SimulatedProvider) simulated.create(config));
  }

  /** The simulated provider's check (a token is required); creates nothing, so the counters above stay put. */
  @Override
  public void validate(ProviderConfig config) {
    simulated.validate(config);
  }

  /** A simulated provider that counts calls, runs the send hook and counts closes. */
  final class TestProvider extends ForwardingSmsProvider {
    TestProvider(SimulatedProvider delegate) {
      super(delegate);
    }

    SimulatedProvider simulated() {
      return (SimulatedProvider) delegate();
    }

    @Override
    public SendResult send(OutboundMessage message) {
      sendCalls.incrementAndGet();
      SendHook current = hook;
      return current == null ? delegate().send(message) : current.send(message, delegate());
    }

    @Override
    public org.smskit.core.spi.LookupResult lookup(org.smskit.core.spi.LookupRequest request) {
      lookups.add(request);
      return delegate().lookup(request);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      delegate().close();
    }
  }
}
