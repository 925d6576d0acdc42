package org.smskit.core.analysis;

import java.time.Instant;
import org.smskit.core.Require;
import org.smskit.core.model.Direction;

/** One message of the window an analyzer reads: inbound is the customer, outbound the business. */
public record AnalysisMessage(Direction direction, Instant at, String text) {

  public AnalysisMessage {
    Require.nonNull(direction, "direction");
    Require.nonNull(at, "at");
    Require.nonNull(text, "text");
  }
}
