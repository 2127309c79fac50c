package io.kinesislite.kpl;

import java.util.List;

/**
 * The producer is closed: {@code add} throws it, and records still outstanding when the close
 * timeout ran out fail with it.
 */
public class ProducerClosedException extends RecordFailedException {
  private static final long serialVersionUID = 1L;

  public ProducerClosedException(String message, List<Attempt> attempts) {
    super(message, "ProducerClosed", attempts);
  }
}
