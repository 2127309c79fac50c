package io.kinesislite.transport;

/**
 * A record carries the KPL aggregation magic bytes but its body is damaged: the MD5 trailer does
 * not match or the protobuf message is truncated or malformed. Nothing of it is returned, so no
 * part is silently lost.
 */
public class CorruptAggregateException extends FatalException {
  private static final long serialVersionUID = 1L;

  public CorruptAggregateException(String message) {
    this(message, null, null);
  }

  public CorruptAggregateException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
