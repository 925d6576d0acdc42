package org.smskit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smskit.jooq.analysis.AnalysisConfig;
import org.smskit.jooq.analysis.AnalysisWorker;

/** The analysis worker's runs, by analyzer and outcome (a class of its own: the worker serves every tenant). */
class AnalysisMetricsTest extends MetricsTestBase {

  @Test
  void analysesAreTimedByAnalyzerAndOutcome() {
    AnalysisWorker worker = sms.analytics().worker(AnalysisConfig.builder().debounce(Duration.ofSeconds(30))
        .maxDelay(Duration.ofMinutes(2)).build());
    sms.handleWebhook(account, inbound("My order never arrived. This is terrible!"));
    worker.runOnce();
    clock.advance(Duration.ofSeconds(31));
    worker.runOnce();

    assertThat(registry.get("smskit.analysis.runs").tags("analyzer", "lexicon", "outcome", "updated").timer()
        .count()).isEqualTo(1);
    assertTagsAreBounded();
  }
}
