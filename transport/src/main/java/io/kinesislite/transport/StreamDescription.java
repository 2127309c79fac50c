package io.kinesislite.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A summary of a stream, as {@link KinesisTransport#describeStream} reports it. Immutable.
 *
 * @param name the stream name
 * @param arn the stream's Amazon Resource Name
 * @param status the life-cycle state
 * @param mode provisioned or on-demand
 * @param openShardCount how many shards accept records now
 * @param retention how long records are kept
 * @param createdAt when the stream was created
 * @param consumerCount how many enhanced fan-out consumers are registered
 */
public record StreamDescription(
    String name,
    String arn,
    StreamStatus status,
    StreamMode mode,
    int openShardCount,
    Duration retention,
    Instant createdAt,
    int consumerCount) {
  public StreamDescription {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(arn, "arn == null");
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(retention, "retention == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
  }
}
