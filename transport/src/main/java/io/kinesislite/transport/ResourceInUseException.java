package io.kinesislite.transport;

/**
 * The stream, shard or consumer is busy (being created, updated or deleted, or already subscribed).
 * Try again once it is stable.
 */
public class ResourceInUseException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public ResourceInUseException(String message) {
    this(message, null, null);
  }

  public ResourceInUseException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
