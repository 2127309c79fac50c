package io.kinesislite.transport;

/** An error after which the same call may succeed if made again, ideally after a backoff. */
public abstract class RetriableException extends KinesisLiteException {
  private static final long serialVersionUID = 1L;

  protected RetriableException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
