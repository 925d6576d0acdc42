package org.smskit.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.crypto.Secret;
import org.smskit.core.model.Direction;

class LexiconAnalyzerTest {
  private final ConversationAnalyzer analyzer = new LexiconAnalyzerFactory().create(AnalyzerConfig.of(Map.of()));

  /** A conversation from alternating "C: " (customer) and "B: " (business) lines, a minute apart. */
  private static AnalysisRequest conversation(String... lines) {
    List<AnalysisMessage> messages = new ArrayList<>();
    Instant at = Instant.parse("2025-03-01T10:00:00Z");
    for (String line : lines) {
      Direction direction = line.startsWith("C: ") ? Direction.INBOUND : Direction.OUTBOUND;
      messages.add(new AnalysisMessage(direction, at, line.substring(3)));
      at = at.plusSeconds(60);
    }
    return new AnalysisRequest("conv-1", messages);
  }

  private ConversationAnalysis analyze(String... lines) {
    return analyzer.analyze(conversation(lines));
  }

  @Test
  void theFactoryIsFoundThroughServiceLoader() {
    assertThat(ServiceLoader.load(ConversationAnalyzerFactory.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(factory -> {
          assertThat(factory).isInstanceOf(LexiconAnalyzerFactory.class);
          assertThat(factory.name()).isEqualTo("lexicon");
          assertThat(factory.secretSettings()).isEmpty();
        });
  }

  @Test
  void resultsNameTheModelAndCostNoTokens() {
    ConversationAnalysis analysis = analyze("C: Thanks, the parcel arrived today!");
    assertThat(analysis.outcome()).isEqualTo(ConversationAnalysis.Outcome.ANALYZED);
    assertThat(analysis.model()).isEqualTo("lexicon");
    assertThat(analysis.modelVersion()).isEqualTo("1");
    assertThat(analysis.promptTokens()).isZero();
    assertThat(analysis.completionTokens()).isZero();
    assertThat(analysis.language()).isEqualTo("en");
    assertThat(analysis.sentimentScore()).isPositive();
    assertThat(analysis.sentimentScore() * 1000).isEqualTo(Math.rint(analysis.sentimentScore() * 1000));
    assertThat(analysis.confidence()).isBetween(0.0, 1.0);
    assertThat(analysis.confidence() * 100).isEqualTo(Math.rint(analysis.confidence() * 100));
    assertThat(analyzer.name()).isEqualTo("lexicon");
    assertThat(analyzer.fingerprint()).isEqualTo("lexicon/1/maxKeyPoints=5,summarySentences=2");
  }

  @Test
  void aConversationThatEndsHappyScoresAboveTheSameMessagesEndingAngry() {
    String angry = "C: My order is late again and nobody answers, this is ridiculous";
    String neutral = "C: Can you check order 5521 please";
    String happy = "C: It just arrived, thank you so much!";
    double endsHappy = analyze(angry, neutral, happy).sentimentScore();
    double endsAngry = analyze(happy, neutral, angry).sentimentScore();
    assertThat(endsHappy).isGreaterThan(endsAngry);
    assertThat(endsHappy).isPositive();
    assertThat(endsAngry).isNegative();
  }

  @Test
  void theCustomersSentimentIsScoredNotTheBusinesss() {
    ConversationAnalysis analysis = analyze(
        "C: Got the replacement, works perfectly, thanks!",
        "B: We are so sorry for the terrible delay and the damaged box, awful experience for you");
    assertThat(analysis.sentimentScore()).isPositive();
    // with nothing from the customer, the business's messages are read
    assertThat(analyze("B: Sorry, your order is delayed and the item was damaged").sentimentScore()).isNegative();
  }

  @Test
  void spanishGermanChineseAndRussianAreReportedNotGuessed() {
    ConversationAnalysis spanish = analyze("C: Hola, mi pedido no ha llegado todavía y nadie me contesta.",
        "C: Quiero un reembolso por favor, es la segunda vez que pasa");
    assertThat(spanish.outcome()).isEqualTo(ConversationAnalysis.Outcome.UNSUPPORTED_LANGUAGE);
    assertThat(spanish.language()).isEqualTo("es");
    assertThat(spanish.sentimentScore()).isNull();
    assertThat(spanish.summary()).isNull();
    assertThat(spanish.keyPoints()).isEmpty();
    assertThat(spanish.model()).isEqualTo("lexicon");

    ConversationAnalysis german = analyze("C: Hallo, meine Bestellung ist noch nicht angekommen.",
        "C: Wann kommt das Paket? Ich warte schon seit einer Woche.");
    assertThat(german.outcome()).isEqualTo(ConversationAnalysis.Outcome.UNSUPPORTED_LANGUAGE);
    assertThat(german.language()).isEqualTo("de");

    ConversationAnalysis chinese = analyze("C: 你好，我的订单还没有到，请问什么时候发货？");
    assertThat(chinese.outcome()).isEqualTo(ConversationAnalysis.Outcome.UNSUPPORTED_LANGUAGE);
    assertThat(chinese.sentimentScore()).isNull();

    assertThat(analyze("C: Здравствуйте, где мой заказ? Жду уже неделю.").outcome())
        .isEqualTo(ConversationAnalysis.Outcome.UNSUPPORTED_LANGUAGE);
  }

  @Test
  void unreadableLatinTextIsUnsupportedWithoutALanguage() {
    ConversationAnalysis analysis = analyze("C: Kiitos paljon, paketti saapui eilen illalla kotiin");
    assertThat(analysis.outcome()).isEqualTo(ConversationAnalysis.Outcome.UNSUPPORTED_LANGUAGE);
    assertThat(analysis.language()).isNull();
  }

  @Test
  void shortAndEmojiOnlyConversationsAreAnalysedAsEnglish() {
    assertThat(analyze("C: Ok").outcome()).isEqualTo(ConversationAnalysis.Outcome.ANALYZED);
    ConversationAnalysis emoji = analyze("C: 👍👍");
    assertThat(emoji.outcome()).isEqualTo(ConversationAnalysis.Outcome.ANALYZED);
    assertThat(emoji.sentimentScore()).isPositive();
  }

  @Test
  void everyLabelledEnglishMessageIsReadAsEnglish() throws Exception {
    for (LabelledPolarityTest.Labelled message : LabelledPolarityTest.labelled()) {
      assertThat(analyze("C: " + message.text()).outcome()).as(message.text())
          .isEqualTo(ConversationAnalysis.Outcome.ANALYZED);
    }
  }

  @Test
  void keyPointsHoldTheOrderNumberAndASalientPhrase() {
    ConversationAnalysis analysis = analyze(
        "C: Hi, my order #12345 arrived with a cracked screen protector",
        "B: Sorry to hear that! Can you send a photo of the cracked screen protector?",
        "C: Sent. I paid $12.50 for express shipping too",
        "B: Thanks, a replacement ships Tuesday");
    assertThat(analysis.keyPoints()).contains("order #12345", "$12.50", "Tuesday");
    assertThat(analysis.keyPoints()).anySatisfy(point -> assertThat(point).contains("cracked screen protector"));
    assertThat(analysis.keyPoints()).hasSizeLessThanOrEqualTo(5).doesNotHaveDuplicates();
  }

  @Test
  void keyPointsFindReferencesAmountsAndDatesAsWritten() {
    List<String> facts = KeyPhrases.facts(List.of("My order number is #88213", "Reference number is ABC-7781",
        "I'd like to pay the remaining 30 EUR", "See you on 12/03 or March 14th", "Order 88213 again"));
    assertThat(facts).containsExactly("order #88213", "reference #ABC-7781", "30 EUR", "12/03", "March 14th");
  }

  @Test
  void keyPointsRespectMaxKeyPoints() {
    ConversationAnalyzer one = new LexiconAnalyzerFactory()
        .create(AnalyzerConfig.of(Map.of("maxKeyPoints", "1")));
    ConversationAnalysis analysis = one.analyze(conversation("C: order 4471 and order 4472 and ticket 99812",
        "C: the blue kettle is leaking water everywhere"));
    assertThat(analysis.keyPoints()).hasSize(1);
    assertThat(one.fingerprint()).isEqualTo("lexicon/1/maxKeyPoints=1,summarySentences=2");
  }

  @Test
  void theSummaryQuotesTheConversationInOrderWithWhoSaidIt() {
    String[] lines = {
        "C: Hi there.",
        "B: Hello! How can we help you today?",
        "C: The washing machine you installed on Monday is leaking water all over the kitchen floor.",
        "B: We are sorry. A technician can come Thursday morning.",
        "C: Thursday is fine. Will the technician bring a replacement hose?"};
    ConversationAnalysis analysis = analyze(lines);
    String[] summary = analysis.summary().split("\n");
    assertThat(summary).hasSize(2);
    String whole = String.join("\n", lines);
    int previous = -1;
    for (String sentence : summary) {
      String who = sentence.startsWith("Customer: ") ? "C: " : "B: ";
      assertThat(sentence).matches("(Customer|Business): .+");
      String quoted = sentence.substring(sentence.indexOf(": ") + 2);
      int at = whole.indexOf(quoted);
      assertThat(at).as(quoted).isGreaterThan(previous);
      assertThat(whole.substring(whole.lastIndexOf('\n', at) + 1)).startsWith(who);
      previous = at;
    }
    assertThat(analysis.summary()).contains("leaking water").contains("replacement hose?");
  }

  @Test
  void summarySentencesAreTrimmedTo200Characters() {
    String longSentence = "The " + "very ".repeat(80) + "long complaint about the broken fridge";
    ConversationAnalysis analysis = new LexiconAnalyzerFactory()
        .create(AnalyzerConfig.of(Map.of("summarySentences", "1"))).analyze(conversation("C: " + longSentence));
    assertThat(analysis.summary()).startsWith("Customer: The very very");
    assertThat(analysis.summary().length()).isLessThanOrEqualTo("Customer: ".length() + 200);
  }

  @Test
  void emotionAndIntentComeFromCues() {
    ConversationAnalysis complaint = analyze("C: My package arrived damaged, this is unacceptable 😡");
    assertThat(complaint.emotion()).isEqualTo("anger");
    assertThat(complaint.intent()).isEqualTo("complaint");

    ConversationAnalysis thanks = analyze("B: Your refund has been issued", "C: Thank you so much!");
    assertThat(thanks.emotion()).isEqualTo("gratitude");
    assertThat(thanks.intent()).isEqualTo("thanks");

    assertThat(analyze("C: When will my parcel arrive").intent()).isEqualTo("question");
    assertThat(analyze("C: Can I pay by card?").intent()).isEqualTo("question");
    assertThat(analyze("C: STOP").intent()).isEqualTo("opt_out");
    assertThat(analyze("C: unsubscribe me please").intent()).isEqualTo("opt_out");
    assertThat(analyze("C: Please stop texting me").intent()).isEqualTo("opt_out");
    assertThat(analyze("C: the app won't stop crashing").intent()).isNotEqualTo("opt_out");

    ConversationAnalysis plain = analyze("C: Order 123 ships Tuesday");
    assertThat(plain.emotion()).isNull();
    assertThat(plain.intent()).isNull();
    // a negated cue does not fire
    assertThat(analyze("C: I am not happy with the repair").emotion()).isNotEqualTo("joy");
  }

  @Test
  void anEmptyConversationIsAnalysedToNothing() {
    ConversationAnalysis analysis = analyzer.analyze(new AnalysisRequest("conv-0", List.of()));
    assertThat(analysis.outcome()).isEqualTo(ConversationAnalysis.Outcome.ANALYZED);
    assertThat(analysis.summary()).isNull();
    assertThat(analysis.keyPoints()).isEmpty();
    assertThat(analysis.sentimentScore()).isNull();
  }

  @Test
  void settingsAreValidatedAndUnknownKeysRefused() {
    LexiconAnalyzerFactory factory = new LexiconAnalyzerFactory();
    assertThatThrownBy(() -> factory.create(AnalyzerConfig.of(Map.of("model", "gpt-4o"))))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("model"));
    for (String bad : List.of("0", "11", "five", "")) {
      assertThatThrownBy(() -> factory.create(AnalyzerConfig.of(Map.of("maxKeyPoints", bad))))
          .as(bad).isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("maxKeyPoints"));
    }
    for (String bad : List.of("0", "6", "-1")) {
      assertThatThrownBy(() -> factory.create(AnalyzerConfig.of(Map.of("summarySentences", bad))))
          .as(bad).isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("summarySentences"));
    }
    assertThatThrownBy(() -> factory.create(new AnalyzerConfig(Map.of(), Map.of("apiKey", Secret.of("k")),
        java.time.Clock.systemUTC())))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("apiKey"));
    assertThat(factory.create(AnalyzerConfig.of(Map.of("maxKeyPoints", "10", "summarySentences", "5")))
        .fingerprint()).isEqualTo("lexicon/1/maxKeyPoints=10,summarySentences=5");
  }
}
