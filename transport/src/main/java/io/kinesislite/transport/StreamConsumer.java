package io.kinesislite.transport;

import java.time.Instant;
import java.util.Objects;

/**
 * An enhanced fan-out consumer registered on a stream. Immutable.
 *
 * @param name the consumer name, unique within its stream
 * @param arn the consumer's Amazon Resource Name
 * @param status the life-cycle state
 * @param createdAt when it was registered
 */
public record StreamConsumer(String name, String arn, ConsumerStatus status, Instant createdAt) {
  public StreamConsumer {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(arn, "arn == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
  }
}
