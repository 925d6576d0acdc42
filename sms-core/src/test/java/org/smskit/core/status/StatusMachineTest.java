package org.smskit.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.core.model.Direction.INBOUND;
import static org.smskit.core.model.Direction.OUTBOUND;
import static org.smskit.core.status.MessageStatus.CANCELED;
import static org.smskit.core.status.MessageStatus.DELIVERED;
import static org.smskit.core.status.MessageStatus.FAILED;
import static org.smskit.core.status.MessageStatus.QUEUED;
import static org.smskit.core.status.MessageStatus.READ;
import static org.smskit.core.status.MessageStatus.RECEIVED;
import static org.smskit.core.status.MessageStatus.SCHEDULED;
import static org.smskit.core.status.MessageStatus.SENDING;
import static org.smskit.core.status.MessageStatus.SENT;
import static org.smskit.core.status.MessageStatus.UNDELIVERED;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.Direction;

class StatusMachineTest {

  /*
   * Every (current, incoming) pair, written out by hand rather than derived from the ranks so that a wrong rank
   * fails here. Rows are the current status, columns the incoming one. "throw" marks a current status the
   * direction cannot have.
   */
  private static final String OUTBOUND_TABLE = """
      current     scheduled queued  sending sent    delivered undelivered failed  canceled received read
      scheduled   dup       apply   apply   apply   apply     apply       apply   apply    invalid  apply
      queued      stale     dup     apply   apply   apply     apply       apply   apply    invalid  apply
      sending     stale     stale   dup     apply   apply     apply       apply   stale    invalid  apply
      sent        stale     stale   stale   dup     apply     apply       apply   stale    invalid  apply
      delivered   stale     stale   stale   stale   dup       stale       stale   stale    invalid  apply
      undelivered stale     stale   stale   stale   stale     dup         stale   stale    invalid  stale
      failed      stale     stale   stale   stale   stale     stale       dup     stale    invalid  stale
      canceled    stale     stale   stale   stale   stale     stale       stale   dup      invalid  stale
      read        stale     stale   stale   stale   stale     stale       stale   stale    invalid  dup
      received    throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      """;

  private static final String INBOUND_TABLE = """
      current     scheduled queued  sending sent    delivered undelivered failed  canceled received read
      received    invalid   invalid invalid invalid invalid   invalid     invalid invalid  dup      apply
      read        invalid   invalid invalid invalid invalid   invalid     invalid invalid  stale    dup
      scheduled   throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      queued      throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      sending     throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      sent        throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      delivered   throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      undelivered throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      failed      throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      canceled    throw     throw   throw   throw   throw     throw       throw   throw    throw    throw
      """;

  private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2025-03-01T10:00:05Z");
  private static final Instant T3 = Instant.parse("2025-03-01T10:01:00Z");

  static List<Arguments> transitions() {
    List<Arguments> cells = new ArrayList<>();
    cells.addAll(parse(OUTBOUND, OUTBOUND_TABLE));
    cells.addAll(parse(INBOUND, INBOUND_TABLE));
    return cells;
  }

  private static List<Arguments> parse(Direction direction, String table) {
    List<String[]> lines = table.lines().map(line -> line.trim().split("\\s+")).toList();
    String[] header = lines.get(0);
    List<Arguments> cells = new ArrayList<>();
    for (String[] row : lines.subList(1, lines.size())) {
      assertThat(row).as("row %s", row[0]).hasSameSizeAs(header);
      for (int column = 1; column < header.length; column++) {
        cells.add(Arguments.of(direction, status(row[0]), status(header[column]), row[column]));
      }
    }
    return cells;
  }

  private static MessageStatus status(String name) {
    return MessageStatus.valueOf(name.toUpperCase(Locale.ROOT));
  }

