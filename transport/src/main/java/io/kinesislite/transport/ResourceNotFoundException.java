package io.kinesislite.transport;

/** The stream, shard or consumer does not exist, or is not in a state that allows the call. */
public class ResourceNotFoundException extends FatalException {
  private static final long serialVersionUID = 1L;

  public ResourceNotFoundException(String message) {
    this(message, null, null);
  }

  public ResourceNotFoundException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
