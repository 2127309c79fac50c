package io.kinesislite.kpl;

import io.kinesislite.transport.FatalException;
import java.util.List;

/**
 * A user record could not be put: the producer retried as long as it may and gave up, or was told
 * not to retry ({@code FailIfThrottled}), or closed first. {@link #attempts()} tells each try; the
 * error code is the last error's.
 */
public class RecordFailedException extends FatalException {
  private static final long serialVersionUID = 1L;

  private final transient List<Attempt> attempts;

  public RecordFailedException(String message, String errorCode, List<Attempt> attempts) {
    this(message, errorCode, attempts, null);
  }

  /**
   * As above, with the exception that ended the last attempt (a whole call that failed: a timeout,
   * a connection refused) as the cause; null when the service answered with an error code.
   */
  public RecordFailedException(
      String message, String errorCode, List<Attempt> attempts, Throwable cause) {
    super(message, errorCode, cause);
    this.attempts = List.copyOf(attempts);
  }

  /** Returns every try, in order; empty if the record was never sent. */
  public List<Attempt> attempts() {
    return attempts;
  }
}
