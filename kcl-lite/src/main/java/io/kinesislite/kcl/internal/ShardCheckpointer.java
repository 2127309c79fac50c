package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.LeaseLostException;
import io.kinesislite.kcl.LeaseStore;
import java.util.Objects;

/**
 * The checkpointer a shard's processor gets: writes go through the lease coordinator, under the
 * lease's lock, and only while this worker still validly holds the lease. Positions are checked
 * against what was delivered, so a processor cannot checkpoint past records it has not seen.
 *
 * <p>Thread-safe.
 */
final class ShardCheckpointer implements Checkpointer {
  private final String shardId;
  private final LeaseCoordinator coordinator;
  private final LeaseStore store;
  private final ConsumerMetrics metrics;
  private volatile Checkpoint lastDelivered; // null until a record is delivered
  private volatile boolean shardEnded;

  ShardCheckpointer(
      String shardId, LeaseCoordinator coordinator, LeaseStore store, ConsumerMetrics metrics) {
    this.shardId = shardId;
    this.coordinator = coordinator;
    this.store = store;
    this.metrics = metrics;
  }

  /** Sets the last position handed to the processor; returns the one before, to undo it with. */
  Checkpoint delivered(Checkpoint position) {
    Checkpoint before = lastDelivered;
    lastDelivered = position;
    return before;
  }

  void shardEnded() {
    shardEnded = true;
  }

  @Override
  public void checkpoint() {
    if (shardEnded) {
      write(Checkpoint.SHARD_END, false);
    } else {
      Checkpoint last = lastDelivered;
      // After a failed batch is undone, what the processor was given may lie behind a checkpoint
      // it wrote inside that batch: never move the checkpoint backwards.
      if (last != null && !behindCurrent(last)) {
        write(last, false);
      }
    }
  }

  @Override
  public void checkpoint(Checkpoint position) {
    write(check(position), false);
  }

  @Override
  public PreparedCheckpoint prepareCheckpoint(Checkpoint position) {
    Checkpoint pending = check(position);
    write(pending, true);
    return new PreparedCheckpoint() {
      @Override
      public Checkpoint pending() {
        return pending;
      }

      @Override
      public void checkpoint() {
        write(pending, false);
      }
    };
  }

  private boolean behindCurrent(Checkpoint position) {
    Checkpoint current = current();
    return !current.isSentinel() && position.compareTo(current) < 0;
  }

  @Override
  public Checkpoint current() {
    return coordinator
        .held(shardId)
        .map(h -> h.lease().checkpoint())
        .orElseThrow(() -> lost("read the checkpoint of"));
  }

  private Checkpoint check(Checkpoint position) {
    Objects.requireNonNull(position, "position == null");
    if (position.isShardEnd()) {
      if (!shardEnded) {
        throw new IllegalArgumentException(
            "SHARD_END may be checkpointed only once shard " + shardId + " has ended");
      }
      return position;
    }
    Checkpoint last = lastDelivered;
    if (position.isSentinel() || last == null || position.compareTo(last) > 0) {
      throw new IllegalArgumentException(
          "checkpoint "
              + position
              + " of shard "
              + shardId
              + " is past the last record delivered ("
              + (last == null ? "none yet" : last)
              + ")");
    }
    Checkpoint current = current();
    if (!current.isSentinel() && position.compareTo(current) < 0) {
      throw new IllegalArgumentException(
          "checkpoint " + position + " of shard " + shardId + " is before the current " + current);
    }
    return position;
  }

  private void write(Checkpoint position, boolean prepare) {
    LeaseCoordinator.Held held = coordinator.held(shardId).orElseThrow(() -> lost("checkpoint"));
    long start = System.nanoTime();
    coordinator.write(
        held,
        lease ->
            prepare ? store.prepareCheckpoint(lease, position) : store.checkpoint(lease, position));
    metrics.checkpointed(java.time.Duration.ofNanos(System.nanoTime() - start));
  }

  private LeaseLostException lost(String what) {
    return new LeaseLostException(
        "cannot " + what + " shard " + shardId + ": this worker no longer holds its lease");
  }
}
