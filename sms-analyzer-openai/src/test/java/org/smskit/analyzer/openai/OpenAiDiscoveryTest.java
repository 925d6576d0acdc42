package org.smskit.analyzer.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.smskit.core.analysis.AnalyzerConfig;
import org.smskit.core.analysis.ConversationAnalyzer;
import org.smskit.core.analysis.ConversationAnalyzerFactory;

class OpenAiDiscoveryTest {

  @Test
  void serviceLoaderFindsTheFactory() {
    ConversationAnalyzerFactory factory = ServiceLoader.load(ConversationAnalyzerFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("openai")).findFirst().orElseThrow();

    assertThat(factory).isInstanceOf(OpenAiAnalyzerFactory.class);
    assertThat(factory.secretSettings()).containsExactly("apiKey");
    try (ConversationAnalyzer analyzer = factory.create(AnalyzerConfig.of(Map.of("model", "gpt-4o-mini")))) {
      assertThat(analyzer.name()).isEqualTo("openai");
    }
  }
}
