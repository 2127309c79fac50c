package io.kinesislite.transport;

import java.util.Optional;

/**
 * The root of every exception kinesis-lite throws or completes a future with. It is unchecked.
 *
 * <p>Two branches say whether trying again can help: {@link RetriableException} (throttling,
 * timeouts, I/O, a resource that is busy) and {@link FatalException} (bad input, missing resources,
 * access denied). Code that only wants to know whether to retry calls {@link #isRetriable()}.
 *
 * <p>When the error came from a Kinesis-compatible service, {@link #errorCode()} holds the code it
 * sent, for example {@code ProvisionedThroughputExceededException}.
 */
public abstract class KinesisLiteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  protected KinesisLiteException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** Returns true if the same call may succeed when made again later. */
  public abstract boolean isRetriable();

  /** Returns the error code the service sent, if the error came from a service. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }
}
