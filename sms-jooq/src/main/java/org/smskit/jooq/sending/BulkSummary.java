package org.smskit.jooq.sending;

/**
 * What a streamed bulk send did, in counts; the recipients that were not queued went to its consumer one by one.
 */
public record BulkSummary(long queued, long invalidNumbers, long optedOut, long duplicates) {

  /** Every recipient read. */
  public long recipients() {
    return queued + invalidNumbers + optedOut + duplicates;
  }
}
