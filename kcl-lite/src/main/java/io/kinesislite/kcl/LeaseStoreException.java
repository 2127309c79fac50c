package io.kinesislite.kcl;

import io.kinesislite.transport.RetriableException;

/**
 * The lease store could not be reached or refused the call for now (throttling, an outage, a
 * timeout): the same call may succeed later. Whether the write happened is unknown; the lease's
 * counter says on the next read.
 */
public class LeaseStoreException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public LeaseStoreException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }
}
