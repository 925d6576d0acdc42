package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smskit.analyzer.openai.Fixtures.KEY;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smskit.core.InvalidInputException;
import org.smskit.core.analysis.AnalyzerConfig;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.crypto.Secret;

class OpenAiSettingsTest {

  @Test
  void onlyTheModelIsRequired() {
    OpenAiSettings s = OpenAiSettings.parse(Map.of("model", "gpt-4o-mini"));

    assertThat(s.chatCompletions()).hasToString("https://api.openai.com/v1/chat/completions");
    assertThat(s.model()).isEqualTo("gpt-4o-mini");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.maxAttempts()).isEqualTo(3);
    assertThat(s.temperature()).isNull();
    assertThat(s.maxTokens()).isNull();
    assertThat(s.maxChars()).isEqualTo(12_000);
    assertThat(s.responseFormat()).isEqualTo(OpenAiSettings.ResponseFormat.JSON_SCHEMA);
  }

  @Test
  void everyKeyIsRead() {
    OpenAiSettings s = OpenAiSettings.parse(Map.of("baseUrl", "http://localhost:11434/v1/", "model", " llama3.1:8b ",
        "timeoutSeconds", "120", "maxAttempts", "5", "temperature", "0", "maxTokens", "800", "maxChars", "6000",
        "responseFormat", "json_object"));

    assertThat(s.chatCompletions()).hasToString("http://localhost:11434/v1/chat/completions");
    assertThat(s.model()).isEqualTo("llama3.1:8b");
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.maxAttempts()).isEqualTo(5);
    assertThat(s.temperature()).isZero();
    assertThat(s.maxTokens()).isEqualTo(800);
    assertThat(s.maxChars()).isEqualTo(6000);
    assertThat(s.responseFormat()).isEqualTo(OpenAiSettings.ResponseFormat.JSON_OBJECT);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "temprature      | 0.2                          | settings.temprature",
      "apiKey          | sk-x                         | settings.apiKey",
      "baseUrl         | ftp://example.com/v1         | settings.baseUrl",
      "baseUrl         | localhost:11434/v1           | settings.baseUrl",
      "baseUrl         | https://example.com/v1?x=1   | settings.baseUrl",
      "baseUrl         | https://u:p@example.com/v1   | settings.baseUrl",
      "model           | ' '                          | settings.model",
      "timeoutSeconds  | 0                            | settings.timeoutSeconds",
      "timeoutSeconds  | 301                          | settings.timeoutSeconds",
      "timeoutSeconds  | 1.5                          | settings.timeoutSeconds",
      "maxAttempts     | 11                           | settings.maxAttempts",
      "temperature     | 2.01                         | settings.temperature",
      "temperature     | -0.1                         | settings.temperature",
      "temperature     | warm                         | settings.temperature",
      "maxTokens       | 0                            | settings.maxTokens",
      "maxChars        | 100                          | settings.maxChars",
      "responseFormat  | text                         | settings.responseFormat"})
  void badKeysAndValuesAreRefusedNamingTheSetting(String key, String value, String field) {
    Map<String, String> settings = new HashMap<>(Map.of("model", "gpt-4o-mini"));
    settings.put(key, value);

    assertThatThrownBy(() -> OpenAiSettings.parse(settings))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageNotContaining("sk-x");
  }

  @Test
  void aMissingModelIsRefused() {
    assertThatThrownBy(() -> new OpenAiAnalyzerFactory().create(AnalyzerConfig.of(Map.of())))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("settings.model");
          assertThat(e.rule()).startsWith("is required");
        });
  }

  @Test
  void anUnknownSecretIsRefused() {
    AnalyzerConfig config = new AnalyzerConfig(Map.of("model", "m"), Map.of("apiKey", Secret.of(KEY),
        "orgId", Secret.of("org-1")), Fixtures.CLOCK);

    assertThatThrownBy(() -> new OpenAiAnalyzerFactory().create(config))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("secrets.orgId"))
        .hasMessageNotContaining(KEY);
  }

  @Test
  void theKeyIsNeverShown() {
    AnalyzerConfig config = new AnalyzerConfig(Map.of("model", "gpt-4o-mini"), Map.of("apiKey", Secret.of(KEY)),
        Fixtures.CLOCK);
    try (ConversationAnalyzer analyzer = new OpenAiAnalyzerFactory().create(config)) {
      assertThat(analyzer.toString()).isEqualTo(
          "OpenAiAnalyzer[https://api.openai.com/v1/chat/completions, openai/prompt-1/gpt-4o-mini/json_schema]");
      assertThat(config.toString()).doesNotContain(KEY);
    }
  }

  @Test
  void fingerprintNamesThePromptVersionModelAndFormat() {
    try (ConversationAnalyzer analyzer = new OpenAiAnalyzerFactory().create(
        AnalyzerConfig.of(Map.of("model", "llama3.1:8b", "responseFormat", "json_object")))) {
      assertThat(analyzer.name()).isEqualTo("openai");
      assertThat(analyzer.fingerprint()).isEqualTo("openai/prompt-1/llama3.1:8b/json_object");
    }
  }

  @Test
  void closeIsIdempotent() {
    ConversationAnalyzer analyzer = new OpenAiAnalyzerFactory().create(AnalyzerConfig.of(Map.of("model", "m")));
    analyzer.close();
    analyzer.close();
  }
}
