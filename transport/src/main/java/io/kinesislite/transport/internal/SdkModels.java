package io.kinesislite.transport.internal;

import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.ConsumerStatus;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamMode;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.StreamStatus;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;

/** Converts between the AWS SDK's Kinesis model and kinesis-lite's value types. Thread-safe. */
public final class SdkModels {
  private SdkModels() {}

  public static Shard shard(software.amazon.awssdk.services.kinesis.model.Shard s) {
    return new Shard(
        s.shardId(),
        Optional.ofNullable(s.parentShardId()),
        Optional.ofNullable(s.adjacentParentShardId()),
        range(s.hashKeyRange()),
        s.sequenceNumberRange().startingSequenceNumber(),
        Optional.ofNullable(s.sequenceNumberRange().endingSequenceNumber()));
  }

  public static ChildShard childShard(software.amazon.awssdk.services.kinesis.model.ChildShard c) {
    return new ChildShard(c.shardId(), c.parentShards(), range(c.hashKeyRange()));
  }

  public static List<ChildShard> childShards(
      List<software.amazon.awssdk.services.kinesis.model.ChildShard> children) {
    if (children == null || children.isEmpty()) {
      return List.of();
    }
    List<ChildShard> result = new ArrayList<>(children.size());
    for (software.amazon.awssdk.services.kinesis.model.ChildShard c : children) {
      result.add(childShard(c));
    }
    return result;
  }

  private static HashKeyRange range(software.amazon.awssdk.services.kinesis.model.HashKeyRange r) {
    return new HashKeyRange(new BigInteger(r.startingHashKey()), new BigInteger(r.endingHashKey()));
  }

  public static List<StreamRecord> records(List<Record> records) {
    List<StreamRecord> result = new ArrayList<>(records.size());
    for (Record r : records) {
      Instant arrival =
          r.approximateArrivalTimestamp() != null ? r.approximateArrivalTimestamp() : Instant.EPOCH;
      // The SDK hands over a fresh array per record; no need to copy it again.
      result.add(
          new StreamRecord(
              r.sequenceNumber(), arrival, r.partitionKey(), null, r.data().asByteArrayUnsafe()));
    }
    return result;
  }

  public static ShardEvent shardEvent(SubscribeToShardEvent e) {
    return new ShardEvent(
        records(e.records()),
        Optional.ofNullable(e.continuationSequenceNumber()),
        e.millisBehindLatest() != null ? e.millisBehindLatest() : 0L,
        childShards(e.childShards()));
  }

  public static StreamDescription streamDescription(StreamDescriptionSummary s) {
    StreamMode mode =
        s.streamModeDetails() != null
                && "ON_DEMAND".equals(s.streamModeDetails().streamModeAsString())
            ? StreamMode.ON_DEMAND
            : StreamMode.PROVISIONED;
    return new StreamDescription(
        s.streamName(),
        s.streamARN(),
        StreamStatus.valueOf(s.streamStatusAsString()),
        mode,
        s.openShardCount() != null ? s.openShardCount() : 0,
        Duration.ofHours(s.retentionPeriodHours() != null ? s.retentionPeriodHours() : 24),
        s.streamCreationTimestamp() != null ? s.streamCreationTimestamp() : Instant.EPOCH,
        s.consumerCount() != null ? s.consumerCount() : 0);
  }

  public static StreamConsumer consumer(ConsumerDescription c) {
    return new StreamConsumer(
        c.consumerName(),
        c.consumerARN(),
        ConsumerStatus.valueOf(c.consumerStatusAsString()),
        c.consumerCreationTimestamp() != null ? c.consumerCreationTimestamp() : Instant.EPOCH);
  }

  public static StreamConsumer consumer(Consumer c) {
    return new StreamConsumer(
        c.consumerName(),
        c.consumerARN(),
        ConsumerStatus.valueOf(c.consumerStatusAsString()),
        c.consumerCreationTimestamp() != null ? c.consumerCreationTimestamp() : Instant.EPOCH);
  }

  public static ShardIteratorType iteratorType(StartingPosition.Type type) {
    return ShardIteratorType.fromValue(type.name());
  }

  public static software.amazon.awssdk.services.kinesis.model.StartingPosition startingPosition(
      StartingPosition position) {
    return software.amazon.awssdk.services.kinesis.model.StartingPosition.builder()
        .type(position.type().name())
        .sequenceNumber(position.sequenceNumber().orElse(null))
        .timestamp(position.timestamp().orElse(null))
        .build();
  }

  /** Returns the SDK filter, or null for {@code ALL}, which Kinesis expresses by sending none. */
  public static software.amazon.awssdk.services.kinesis.model.ShardFilter shardFilter(
      io.kinesislite.transport.ShardFilter filter) {
    if (filter.type() == io.kinesislite.transport.ShardFilter.Type.ALL) {
      return null;
    }
    return software.amazon.awssdk.services.kinesis.model.ShardFilter.builder()
        .type(ShardFilterType.fromValue(filter.type().name()))
        .shardId(filter.shardId().orElse(null))
        .timestamp(filter.timestamp().orElse(null))
        .build();
  }
}
