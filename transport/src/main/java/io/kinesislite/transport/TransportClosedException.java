package io.kinesislite.transport;

/**
 * The call was made on, or was outstanding when closing, a closed transport. Retrying it on the
 * same transport cannot help; on a new one it may, since an outstanding call may or may not have
 * taken effect.
 */
public class TransportClosedException extends TransportIoException {
  private static final long serialVersionUID = 1L;

  public TransportClosedException(String message) {
    super(message);
  }
}
