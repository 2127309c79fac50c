package io.kinesislite.engine.internal;

import io.kinesislite.transport.ExpiredIteratorException;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ServiceFailureException;
import io.kinesislite.transport.ThrottledException;

/**
 * The errors the engine answers with: the same types and Kinesis error codes a client of real
 * Kinesis would see. Thread-safe.
 */
public final class KinesisErrors {
  /** Kinesis's code for a shard over its read or write rate. */
  public static final String THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException";

  private KinesisErrors() {}

  public static ResourceNotFoundException streamNotFound(String stream) {
    return new ResourceNotFoundException(
        "Stream " + stream + " under account 000000000000 not found.",
        "ResourceNotFoundException",
        null);
  }

  public static ResourceNotFoundException notFound(String message) {
    return new ResourceNotFoundException(message, "ResourceNotFoundException", null);
  }

  public static ResourceInUseException inUse(String message) {
    return new ResourceInUseException(message, "ResourceInUseException", null);
  }

  public static InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException(message, "InvalidArgumentException", null);
  }

  public static ThrottledException limitExceeded(String message) {
    return new ThrottledException(message, "LimitExceededException", null);
  }

  public static ThrottledException throughputExceeded(String message) {
    return new ThrottledException(message, THROUGHPUT_EXCEEDED, null);
  }

  public static ExpiredIteratorException expiredIterator(String message) {
    return new ExpiredIteratorException(message, "ExpiredIteratorException", null);
  }

  /** Turns a put-many entry's failure into what a single put throws for the same cause. */
  public static KinesisLiteException asException(PutFailure failure) {
    return switch (failure.errorCode()) {
      case THROUGHPUT_EXCEEDED -> throughputExceeded(failure.errorMessage());
      case "InvalidArgumentException" -> invalid(failure.errorMessage());
      default -> new ServiceFailureException(failure.errorMessage(), failure.errorCode(), null);
    };
  }
}
