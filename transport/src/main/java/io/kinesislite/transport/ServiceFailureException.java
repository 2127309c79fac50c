package io.kinesislite.transport;

/** The service failed internally (an HTTP 5xx answer or {@code InternalFailure}). Try again. */
public class ServiceFailureException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public ServiceFailureException(String message) {
    this(message, null, null);
  }

  public ServiceFailureException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
