package io.kinesislite.kcl;

import io.kinesislite.transport.HashKeyRange;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the lease table: who processes a shard, how far it got, and where the shard sits in
 * the stream's lineage. The fields are the KCL's lease attributes (reference: the KCL's {@code
 * DynamoDBLeaseSerializer}), so a table can be shared with the KCL. Immutable; the {@code with}
 * methods return changed copies.
 *
 * @param leaseKey the shard id ({@code leaseKey})
 * @param owner the worker holding it; empty when unassigned ({@code leaseOwner})
 * @param counter the fencing token: every ownership write is conditional on it and raises it, and
 *     renewals raise it too, so a lease whose counter stands still has an owner that stopped
 *     ({@code leaseCounter})
 * @param checkpoint how far processing got ({@code checkpoint}, {@code
 *     checkpointSubSequenceNumber})
 * @param pendingCheckpoint a checkpoint prepared but not yet committed ({@code pendingCheckpoint},
 *     {@code pendingCheckpointSubSequenceNumber})
 * @param ownerSwitchesSinceCheckpoint how often the owner changed since the last checkpoint
 * @param parentShardIds the shards it came from: one after a split, two after a merge ({@code
 *     parentShardId}, a string set)
 * @param childShardIds the shards it became, known once it ended ({@code childShardIds})
 * @param hashKeyRange the shard's hash-key range, if known ({@code startingHashKey}, {@code
 *     endingHashKey})
 * @param checkpointOwner set by the KCL 3.x during a graceful hand-off: the previous owner, which
 *     may still checkpoint; kcl-lite reads it and clears it when it takes the lease
 */
public record Lease(
    String leaseKey,
    Optional<String> owner,
    long counter,
    Checkpoint checkpoint,
    Optional<Checkpoint> pendingCheckpoint,
    long ownerSwitchesSinceCheckpoint,
    Set<String> parentShardIds,
    Set<String> childShardIds,
    Optional<HashKeyRange> hashKeyRange,
    Optional<String> checkpointOwner) {

  public Lease {
    Objects.requireNonNull(leaseKey, "leaseKey == null");
    if (leaseKey.isEmpty()) {
      throw new IllegalArgumentException("leaseKey must not be empty");
    }
    Objects.requireNonNull(owner, "owner == null");
    Objects.requireNonNull(checkpoint, "checkpoint == null");
    Objects.requireNonNull(pendingCheckpoint, "pendingCheckpoint == null");
    parentShardIds = Set.copyOf(parentShardIds);
    childShardIds = Set.copyOf(childShardIds);
    Objects.requireNonNull(hashKeyRange, "hashKeyRange == null");
    Objects.requireNonNull(checkpointOwner, "checkpointOwner == null");
    if (counter < 0) {
      throw new IllegalArgumentException("counter must be >= 0: " + counter);
    }
  }

  /**
   * Returns a new, unowned lease for a shard, as shard discovery creates it: counter 0, starting at
   * {@code initial} (a sentinel such as TRIM_HORIZON, or a sequence number).
   */
  public static Lease newLease(
      String shardId, Checkpoint initial, Set<String> parentShardIds, HashKeyRange range) {
    return new Lease(
        shardId,
        Optional.empty(),
        0,
        initial,
        Optional.empty(),
        0,
        parentShardIds,
        Set.of(),
        Optional.ofNullable(range),
        Optional.empty());
  }

  /** Returns true if {@code worker} holds it, as far as this copy knows. */
  public boolean isOwnedBy(String worker) {
    return owner.isPresent() && owner.get().equals(worker);
  }

  public Lease withOwner(Optional<String> newOwner) {
    return new Lease(
        leaseKey,
        newOwner,
        counter,
        checkpoint,
        pendingCheckpoint,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withCounter(long newCounter) {
    return new Lease(
        leaseKey,
        owner,
        newCounter,
        checkpoint,
        pendingCheckpoint,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withCheckpoint(Checkpoint newCheckpoint) {
    return new Lease(
        leaseKey,
        owner,
        counter,
        newCheckpoint,
        pendingCheckpoint,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withPendingCheckpoint(Optional<Checkpoint> pending) {
    return new Lease(
        leaseKey,
        owner,
        counter,
        checkpoint,
        pending,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withOwnerSwitchesSinceCheckpoint(long switches) {
    return new Lease(
        leaseKey,
        owner,
        counter,
        checkpoint,
        pendingCheckpoint,
        switches,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withChildShardIds(Set<String> children) {
    return new Lease(
        leaseKey,
        owner,
        counter,
        checkpoint,
        pendingCheckpoint,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        children,
        hashKeyRange,
        checkpointOwner);
  }

  public Lease withCheckpointOwner(Optional<String> previousOwner) {
    return new Lease(
        leaseKey,
        owner,
        counter,
        checkpoint,
        pendingCheckpoint,
        ownerSwitchesSinceCheckpoint,
        parentShardIds,
        childShardIds,
        hashKeyRange,
        previousOwner);
  }
}
