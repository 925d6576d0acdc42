package org.smskit.core.analysis;

import java.util.Set;
import org.smskit.core.InvalidInputException;

/**
 * The built-in offline analyzer, named {@code lexicon}: English conversations are scored with the VADER sentiment
 * lexicon and rules, key points are extracted with RAKE and patterns (order numbers, amounts, dates), the summary
 * is made of the conversation's own sentences. Nothing leaves the JVM and nothing is downloaded at run time; the
 * lexicon ships inside sms-core and is loaded once, on first use. Conversations in other languages are answered
 * with {@link ConversationAnalysis.Outcome#UNSUPPORTED_LANGUAGE}.
 *
 * <p>Settings, all optional:
 *
 * <ul>
 *   <li>{@code maxKeyPoints}: 1 to 10, default 5
 *   <li>{@code summarySentences}: 1 to 5, default 2
 * </ul>
 *
 * Any other setting, and any secret, is refused.
 */
public final class LexiconAnalyzerFactory implements ConversationAnalyzerFactory {
  public static final String NAME = "lexicon";

  static final String MAX_KEY_POINTS = "maxKeyPoints";
  static final String SUMMARY_SENTENCES = "summarySentences";
  private static final Set<String> SETTINGS = Set.of(MAX_KEY_POINTS, SUMMARY_SENTENCES);

  public LexiconAnalyzerFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConversationAnalyzer create(AnalyzerConfig config) {
    for (String key : config.settings().keySet()) {
      if (!SETTINGS.contains(key)) {
        throw new InvalidInputException(key, "unknown setting; the lexicon analyzer reads " + MAX_KEY_POINTS
            + " and " + SUMMARY_SENTENCES);
      }
    }
    if (!config.secrets().isEmpty()) {
      throw new InvalidInputException(config.secrets().keySet().iterator().next(),
          "unknown secret; the lexicon analyzer needs none");
    }
    return new LexiconAnalyzer(intSetting(config, MAX_KEY_POINTS, 1, 10, 5),
        intSetting(config, SUMMARY_SENTENCES, 1, 5, 2));
  }

  private static int intSetting(AnalyzerConfig config, String key, int min, int max, int defaultValue) {
    String rule = "an integer from " + min + " to " + max;
    String value = config.setting(key).orElse(null);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, rule, e);
    }
    if (parsed < min || parsed > max) {
      throw new InvalidInputException(key, rule);
    }
    return parsed;
  }
}
