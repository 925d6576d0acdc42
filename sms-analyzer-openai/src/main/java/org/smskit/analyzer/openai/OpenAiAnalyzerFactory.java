package org.smskit.analyzer.openai;

import java.util.Objects;
import java.util.Set;
import org.smskit.core.InvalidInputException;
import org.smskit.core.analysis.AnalyzerConfig;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.analysis.ConversationAnalyzerFactory;

/**
 * Creates analyzers that ask an OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI's v1 API, Ollama,
 * vLLM, LM Studio) for a summary, key points, sentiment, emotion and intent; installed under the name {@code openai}.
 *
 * <p>Settings (all strings, unknown keys refused; see the module README): {@code model} (required), {@code baseUrl}
 * (default {@code https://api.openai.com/v1}), {@code timeoutSeconds} (30, 1 to 300), {@code maxAttempts} (3, 1 to
 * 10), {@code temperature} (0 to 2, sent only when set), {@code maxTokens} (sent as {@code max_tokens} only when set),
 * {@code maxChars} (12000, the budget of conversation text sent) and {@code responseFormat} ({@code json_schema} or
 * {@code json_object}). The secret setting {@code apiKey} is sent as a bearer token; leave it out for a local server
 * that needs none.
 */
public final class OpenAiAnalyzerFactory implements ConversationAnalyzerFactory {

  /** For {@link java.util.ServiceLoader}. */
  public OpenAiAnalyzerFactory() {}

  @Override
  public String name() {
    return OpenAiAnalyzer.NAME;
  }

  /**
   * @throws InvalidInputException naming {@code settings.<key>} or {@code secrets.<name>} for an unknown key, a
   *     missing model or a bad value
   */
  @Override
  public ConversationAnalyzer create(AnalyzerConfig config) {
    Objects.requireNonNull(config, "config");
    OpenAiSettings settings = OpenAiSettings.parse(config.settings());
    for (String name : config.secrets().keySet()) {
      if (!name.equals(OpenAiSettings.API_KEY)) {
        throw new InvalidInputException("secrets." + name, "is not an openai analyzer secret (only apiKey)");
      }
    }
    return new OpenAiAnalyzer(settings, config.secret(OpenAiSettings.API_KEY).orElse(null), config.clock(),
        Backoff.standard());
  }

  /** {@code apiKey}, optional. */
  @Override
  public Set<String> secretSettings() {
    return Set.of(OpenAiSettings.API_KEY);
  }
}