  @Test
  void tableCoversEveryDirectionCurrentAndIncomingTriple() {
    int statuses = MessageStatus.values().length;
    assertThat(transitions()).hasSize(Direction.values().length * statuses * statuses);
    assertThat(transitions().stream().map(a -> List.of(a.get()[0], a.get()[1], a.get()[2])).distinct())
        .hasSize(Direction.values().length * statuses * statuses);
  }

  @ParameterizedTest(name = "{0} {1} + {2} -> {3}")
  @MethodSource("transitions")
  void decidesEveryTransitionAsTheTableSays(
      Direction direction, MessageStatus current, MessageStatus incoming, String expected) {
    if (expected.equals("throw")) {
      assertThatThrownBy(() -> StatusMachine.decide(direction, current, incoming))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("status");
            assertThat(e.rule()).isEqualTo(
                current.dbValue() + " is not a status of an " + direction.dbValue() + " message");
          });
      return;
    }
    StatusOutcome outcome = switch (expected) {
      case "apply" -> StatusOutcome.APPLY;
      case "dup" -> StatusOutcome.DUPLICATE;
      case "stale" -> StatusOutcome.STALE;
      case "invalid" -> StatusOutcome.INVALID;
      default -> throw new AssertionError("unknown cell " + expected);
    };
    assertThat(StatusMachine.decide(direction, current, incoming)).isEqualTo(outcome);

    // apply() agrees with decide(), and only APPLY changes anything.
    StatusUpdate update = StatusMachine.apply(direction, current, StatusTimestamps.NONE, incoming, T1);
    assertThat(update.outcome()).isEqualTo(outcome);
    assertThat(update.status()).isEqualTo(outcome == StatusOutcome.APPLY ? incoming : current);
    assertThat(update.changed()).isEqualTo(outcome == StatusOutcome.APPLY);
    if (!update.changed()) {
      assertThat(update.timestamps()).isEqualTo(StatusTimestamps.NONE);
    }
    assertThat(StatusMachine.appliesFrom(direction, incoming).contains(current))
        .isEqualTo(outcome == StatusOutcome.APPLY);
  }

  @Test
  void statusesOfEachDirectionMatchTheSchemaCheck() {
    assertThat(EnumSet.allOf(MessageStatus.class).stream().filter(s -> StatusMachine.isStatusOf(INBOUND, s)))
        .containsExactlyInAnyOrder(RECEIVED, READ);
    assertThat(EnumSet.allOf(MessageStatus.class).stream().filter(s -> StatusMachine.isStatusOf(OUTBOUND, s)))
        .containsExactlyInAnyOrder(SCHEDULED, QUEUED, SENDING, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELED, READ);
  }

  // Named cases of the table, for the behaviours that matter most.

  @Test
  void lateSentCallbackDoesNotRegressDelivered() {
    assertThat(StatusMachine.decide(OUTBOUND, DELIVERED, SENT)).isEqualTo(StatusOutcome.STALE);
  }

  @Test
  void staleSuccessDoesNotOverwriteFailure() {
    assertThat(StatusMachine.decide(OUTBOUND, FAILED, SENT)).isEqualTo(StatusOutcome.STALE);
    assertThat(StatusMachine.decide(OUTBOUND, FAILED, DELIVERED)).isEqualTo(StatusOutcome.STALE);
    assertThat(StatusMachine.decide(OUTBOUND, UNDELIVERED, DELIVERED)).isEqualTo(StatusOutcome.STALE);
    assertThat(StatusMachine.decide(OUTBOUND, UNDELIVERED, READ)).isEqualTo(StatusOutcome.STALE);
  }

  @Test
  void firstTerminalStatusWinsOverAnEqualRankedOne() {
    assertThat(StatusMachine.decide(OUTBOUND, DELIVERED, UNDELIVERED)).isEqualTo(StatusOutcome.STALE);
    assertThat(StatusMachine.decide(OUTBOUND, UNDELIVERED, DELIVERED)).isEqualTo(StatusOutcome.STALE);
  }

  @Test
  void deliveredCallbackOvertakingTheSendAnswerApplies() {
    assertThat(StatusMachine.decide(OUTBOUND, SENDING, DELIVERED)).isEqualTo(StatusOutcome.APPLY);
  }

  @Test
  void cancelIsTooLateOnceSendingHasBegun() {
    assertThat(StatusMachine.appliesFrom(OUTBOUND, CANCELED)).containsExactlyInAnyOrder(SCHEDULED, QUEUED);
  }

  @Test
  void outboundReadAppliesAfterSentOrDelivered() {
    assertThat(StatusMachine.decide(OUTBOUND, SENT, READ)).isEqualTo(StatusOutcome.APPLY);
    assertThat(StatusMachine.decide(OUTBOUND, DELIVERED, READ)).isEqualTo(StatusOutcome.APPLY);
  }

  @Test
  void inboundMessageAcceptsOnlyReceivedAndRead() {
    assertThat(StatusMachine.decide(INBOUND, RECEIVED, DELIVERED)).isEqualTo(StatusOutcome.INVALID);
    assertThat(StatusMachine.decide(OUTBOUND, SENT, RECEIVED)).isEqualTo(StatusOutcome.INVALID);
    assertThat(StatusMachine.appliesFrom(INBOUND, READ)).containsExactly(RECEIVED);
    assertThat(StatusMachine.appliesFrom(OUTBOUND, RECEIVED)).isEmpty();
  }

  // requeue

  @Test
  void requeueMovesSendingBackToQueued() {
    assertThat(StatusMachine.requeue(SENDING)).isEqualTo(StatusOutcome.APPLY);
  }

  @Test
  void requeueOfAnAlreadyQueuedMessageIsADuplicate() {
    assertThat(StatusMachine.requeue(QUEUED)).isEqualTo(StatusOutcome.DUPLICATE);
  }

  @Test
  void requeueAfterACallbackOrCancelIsStale() {
    for (MessageStatus current : List.of(SCHEDULED, SENT, DELIVERED, UNDELIVERED, FAILED, CANCELED, READ)) {
      assertThat(StatusMachine.requeue(current)).as("requeue from %s", current).isEqualTo(StatusOutcome.STALE);
    }
  }

  @Test
  void callbacksCannotRequeue() {
    assertThat(StatusMachine.decide(OUTBOUND, SENDING, QUEUED)).isEqualTo(StatusOutcome.STALE);
  }

  @Test
  void requeueOfAnInboundStatusIsRefused() {
    assertThatThrownBy(() -> StatusMachine.requeue(RECEIVED))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("status"));
  }

  // timestamps

  @Test
  void sentFixesSentAtTheFirstTimeOnly() {
    StatusUpdate sent = StatusMachine.apply(OUTBOUND, SENDING, StatusTimestamps.NONE, SENT, T1);
    assertThat(sent.timestamps()).isEqualTo(new StatusTimestamps(T1, null, null, null));

    StatusUpdate again = StatusMachine.apply(OUTBOUND, sent.status(), sent.timestamps(), SENT, T2);
    assertThat(again.outcome()).isEqualTo(StatusOutcome.DUPLICATE);
    assertThat(again.timestamps().sentAt()).isEqualTo(T1);
  }

  @Test
  void deliveredKeepsTheEarlierSentAt() {
    StatusUpdate delivered =
        StatusMachine.apply(OUTBOUND, SENT, new StatusTimestamps(T1, null, null, null), DELIVERED, T2);
    assertThat(delivered.timestamps()).isEqualTo(new StatusTimestamps(T1, T2, null, null));
  }

  @Test
  void deliveredWithoutSentFillsSentAt() {
    StatusUpdate delivered = StatusMachine.apply(OUTBOUND, SENDING, StatusTimestamps.NONE, DELIVERED, T2);
    assertThat(delivered.timestamps()).isEqualTo(new StatusTimestamps(T2, T2, null, null));
  }

  @Test
  void lateSentCallbackDoesNotTouchTimestamps() {
    StatusTimestamps before = new StatusTimestamps(T2, T2, null, null);
    StatusUpdate late = StatusMachine.apply(OUTBOUND, DELIVERED, before, SENT, T1);
    assertThat(late.outcome()).isEqualTo(StatusOutcome.STALE);
    assertThat(late.status()).isEqualTo(DELIVERED);
    assertThat(late.timestamps()).isSameAs(before);
  }

  @Test
  void staleDeliveredAfterFailedDoesNotSetDeliveredAt() {
    StatusTimestamps before = new StatusTimestamps(null, null, T1, null);
    StatusUpdate late = StatusMachine.apply(OUTBOUND, FAILED, before, DELIVERED, T2);
    assertThat(late.status()).isEqualTo(FAILED);
    assertThat(late.timestamps()).isEqualTo(before);
  }

  @Test
  void undeliveredAfterDeliveredSetsNoFailedAt() {
    StatusTimestamps before = new StatusTimestamps(T1, T2, null, null);
    StatusUpdate conflict = StatusMachine.apply(OUTBOUND, DELIVERED, before, UNDELIVERED, T3);
    assertThat(conflict.status()).isEqualTo(DELIVERED);
    assertThat(conflict.timestamps().failedAt()).isNull();
  }

  @Test
  void undeliveredSetsFailedAtAndImpliedSentAt() {
    StatusUpdate undelivered = StatusMachine.apply(OUTBOUND, SENDING, StatusTimestamps.NONE, UNDELIVERED, T2);
    assertThat(undelivered.timestamps()).isEqualTo(new StatusTimestamps(T2, null, T2, null));
  }

  @Test
  void failedSetsOnlyFailedAt() {
    StatusUpdate failed = StatusMachine.apply(OUTBOUND, SENDING, StatusTimestamps.NONE, FAILED, T2);
    assertThat(failed.timestamps()).isEqualTo(new StatusTimestamps(null, null, T2, null));
  }

  @Test
  void outboundReadFillsMissingDeliveredAndSent() {
    StatusUpdate read =
        StatusMachine.apply(OUTBOUND, SENT, new StatusTimestamps(T1, null, null, null), READ, T3);
    assertThat(read.timestamps()).isEqualTo(new StatusTimestamps(T1, T3, null, T3));
  }

  @Test
  void inboundReadSetsOnlyReadAt() {
    StatusUpdate read = StatusMachine.apply(INBOUND, RECEIVED, StatusTimestamps.NONE, READ, T3);
    assertThat(read.status()).isEqualTo(READ);
    assertThat(read.timestamps()).isEqualTo(new StatusTimestamps(null, null, null, T3));
  }

  @Test
  void canceledAndIntermediateStatusesSetNoTimestamp() {
    for (MessageStatus status : List.of(SCHEDULED, QUEUED, SENDING, CANCELED, RECEIVED)) {
      assertThat(StatusTimestamps.NONE.reached(OUTBOUND, status, T1)).as("%s", status)
          .isEqualTo(StatusTimestamps.NONE);
    }
  }

  @Test
  void reachedKeepsTheFirstTimeEvenWhenALaterEventCarriesAnEarlierTime() {
    StatusTimestamps first = new StatusTimestamps(T2, T2, T2, T2);
    for (MessageStatus status : MessageStatus.values()) {
      assertThat(first.reached(OUTBOUND, status, T1)).as("%s", status).isEqualTo(first);
    }
  }

  @Test
  void invalidIncomingStatusLeavesTheMessageAlone() {
    StatusTimestamps before = new StatusTimestamps(T1, null, null, null);
    StatusUpdate update = StatusMachine.apply(OUTBOUND, SENT, before, RECEIVED, T2);
    assertThat(update).isEqualTo(new StatusUpdate(StatusOutcome.INVALID, SENT, before));
  }
}
