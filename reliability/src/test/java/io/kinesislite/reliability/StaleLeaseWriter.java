package io.kinesislite.reliability;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseLostException;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.transport.KinesisLiteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A competing "worker" with a stale view of a lease: it reads a lease, waits until the lease's
 * owner has written to it (its counter moved on), and then tries every write a worker makes about
 * ownership or progress with the old counter: take, renew, checkpoint (backwards, to TRIM_HORIZON),
 * prepare a checkpoint, release. Each must fail with {@link LeaseLostException} and change nothing.
 *
 * <p>The holder's writes (renew, checkpoints, release) are made as a worker that believes it holds
 * the lease under its own id, like one that held it before a long pause. Made under the owner's id
 * instead, a write exactly one counter behind is one the store cannot tell from the SDK retrying
 * the owner's own write that had succeeded: {@code DynamoDbLeaseStore} then answers with the row as
 * it stands and writes nothing, by design; that is no fencing failure and is not tried here.
 *
 * <p>Not thread-safe; one campaign thread drives it.
 */
final class StaleLeaseWriter {
  /** The writes one round tries. */
  static final int WRITES_PER_ROUND = 5;

  private final LeaseStore store;
  private final String intruder;
  private long refused;
  private long unanswered;
  private final List<String> accepted = new ArrayList<>();

  StaleLeaseWriter(LeaseStore store, String intruder) {
    this.store = store;
    this.intruder = intruder;
  }

  /**
   * One round against {@code shardId}: reads the lease, waits up to {@code wait} for its counter to
   * move, then makes the stale writes.
   *
   * @throws AssertionError if the counter did not move within {@code wait}
   */
  void round(String shardId, Duration wait) {
    Lease[] read = new Lease[1];
    Eventually.within(wait, "a read of the lease of " + shardId, () -> read(shardId, read));
    Lease stale = read[0];
    Eventually.within(
        wait,
        "the lease of " + shardId + " to be written by its owner after counter " + stale.counter(),
        () -> movedOn(stale));
    attempt("take", stale, l -> store.take(l, intruder));
    Lease believedHeld = stale.withOwner(Optional.of(intruder));
    attempt("renew", believedHeld, store::renew);
    attempt(
        "checkpoint TRIM_HORIZON", believedHeld, l -> store.checkpoint(l, Checkpoint.TRIM_HORIZON));
    attempt(
        "prepareCheckpoint TRIM_HORIZON",
        believedHeld,
        l -> store.prepareCheckpoint(l, Checkpoint.TRIM_HORIZON));
    attempt("release", believedHeld, store::release);
  }

  private boolean read(String shardId, Lease[] into) {
    try {
      into[0] = store.get(shardId).orElseThrow(() -> new AssertionError("no lease " + shardId));
      return true;
    } catch (KinesisLiteException e) {
      return false; // a slow or failed read (DynamoDB Local just restarted): ask again
    }
  }

  private boolean movedOn(Lease stale) {
    try {
      return store.get(stale.leaseKey()).map(l -> l.counter() > stale.counter()).orElse(false);
    } catch (KinesisLiteException e) {
      return false; // a slow or failed read: ask again
    }
  }

  private void attempt(String what, Lease stale, UnaryOperator<Lease> write) {
    try {
      Lease written = write.apply(stale);
      accepted.add(
          what
              + " of "
              + stale.leaseKey()
              + " with stale counter "
              + stale.counter()
              + " was accepted: "
              + written);
    } catch (LeaseLostException e) {
      refused++;
    } catch (KinesisLiteException e) {
      // The store did not answer in time: whether it wrote is unknown, so this write counts as
      // neither refused nor accepted; a write it did make would show in the lease table.
      unanswered++;
    }
  }

  /** Stale writes the store refused, as it must. */
  long refused() {
    return refused;
  }

  /** Stale writes the store did not answer in time. */
  long unanswered() {
    return unanswered;
  }

  /** Stale writes the store accepted: each one is a fencing failure. */
  List<String> accepted() {
    return List.copyOf(accepted);
  }
}
