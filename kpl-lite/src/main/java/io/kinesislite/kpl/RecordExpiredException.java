package io.kinesislite.kpl;

import java.util.List;

/**
 * A user record outlived its time to live ({@code RecordTtl}) before it could be put, for example
 * while its shard was throttled or the transport was down. {@link #attempts()} tells each try and
 * its error.
 */
public class RecordExpiredException extends RecordFailedException {
  private static final long serialVersionUID = 1L;

  public RecordExpiredException(String message, List<Attempt> attempts) {
    this(message, attempts, null);
  }

  /** As above, with the exception that ended the last attempt, if a whole call failed. */
  public RecordExpiredException(String message, List<Attempt> attempts, Throwable cause) {
    super(message, "Expired", attempts, cause);
  }
}
