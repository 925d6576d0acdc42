package org.smskit.core.simulated;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.Nullable;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.WebhookRequest;
import org.smskit.core.status.MessageStatus;

/**
 * The pretend carrier behind {@link SimulatedProvider}s: remembers what was sent, fails sends on request, and
 * produces the signed delivery callbacks a real provider would post to the host's webhook. Thread-safe. Create
 * one per application (or per test) and hand it to {@link SimulatedProviderFactory}.
 */
public final class SimulatedNetwork {
  /** One message a simulated provider accepted. */
  public record Sent(String providerMessageId, String accountSid, OutboundMessage message) {}

  /** A scripted failure; {@code afterAccepting}: the message is accepted, then the answer is lost. */
  record Failure(ProviderException error, boolean afterAccepting) {}

  private final List<Sent> sent = new ArrayList<>();
  private final Deque<Failure> scriptedFailures = new ArrayDeque<>();
  private volatile boolean lookupsAnswer = true;
  private final Map<String, SimulatedProvider> senders = new ConcurrentHashMap<>();

  /** Every message accepted so far, in order. */
  public synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** Makes the next send fail with {@code kind} (and provider code {@code code}) instead of being accepted. */
  public synchronized void failNextSend(ProviderException.Kind kind, @Nullable String code) {
    Duration retryAfter = kind == ProviderException.Kind.RATE_LIMITED ? Duration.ofSeconds(1) : null;
    scriptedFailures.add(new Failure(new ProviderException(SimulatedProvider.NAME, kind, code, kind
        == ProviderException.Kind.RATE_LIMITED ? 429 : 0, retryAfter, "scripted failure", null), false));
  }

  /**
   * Makes the next send reach the network (it is accepted and recorded) while its answer is lost: the sender sees
   * an unknown outcome (a read timeout).
   */
  public synchronized void loseNextAnswer() {
    scriptedFailures.add(new Failure(new ProviderException(SimulatedProvider.NAME,
        ProviderException.Kind.OUTCOME_UNKNOWN, null, 0, null, "scripted: read timed out", null), true));
  }

  /** Whether {@link SimulatedProvider#lookup} answers from the records (default) or says it cannot tell. */
  public void lookupsAnswer(boolean answer) {
    lookupsAnswer = answer;
  }

  boolean lookupsAnswer() {
    return lookupsAnswer;
  }

  /**
   * The signed status callback the provider that sent {@code providerMessageId} would post to
   * {@code webhookUrl}.
   *
   * @throws IllegalArgumentException when no simulated provider sent that message
   */
  public WebhookRequest statusCallback(URI webhookUrl, String providerMessageId, MessageStatus status,
      @Nullable String errorCode) {
    SimulatedProvider sender = senders.get(providerMessageId);
    if (sender == null) {
      throw new IllegalArgumentException("no simulated provider sent " + providerMessageId);
    }
    return sender.statusCallback(webhookUrl, providerMessageId, status, errorCode);
  }

  synchronized Failure nextFailure() {
    return scriptedFailures.poll();
  }

  synchronized void record(Sent message, SimulatedProvider provider) {
    sent.add(message);
    senders.put(message.providerMessageId(), provider);
  }
}
