package io.kinesislite.transport;

/**
 * The service refused the call because a rate or count limit was reached ({@code
 * ProvisionedThroughputExceededException} or {@code LimitExceededException}). Slow down and try
 * again.
 */
public class ThrottledException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public ThrottledException(String message) {
    this(message, null, null);
  }

  public ThrottledException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
