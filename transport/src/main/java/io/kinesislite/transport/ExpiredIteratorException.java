package io.kinesislite.transport;

/**
 * The shard iterator is older than Kinesis allows (five minutes). Get a new iterator from the last
 * sequence number read.
 */
public class ExpiredIteratorException extends FatalException {
  private static final long serialVersionUID = 1L;

  public ExpiredIteratorException(String message) {
    this(message, null, null);
  }

  public ExpiredIteratorException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
