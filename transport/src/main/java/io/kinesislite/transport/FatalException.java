package io.kinesislite.transport;

/**
 * An error that making the same call again will not fix: the input, the target or the caller's
 * rights must change first.
 *
 * <p>Errors a service reports with a code kinesis-lite has no type for are also fatal, and keep the
 * code in {@link #errorCode()}.
 */
public class FatalException extends KinesisLiteException {
  private static final long serialVersionUID = 1L;

  public FatalException(String message) {
    this(message, null, null);
  }

  public FatalException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
