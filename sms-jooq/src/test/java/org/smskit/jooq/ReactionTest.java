package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Reaction;
import org.smskit.jooq.sending.SendRequest;
import org.smskit.jooq.inbox.Reactions;

/** Reactions on messages: added once per person and kind, removed, listed with the message. */
class ReactionTest extends ServiceTestBase {

  @Test
  void reactionsAreListedWithTheirMessage() {
    World w = world();
    UUID id = receive(w, CUSTOMER, "Can I change my order?").messageId();

    Reaction like = sms.addReaction(id, "like", "1", "staff:7");
    sms.addReaction(id, "emoji", "👍", "staff:8");

    assertThat(like.messageId()).isEqualTo(id);
    assertThat(like.createdAt()).isNotNull();
    assertThat(sms.message(id).reactions()).extracting(Reaction::reactionType, Reaction::reactionValue,
            Reaction::reactedBy)
        .containsExactlyInAnyOrder(tuple("like", "1", "staff:7"), tuple("emoji", "👍", "staff:8"));
    assertThat(sms.timeline("n:" + OUR_PRIMARY + ":" + CUSTOMER, PageRequest.first(10)).items())
        .singleElement().satisfies(v -> assertThat(v.reactions()).hasSize(2));
  }

  @Test
  void theSameReactionByTheSamePersonIsStoredOnce() {
    World w = world();
    UUID id = receive(w, CUSTOMER, "Hi").messageId();

    Reaction first = sms.addReaction(id, "emoji", "❤️", "staff:7");
    Reaction again = sms.addReaction(id, "emoji", "❤️", "staff:7");
    sms.addReaction(id, "emoji", "❤️", "staff:8");
    sms.addReaction(id, "emoji", "😂", "staff:7");

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(sms.message(id).reactions()).hasSize(3);
  }

  @Test
  void removedReactionDisappearsFromTheMessage() {
    World w = world();
    UUID id = sms.send(SendRequest.to(CUSTOMER).fromService(w.service()).body("Hi").build()).messageId();
    sms.addReaction(id, "emoji", "👍", CUSTOMER);
    sms.addReaction(id, "emoji", "🎉", CUSTOMER);

    assertThat(sms.removeReaction(id, "emoji", "👍", CUSTOMER)).isTrue();
    assertThat(sms.removeReaction(id, "emoji", "👍", CUSTOMER)).isFalse();
    assertThat(sms.removeReaction(id, "emoji", "🎉", "someone else")).isFalse();

    assertThat(sms.message(id).reactions()).extracting(Reaction::reactionValue).containsExactly("🎉");
  }

  @Test
  void reactionsOfOneMessageDoNotShowOnAnother() {
    World w = world();
    UUID a = receive(w, CUSTOMER, "a").messageId();
    UUID b = receive(w, CUSTOMER, "b").messageId();
    sms.addReaction(a, "like", "1", "staff:7");

    assertThat(sms.message(b).reactions()).isEmpty();
    assertThat(sms.message(a).reactions()).hasSize(1);
  }

  @Test
  void reactionToAnUnknownMessageOrWithoutAValueIsRefused() {
    World w = world();
    UUID id = receive(w, CUSTOMER, "Hi").messageId();

    assertThatThrownBy(() -> sms.addReaction(UUID.randomUUID(), "like", "1", "staff:7"))
        .isInstanceOf(NotFoundException.class);
    for (List<String> bad : List.of(List.of(" ", "1", "staff:7"), List.of("like", "", "staff:7"))) {
      assertThatThrownBy(() -> sms.addReaction(id, bad.get(0), bad.get(1), bad.get(2)))
          .isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> sms.addReaction(id, null, "1", "staff:7"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("reaction_type"));
    assertThat(rows("sms_reactions")).isZero();
  }
}
