package org.smskit.test;

import java.util.ArrayDeque;
import java.util.Deque;
import org.smskit.core.Nullable;
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
 * The simulated provider (name {@code simulated}) with the kit's scripted failures in front of it. The network's own
 * {@code failNextSend} fixes the HTTP status and {@code Retry-After} and cannot be cleared between tests; a queue
 * here can, and takes any {@link SendFailure}. Everything else, signing and parsing webhooks included, is the
 * simulated provider's own.
 */
final class KitProviderFactory implements SmsProviderFactory {
  private final SimulatedNetwork network;
  private final SimulatedProviderFactory simulated;
  private final Deque<SendFailure> failures = new ArrayDeque<>();

  KitProviderFactory(SimulatedNetwork network) {
    this.network = network;
    this.simulated = new SimulatedProviderFactory(network);
  }

  SimulatedNetwork network() {
    return network;
  }

  synchronized void failNext(SendFailure failure) {
    failures.add(failure);
  }

  synchronized void clearFailures() {
    failures.clear();
  }

  synchronized int pendingFailures() {
    return failures.size();
  }

  private synchronized @Nullable SendFailure nextFailure() {
    return failures.poll();
  }

  @Override
  public String name() {
    return SimulatedProvider.NAME;
  }

  @Override
  public SmsProvider create(ProviderConfig config) {
    return new KitProvider((SimulatedProvider) simulated.create(config));
  }

  @Override
  public void validate(ProviderConfig config) {
    simulated.validate(config);
  }

  /** A simulated provider whose sends may be failed by script first. */
  final class KitProvider extends ForwardingSmsProvider {
    KitProvider(SimulatedProvider delegate) {
      super(delegate);
    }

    /** The simulated provider itself, which signs the webhooks of its account. */
    SimulatedProvider simulated() {
      return (SimulatedProvider) delegate();
    }

    @Override
    public SendResult send(OutboundMessage message) {
      SendFailure failure = nextFailure();
      if (failure == null) {
        return delegate().send(message);
      }
      if (failure.afterAccepting()) {
        delegate().send(message); // it reaches the network and is recorded; the answer is what gets lost
      }
      throw failure.error();
    }
  }
}
