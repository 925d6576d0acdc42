package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.dispatch.HeldResolution;
import org.smskit.jooq.sending.SendRequest;

/**
 * The database itself refuses to commit a stranded message, whoever writes it (the library or the host's own
 * SQL): queued without an outbox row, sending without an attempt, or sending, unknown to the provider and neither
 * leased nor held. Each refusal names the field and the rule, and leaves nothing written.
 */
class DispatchInvariantTest extends DispatchTestBase {

  private void refused(String sql, String rule) {
    assertThatThrownBy(() -> sms.inTransaction((Repositories r) -> r.dsl().execute(sql)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("status: ")
        .hasMessageContaining(rule);
  }

  private String status(UUID id) {
    return db.strings("SELECT status FROM smskit.sms_messages WHERE id = ?", id).get(0);
  }

  @Test
  void queuedMessageCannotLoseItsOutboxRow() {
    World w = world();
    UUID id = queue(w, "waiting").messageId();

    refused("DELETE FROM smskit.sms_outbox WHERE message_id = '" + id + "'", "must stay in the outbox");

    assertThat(outbox(id)).isPresent();
  }

  @Test
  void sentMessageCannotGoBackToQueuedWithoutAnOutboxRow() {
    World w = world();
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("sent").build()).messageId();

    refused("UPDATE smskit.sms_messages SET status = 'queued' WHERE id = '" + id + "'", "must stay in the outbox");
    refused("UPDATE smskit.sms_messages SET status = 'scheduled' WHERE id = '" + id + "'", "must stay in the outbox");

    assertThat(status(id)).isEqualTo("sending");
  }

  @Test
  void messageCannotBeSendingWithoutAnAttempt() {
    World w = world();
    UUID id = queue(w, "never tried").messageId();

    refused("UPDATE smskit.sms_messages SET status = 'sending' WHERE id = '" + id + "'", "after an attempt");

    assertThat(status(id)).isEqualTo("queued");
  }

  @Test
  void heldMessageCannotBeDroppedFromTheHeldList() {
    World w = world();
    network().failNextSend(ProviderException.Kind.OUTCOME_UNKNOWN, null);
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("held").build()).messageId();
    assertThat(sms.dispatchStats().held()).isEqualTo(1);

    refused("DELETE FROM smskit.sms_held_messages WHERE message_id = '" + id + "'", "held, or known to its provider");
    refused("DELETE FROM smskit.sms_send_attempts WHERE message_id = '" + id + "'", "after an attempt");

    assertThat(sms.dispatchStats().held()).isEqualTo(1);
    // Resolving it is the way out, and leaves it accounted for.
    assertThat(sms.resolveHeld(id, HeldResolution.failed("checked the console: not there"), null).status())
        .isEqualTo(MessageStatus.FAILED);
    assertThat(stranded()).isEmpty();
  }

  @Test
  void leasedMessageIsAccountedForWhileItsRequestIsOut() {
    World w = world();
    UUID id = queue(w, "in flight").messageId();
    providers.onSend((message, simulated) -> {
      // While the request is out the message is sending, leased, with its attempt recorded: all committed.
      assertThat(stranded()).isEmpty();
      assertThat(status(id)).isEqualTo("sending");
      return simulated.send(message);
    });

    dispatcher(config().build()).runOnce();

    assertThat(providers.sendCalls).hasValue(1);
    assertThat(stranded()).isEmpty();
  }
}
