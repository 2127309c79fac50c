package io.kinesislite.kcl;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where leases live: a table of {@link Lease} rows, one per shard, written only with conditional
 * writes so that workers sharing it never overwrite each other. Every write that concerns ownership
 * or progress is conditional on the lease's {@link Lease#counter() counter} and raises it by one; a
 * caller holding a stale copy loses with {@link LeaseLostException} and nothing is written.
 *
 * <p>Implementations: {@code DynamoDbLeaseStore} (a KCL-compatible DynamoDB table) and {@code
 * EmbeddedLeaseStore} (in memory, or in a file beside the embedded engine's data). Both pass one
 * contract test suite. Calls block; they throw {@link LeaseStoreException} when the store cannot be
 * reached or throttles, in which case the write may or may not have happened.
 *
 * <pre>{@code
 * try (LeaseStore leases = DynamoDbLeaseStore.create(dynamoDb, "orders-app")) {
 *   leases.ensureTable();
 *   leases.createIfAbsent(Lease.newLease("shardId-000000000000", Checkpoint.TRIM_HORIZON,
 *       Set.of(), null));
 *   Lease mine = leases.take(leases.get("shardId-000000000000").orElseThrow(), "worker-1");
 *   mine = leases.checkpoint(mine, Checkpoint.at("4960...", 0));
 * }
 * }</pre>
 *
 * <p>Every write returns the lease as it is now stored. Writes change only the attributes they
 * name, so attributes a KCL worker keeps in the same row and kcl-lite does not model (such as
 * {@code throughputKBps} or {@code pendingCheckpointState}) survive, except where a write's Javadoc
 * says it removes them. {@link #close()} may be called more than once; other calls after it throw
 * {@link IllegalStateException}.
 *
 * <p>Implementations are thread-safe. Callers serialize the writes to one lease themselves (as the
 * KCL does), or lose races against their own renewals.
 */
public interface LeaseStore extends AutoCloseable {
  /** Creates the table if it does not exist and waits until it can be used. Idempotent. */
  void ensureTable();

  /** Returns every lease, in no particular order; rows that are not leases are skipped. */
  List<Lease> list();

  /** Returns the lease of a shard, if there is one. */
  Optional<Lease> get(String leaseKey);

  /** Creates a lease unless one with its key exists; returns whether it created it. */
  boolean createIfAbsent(Lease lease);

  /**
   * Renews a lease this worker holds: raises the counter if it is still {@code held.counter()}.
   *
   * @throws LeaseLostException if the counter moved (another worker took it), or the lease is gone
   */
  Lease renew(Lease held);

  /**
   * Takes a lease for {@code owner}, unowned, expired or stolen, if its counter is still {@code
   * observed.counter()}: sets the owner, raises the counter, counts an owner switch when the owner
   * changes ({@link #countsAsOwnerSwitch}), and ends a KCL 3.x hand-off (clears {@code
   * checkpointOwner}).
   *
   * @throws LeaseLostException if the counter moved meanwhile, or the lease is gone
   */
  Lease take(Lease observed, String owner);

  /**
   * Starts a graceful hand-off of another worker's lease to {@code newOwner}, as a KCL 3.x worker
   * does: if the lease is still owned by {@code observed.owner()} and no hand-off is in progress,
   * sets {@code leaseOwner} to {@code newOwner} and {@code checkpointOwner} to the current owner,
   * without raising the counter. The current owner keeps the lease (its renewals and checkpoints
   * still succeed, and return the lease with the hand-off on it) until it has finished its batch,
   * checkpointed and called {@link #release}; the new owner then takes it. Nothing is read or
   * written twice, where a {@link #take} while the owner is mid-batch has both process that batch.
   *
   * @throws LeaseLostException if the owner changed, a hand-off is already in progress, or the
   *     lease is gone; nothing is written
   * @throws IllegalArgumentException if {@code observed} has no owner, or {@code newOwner} is it
   */
  Lease handOff(Lease observed, String newOwner);

  /**
   * Gives up a lease this worker holds, if the counter is still {@code held.counter()}: leaves it
   * unowned for any worker to take at once, or, while a {@link #handOff} of it is in progress (the
   * stored {@code checkpointOwner} is the holder), ends the hand-off by clearing {@code
   * checkpointOwner}, leaving it to its new owner. Raises the counter.
   *
   * @throws LeaseLostException if the counter moved (it was no longer ours to give), or the lease
   *     is gone
   */
  Lease release(Lease held);

  /**
   * Records progress: sets the checkpoint, clears the pending checkpoint (and the KCL's
   * pendingCheckpointState), zeroes the owner switches and raises the counter, if the counter is
   * still {@code held.counter()}.
   *
   * @throws LeaseLostException if the counter moved, or the lease is gone; nothing is written
   */
  Lease checkpoint(Lease held, Checkpoint checkpoint);

  /**
   * Records a prepared checkpoint ({@code pendingCheckpoint}), to be committed later with {@link
   * #checkpoint}; raises the counter if it is still {@code held.counter()}.
   *
   * @throws LeaseLostException if the counter moved, or the lease is gone; nothing is written
   */
  Lease prepareCheckpoint(Lease held, Checkpoint pending);

  /**
   * Records the shards a closed shard became (an empty set removes them). Not conditional on the
   * counter (it is a fact about the shard, not about ownership) and does not raise it.
   *
   * @throws LeaseLostException if the lease is gone; nothing is created
   */
  void recordChildShards(String leaseKey, Set<String> childShardIds);

  /** Deletes a lease, for example of a shard past the stream's retention. Unconditional. */
  void delete(String leaseKey);

  /**
   * Returns whether taking {@code observed} for {@code newOwner} counts as an owner switch, as the
   * KCL counts it: the lease had another owner, or the new owner is the one a KCL 3.x hand-off was
   * moving it from. Taking an unowned lease is not a switch.
   */
  static boolean countsAsOwnerSwitch(Lease observed, String newOwner) {
    return (observed.owner().isPresent() && !observed.isOwnedBy(newOwner))
        || observed.checkpointOwner().equals(java.util.Optional.of(newOwner));
  }

  /**
   * Checks the arguments of a {@link #handOff} and returns the owner the lease is handed off from.
   *
   * @throws IllegalArgumentException if {@code observed} has no owner, or {@code newOwner} is empty
   *     or its owner
   */
  static String checkHandOff(Lease observed, String newOwner) {
    java.util.Objects.requireNonNull(observed, "observed == null");
    java.util.Objects.requireNonNull(newOwner, "newOwner == null");
    if (newOwner.isEmpty()) {
      throw new IllegalArgumentException("newOwner must not be empty");
    }
    String from =
        observed
            .owner()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "lease " + observed.leaseKey() + " has no owner to hand it off"));
    if (from.equals(newOwner)) {
      throw new IllegalArgumentException(
          "lease " + observed.leaseKey() + " is already owned by " + newOwner);
    }
    return from;
  }

  /** Releases the store's resources; does not delete anything. */
  @Override
  void close();
}
