package io.kinesislite.kpl;

import io.kinesislite.transport.RetriableException;

/**
 * {@code add} could not buffer a record: the producer holds as many outstanding records or bytes as
 * it is allowed, and none were freed within the configured wait. The message names the limit. Back
 * off, or add fewer records at once.
 */
public class BufferFullException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public BufferFullException(String message) {
    super(message, null, null);
  }
}
