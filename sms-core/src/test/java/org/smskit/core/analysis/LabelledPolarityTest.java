package org.smskit.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sentiment scorer against single customer SMS labelled by hand (labelled-messages.tsv, written and committed
 * before the scorer). Prints the agreement and every miss, so a change to the rules shows what it costs.
 */
class LabelledPolarityTest {

  record Labelled(String polarity, String text) {}

  static List<Labelled> labelled() throws IOException {
    return labelled("labelled-messages.tsv");
  }

  static List<Labelled> labelled(String resource) throws IOException {
    List<Labelled> messages = new ArrayList<>();
    try (InputStream in = LabelledPolarityTest.class.getResourceAsStream(resource);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", 2);
        messages.add(new Labelled(fields[0], fields[1]));
      }
    }
    return messages;
  }

  @Test
  void agreesWithHumanLabelsOnAtLeast85PercentOfMessages() throws IOException {
    List<Labelled> messages = labelled();
    assertThat(messages).hasSizeGreaterThanOrEqualTo(120);
    assertThat(agreement("labelled", messages)).isGreaterThanOrEqualTo(0.85);
  }

  /**
   * The tuned set above says how well the rules fit what they were tuned on; this one, written after the scorer
   * was frozen (heldout-messages.tsv), says how well they carry over.
   */
  @Test
  void agreesWithHumanLabelsOnAtLeast85PercentOfHeldOutMessages() throws IOException {
    List<Labelled> messages = labelled("heldout-messages.tsv");
    assertThat(messages).hasSizeGreaterThanOrEqualTo(60);
    assertThat(agreement("held-out", messages)).isGreaterThanOrEqualTo(0.85);
  }

  private static double agreement(String set, List<Labelled> messages) {
    Sentiment sentiment = new Sentiment(Lexicon.get());
    List<String> misses = new ArrayList<>();
    for (Labelled message : messages) {
      double compound = sentiment.compound(message.text());
      String polarity = Sentiment.polarity(compound);
      if (!polarity.equals(message.polarity())) {
        misses.add(String.format("  expected %-8s got %-8s %+.3f  %s", message.polarity(), polarity, compound,
            message.text()));
      }
    }
    double agreement = 1.0 - (double) misses.size() / messages.size();
    System.out.printf("lexicon polarity agreement, %s set: %.1f%% (%d of %d), misses:%n%s%n", set,
        agreement * 100, messages.size() - misses.size(), messages.size(), String.join("\n", misses));
    return agreement;
  }
}
