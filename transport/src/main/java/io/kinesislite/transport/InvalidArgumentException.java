package io.kinesislite.transport;

/**
 * An argument broke a rule of the Kinesis API: a name, a key, a size or a count. The message names
 * the argument and the limit.
 */
public class InvalidArgumentException extends FatalException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    this(message, null, null);
  }

  public InvalidArgumentException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
