package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.util.List;

/**
 * Reads one shard for its consumer, page by page, from a position the consumer keeps: by polling
 * get-records ({@link PollingReader}) or through an enhanced fan-out subscription ({@link
 * FanOutReader}). Used by one thread at a time.
 */
interface ShardReader extends AutoCloseable {
  /** One read: records in shard order, and whether the shard ended with them. */
  record Page(
      List<StreamRecord> records, long millisBehind, boolean shardEnd, List<ChildShard> children) {}

  /**
   * Returns the next page, waiting at most {@code maxWaitMillis} for records to come (an empty page
   * if none came); throws the transport's exception when a read failed, after which the next call
   * starts again from {@code position}.
   */
  Page next(Checkpoint position, long maxWaitMillis);

  @Override
  void close();

  /** Returns where to start reading so that nothing after {@code position} is missed. */
  static StartingPosition startAfter(Checkpoint position, ConsumerConfig config) {
    if (position.equals(Checkpoint.TRIM_HORIZON)) {
      return StartingPosition.trimHorizon();
    }
    if (position.equals(Checkpoint.LATEST)) {
      return StartingPosition.latest();
    }
    if (position.equals(Checkpoint.AT_TIMESTAMP)) {
      return config.initialPosition().timestamp() != null
          ? StartingPosition.atTimestamp(config.initialPosition().timestamp())
          : StartingPosition.trimHorizon();
    }
    // At, not after: the rest of an aggregate checkpointed in its middle is still to come; the
    // consumer skips what the position covers.
    return StartingPosition.atSequenceNumber(position.sequenceNumber());
  }
}
