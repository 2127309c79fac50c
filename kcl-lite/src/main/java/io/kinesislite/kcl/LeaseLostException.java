package io.kinesislite.kcl;

import io.kinesislite.transport.FatalException;

/**
 * This worker no longer holds the lease it wrote to: another worker took it, or it expired and was
 * taken, so the write (a renewal, a checkpoint) was refused and nothing was written. Trying again
 * cannot help; the record processor of that shard is told with {@code leaseLost}.
 */
public class LeaseLostException extends FatalException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
