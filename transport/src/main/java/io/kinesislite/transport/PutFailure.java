package io.kinesislite.transport;

import java.util.Objects;

/**
 * Why one entry of a {@link KinesisTransport#putRecords} call was not written. Immutable.
 *
 * @param errorCode the code the service gave, for example {@code
 *     ProvisionedThroughputExceededException} or {@code InternalFailure}
 * @param errorMessage the service's explanation
 */
public record PutFailure(String errorCode, String errorMessage) implements PutRecordsEntryResult {
  public PutFailure {
    Objects.requireNonNull(errorCode, "errorCode == null");
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public boolean isSuccessful() {
    return false;
  }

  /** Returns true if the shard was over its write limit; such entries can be retried later. */
  public boolean isThrottled() {
    return errorCode.equals("ProvisionedThroughputExceededException");
  }
}
