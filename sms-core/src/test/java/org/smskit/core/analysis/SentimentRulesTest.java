package org.smskit.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Each VADER rule, checked on a pair of messages that differ only in what the rule reads. */
class SentimentRulesTest {
  private final Sentiment sentiment = new Sentiment(Lexicon.get());

  private double score(String text) {
    return sentiment.compound(text);
  }

  @Test
  void theVaderLexiconIsLoadedFromTheClasspath() throws Exception {
    Lexicon lexicon = Lexicon.get();
    assertThat(lexicon.size()).isGreaterThan(7000);
    assertThat(lexicon.valence("great")).isEqualTo(3.1);
    assertThat(lexicon.valence("GREAT")).isEqualTo(3.1);
    assertThat(lexicon.valence("horrible")).isNegative();
    assertThat(lexicon.valence(":)")).isPositive();
    assertThat(lexicon.valence("smskit")).isNull();
    try (InputStream licence = Lexicon.class.getResourceAsStream("VADER-LICENSE.txt")) {
      assertThat(new String(licence.readAllBytes())).contains("MIT").contains("C.J. Hutto");
    }
  }

  @Test
  void negationFlipsTheSign() {
    assertThat(score("The repair was good")).isPositive();
    assertThat(score("The repair was not good")).isNegative();
    assertThat(score("The technician isn't great")).isNegative();
    assertThat(score("Not bad at all")).isPositive();
    assertThat(score("My parcel never arrived")).isNegative();
    // a negation two or three words back still counts, and it weakens as it flips
    assertThat(score("not really good")).isNegative();
    assertThat(Math.abs(score("not bad"))).isLessThan(Math.abs(score("bad")));
  }

  @Test
  void negationDoesNotReachIntoTheNextSentence() {
    assertThat(score("The technician didn't show up. Unacceptable")).isNegative();
  }

  @Test
  void noProblemIsPositive() {
    assertThat(score("No problem")).isPositive();
  }

  @Test
  void boostersStrengthenAndDampenersWeaken() {
    assertThat(score("The driver was very helpful")).isGreaterThan(score("The driver was helpful"));
    assertThat(score("The driver was extremely rude")).isLessThan(score("The driver was rude"));
    assertThat(score("The driver was slightly rude")).isGreaterThan(score("The driver was rude")).isNegative();
  }

  @Test
  void shoutingASentimentWordIncreasesItsMagnitude() {
    assertThat(score("The service was GREAT today")).isGreaterThan(score("The service was great today"));
    assertThat(score("This is the WORST service")).isLessThan(score("This is the worst service"));
  }

  @Test
  void aMessageAllInCapitalsIsNotEmphasisedWordByWord() {
    assertThat(score("THE SERVICE WAS GREAT")).isEqualTo(score("the service was great"));
  }

  @Test
  void exclamationMarksIncreaseMagnitudeUpToFour() {
    assertThat(score("Thanks!")).isGreaterThan(score("Thanks"));
    assertThat(score("Thanks!!!")).isGreaterThan(score("Thanks!"));
    assertThat(score("Thanks!!!!!!!")).isEqualTo(score("Thanks!!!!"));
    assertThat(score("This is terrible!!")).isLessThan(score("This is terrible"));
    assertThat(score("Order 123 ships Tuesday!")).isZero();
  }

  @Test
  void severalQuestionMarksAddALittle() {
    assertThat(score("Why was I charged twice??")).isLessThan(score("Why was I charged twice?"));
  }

  @Test
  void whatFollowsButOutweighsWhatPrecedesIt() {
    assertThat(score("The food was great but the delivery was terrible")).isNegative();
    assertThat(score("The delivery was terrible but the food was great")).isPositive();
    double both = score("The price is good and the quality is excellent");
    assertThat(score("The price is good but the quality is excellent")).isNotEqualTo(both);
  }

  @Test
  void anEmojiAloneHasAPolarity() {
    assertThat(score("😡")).isLessThan(-Sentiment.NEUTRAL);
    assertThat(score("👎")).isLessThan(-Sentiment.NEUTRAL);
    assertThat(score("😭")).isLessThan(-Sentiment.NEUTRAL);
    assertThat(score("👍")).isGreaterThan(Sentiment.NEUTRAL);
    assertThat(score("😍")).isGreaterThan(Sentiment.NEUTRAL);
    // variation selector and skin tone do not hide the emoji
    assertThat(score("❤️")).isGreaterThan(Sentiment.NEUTRAL);
    assertThat(score("👍🏽")).isEqualTo(score("👍"));
    assertThat(score("📦")).isZero();
  }

  @Test
  void emoticonsAreReadWhole() {
    assertThat(score("see you then :)")).isPositive();
    assertThat(score("still nothing :(")).isNegative();
  }

  @Test
  void smsSlangIsNormalisedBeforeScoring() {
    assertThat(score("thx")).isEqualTo(score("thanks"));
    assertThat(score("gr8 job")).isEqualTo(score("great job"));
    assertThat(score("luv it")).isEqualTo(score("love it"));
    assertThat(score("u r the best")).isEqualTo(score("you are the best"));
    assertThat(Tokenizer.tokens("pls call me 2moro").stream().map(Token::text))
        .containsExactly("please", "call", "me", "tomorrow");
    assertThat(Tokenizer.tokens("THX").get(0).text()).isEqualTo("THANKS");
    assertThat(score("lol")).isPositive();
    assertThat(score("wtf")).isNegative();
    assertThat(score("smh")).isNegative();
  }

  @Test
  void requestsAndLogisticsAreNeutral() {
    assertThat(score("Order 12345 ships Tuesday")).isZero();
    assertThat(score("Please call me back at this number")).isZero();
    assertThat(score("I'd like to pay by card")).isZero();
  }

  @Test
  void compoundStaysWithinMinusOneAndOne() {
    assertThat(score("AMAZING AMAZING AMAZING love love love best best best!!!!")).isBetween(0.9, 1.0);
    assertThat(score("worst worst worst hate hate hate horrible!!!!")).isBetween(-1.0, -0.9);
    assertThat(score("")).isZero();
  }
}
