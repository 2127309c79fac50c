package io.kinesislite.transport;

import java.util.List;

/**
 * The outcome of {@link KinesisTransport#putRecords}: one result per entry, in the order of the
 * entries. Immutable.
 *
 * @param entries the outcome of each entry, at the same index as the entry
 */
public record PutRecordsResult(List<PutRecordsEntryResult> entries) {
  public PutRecordsResult {
    entries = List.copyOf(entries);
  }

  /** Returns how many entries were not written. */
  public int failedCount() {
    int failed = 0;
    for (PutRecordsEntryResult entry : entries) {
      if (!entry.isSuccessful()) {
        failed++;
      }
    }
    return failed;
  }
}
