package io.kinesislite.transport;

/**
 * The outcome of one entry of {@link KinesisTransport#putRecords}: a {@link PutResult} if it was
 * written, a {@link PutFailure} if it was not.
 *
 * <pre>{@code
 * for (PutRecordsEntryResult r : result.entries()) {
 *   if (r instanceof PutFailure failure && failure.isThrottled()) { ... retry it ... }
 * }
 * }</pre>
 */
public sealed interface PutRecordsEntryResult permits PutResult, PutFailure {
  /** Returns true if the entry was written. */
  boolean isSuccessful();
}
