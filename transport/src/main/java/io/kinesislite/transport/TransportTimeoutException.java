package io.kinesislite.transport;

/**
 * The call did not complete within the configured call timeout. The call may or may not have taken
 * effect.
 */
public class TransportTimeoutException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public TransportTimeoutException(String message) {
    this(message, null, null);
  }

  public TransportTimeoutException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
