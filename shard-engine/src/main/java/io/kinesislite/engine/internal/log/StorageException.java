package io.kinesislite.engine.internal.log;

import io.kinesislite.transport.ServiceFailureException;

/**
 * Storage failed: the disk is full, the directory is read-only or gone, or a file is damaged. The
 * message names the file and the cause. Records already acknowledged stay readable.
 */
public class StorageException extends ServiceFailureException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, "InternalFailure", cause);
  }
}
