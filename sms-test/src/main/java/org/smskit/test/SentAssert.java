package org.smskit.test;

import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.smskit.core.Require;
import org.smskit.core.phone.Address;

/**
 * Fluent assertions on sent messages, from {@link SmsAssertions#assertThat(SmsTestKit)}. Each {@code sentTo},
 * {@code sentFrom}, {@code with...} narrows the messages to those that match, and fails when none does; the counts
 * ({@link #hasSent}, {@link #once()}, {@link #nothingSentTo}) apply to the messages narrowed so far. A failure
 * says what was expected and lists every message that was sent, so the test's log shows what happened instead.
 *
 * <pre>{@code
 * assertThat(kit).sentTo("+14155550123").withBodyContaining("order 42").withSegments(1).once();
 * }</pre>
 *
 * Numbers are compared in E.164 ({@code +14155550123}); bodies exactly as sent.
 */
public final class SentAssert extends AbstractAssert<SentAssert, List<SentSms>> {
  private final List<SentSms> all;
  private final String selection;

  private SentAssert(List<SentSms> selected, List<SentSms> all, String selection) {
    super(selected, SentAssert.class);
    this.all = all;
    this.selection = selection;
  }

  static SentAssert of(List<SentSms> sent) {
    return new SentAssert(List.copyOf(sent), List.copyOf(sent), "");
  }

  /** Narrows to the messages sent to {@code number} (E.164, or a short code). */
  public SentAssert sentTo(String number) {
    String to = canonical("number", number);
    return narrow("sent to " + to, m -> m.to().equals(to));
  }

  /** Narrows to the messages sent from our {@code number} (E.164, short code or sender ID). */
  public SentAssert sentFrom(String number) {
    String from = canonical("number", number);
    return narrow("sent from " + from, m -> from.equals(m.from()));
  }

  /** Narrows to the message with smskit's id {@code messageId} ({@code SendReceipt.messageId()}). */
  public SentAssert withMessageId(UUID messageId) {
    Require.nonNull(messageId, "messageId");
    return narrow("with id " + messageId, m -> m.messageId().equals(messageId));
  }

  /** Narrows to the messages whose body contains {@code text}. */
  public SentAssert withBodyContaining(String text) {
    Require.nonNull(text, "text");
    return narrow("with body containing \"" + text + "\"", m -> m.body() != null && m.body().contains(text));
  }

  /** Narrows to the messages whose body is exactly {@code body}. */
  public SentAssert withBody(String body) {
    Require.nonNull(body, "body");
    return narrow("with body \"" + body + "\"", m -> body.equals(m.body()));
  }

  /** Narrows to the messages of {@code count} SMS segments. */
  public SentAssert withSegments(int count) {
    return narrow("of " + count + (count == 1 ? " segment" : " segments"), m -> m.segments() == count);
  }

  /** Narrows to the messages that carry the media at {@code url}. */
  public SentAssert withMedia(String url) {
    Require.nonNull(url, "url");
    return narrow("with media " + url, m -> m.mediaUrls().stream().anyMatch(u -> u.toString().equals(url)));
  }

  /** Narrows to the messages with exactly {@code count} media items (0: plain SMS). */
  public SentAssert withMediaCount(int count) {
    return narrow("with " + count + " media", m -> m.mediaUrls().size() == count);
  }

  /** Verifies that exactly {@code count} messages (of those narrowed to) were sent. */
  public SentAssert hasSent(int count) {
    isNotNull();
    if (actual.size() != count) {
      throw failure("%s", "%nExpected %d %s %s, but there %s %d.%n%s".formatted(count, plural(count),
          what(), actual.size() == 1 ? "was" : "were", actual.size(), describe(all)));
    }
    return myself;
  }

  /** Verifies that exactly one message (of those narrowed to) was sent. */
  public SentAssert once() {
    return hasSent(1);
  }

  /** Verifies that nothing (of what was narrowed to) was sent. */
  public SentAssert hasSentNothing() {
    return hasSent(0);
  }

  /** Verifies that none of the messages (narrowed to so far) went to {@code number}. */
  public SentAssert nothingSentTo(String number) {
    isNotNull();
    String to = canonical("number", number);
    List<SentSms> to_ = actual.stream().filter(m -> m.to().equals(to)).toList();
    if (!to_.isEmpty()) {
      throw failure("%s", "%nExpected no message %s, but there %s %d.%n%s".formatted(
          join(selection, "sent to " + to), to_.size() == 1 ? "was" : "were", to_.size(), describe(all)));
    }
    return myself;
  }

  /** The messages narrowed to, in the order sent, for assertions of the test's own. */
  public List<SentSms> messages() {
    isNotNull();
    return actual;
  }

  /**
   * The one message narrowed to.
   *
   * @throws AssertionError when there is not exactly one
   */
  public SentSms single() {
    once();
    return actual.get(0);
  }

  private SentAssert narrow(String condition, Predicate<SentSms> test) {
    isNotNull();
    String narrowed = join(selection, condition);
    List<SentSms> matching = actual.stream().filter(test).toList();
    if (matching.isEmpty()) {
      throw failure("%s", "%nExpected a message %s, but none was.%n%s".formatted(narrowed, describe(all)));
    }
    SentAssert next = new SentAssert(matching, all, narrowed);
    if (info.description() != null) {
      next.describedAs(info.description()); // an as("...") given earlier in the chain stays with it
    }
    return next;
  }

  private String what() {
    return selection.isEmpty() ? "sent" : selection;
  }

  private static String plural(int count) {
    return count == 1 ? "message" : "messages";
  }

  private static String join(String selection, String condition) {
    return selection.isEmpty() ? condition : selection + " " + condition;
  }

  private static String canonical(String field, String number) {
    Require.nonNull(number, field);
    return Address.parse(field, number).value();
  }

  /** Every message sent, numbered, one a line; or that nothing was. */
  static String describe(List<SentSms> sent) {
    if (sent.isEmpty()) {
      return "Nothing was sent.";
    }
    StringBuilder out = new StringBuilder("Sent (").append(sent.size()).append("):");
    for (int i = 0; i < sent.size(); i++) {
      out.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(sent.get(i).describe());
    }
    return out.toString();
  }
}
