package io.kinesislite.transport;

/**
 * The connection to the service failed: refused, reset, closed, or the transport was closed with
 * the call outstanding. The call may or may not have taken effect.
 */
public class TransportIoException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public TransportIoException(String message) {
    this(message, null, null);
  }

  public TransportIoException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
