package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.HashKeyRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link LeaseStore} shares: the KCL's lease-table semantics (conditional
 * writes fenced by the lease counter). A store passes by subclassing this and implementing {@link
 * #openStore()}.
 *
 * <pre>{@code
 * class EmbeddedLeaseStoreTest extends LeaseStoreContract {
 *   @Override
 *   protected LeaseStore openStore() {
 *     return EmbeddedLeaseStore.inMemory();
 *   }
 * }
 * }</pre>
 *
 * <p>The contract opens one store per test (and calls {@link LeaseStore#ensureTable()} on it) and
 * closes every store it opened after the test; a subclass that needs more cleanup (dropping a
 * table, say) does it in its own {@code @AfterEach}.
 */
public abstract class LeaseStoreContract {
  /** A realistic Kinesis sequence number (56 digits). */
  protected static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588898";

  protected static final String SEQ_2 = "49590338271490256608559692540925702759324208523137515618";

  protected static final String SHARD = "shardId-000000000007";

  private final List<LeaseStore> opened = new ArrayList<>();
  private LeaseStore store;

  /**
   * Returns a new store over a fresh, empty table, used by one test only. {@link
   * LeaseStore#ensureTable()} need not have been called; the contract calls it.
   */
  protected abstract LeaseStore openStore();

  /** The store of the running test, opened and made ready before it. */
  protected final LeaseStore store() {
    return store;
  }

  /** Opens a store through {@link #openStore()} and closes it after the test. */
  protected final LeaseStore openAndTrack() {
    LeaseStore s = openStore();
    opened.add(s);
    return s;
  }

  @BeforeEach
  final void openContractStore() {
    store = openAndTrack();
    store.ensureTable();
  }

  @AfterEach
  final void closeContractStores() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    opened.clear();
  }

  // ---------------------------------------------------------------- fixtures

  /** A new, unowned lease as shard discovery creates it. */
  protected static Lease newLease(String shardId) {
    return Lease.newLease(
        shardId,
        Checkpoint.TRIM_HORIZON,
        Set.of("shardId-000000000001"),
        new HashKeyRange(BigInteger.ZERO, HashKeyRange.MAX_HASH_KEY.shiftRight(1)));
  }

  /** A lease with every field set to a non-default value. */
  protected static Lease fullLease(String shardId) {
    return new Lease(
        shardId,
        Optional.of("worker-a"),
        42,
        Checkpoint.at(SEQ_1, 3),
        Optional.of(Checkpoint.at(SEQ_2, 5)),
        2,
        Set.of("shardId-000000000001", "shardId-000000000002"),
        Set.of("shardId-000000000009", "shardId-000000000010"),
        Optional.of(
            new HashKeyRange(
                new BigInteger("170141183460469231731687303715884105728"),
                HashKeyRange.MAX_HASH_KEY)),
        Optional.of("worker-b"));
  }

  private Lease created(Lease lease) {
    assertThat(store.createIfAbsent(lease)).isTrue();
    return stored(lease.leaseKey());
  }

  private Lease stored(String leaseKey) {
    return store.get(leaseKey).orElseThrow(() -> new AssertionError("no lease " + leaseKey));
  }

  // ---------------------------------------------------------------- table, create, read

  @Test
  void ensureTableIsIdempotentAndKeepsExistingLeases() {
    store.createIfAbsent(newLease(SHARD));

    store.ensureTable();
    store.ensureTable();

    assertThat(store.list()).containsExactly(newLease(SHARD));
  }

  @Test
  void aFreshTableIsEmpty() {
    assertThat(store.list()).isEmpty();
    assertThat(store.get(SHARD)).isEmpty();
  }

  @Test
  void createIfAbsentCreatesOnceAndLeavesTheRowAloneTheSecondTime() {
    Lease first = newLease(SHARD);
    Lease second = fullLease(SHARD);

    assertThat(store.createIfAbsent(first)).isTrue();
    assertThat(store.createIfAbsent(second)).isFalse();

    assertThat(store.get(SHARD)).contains(first);
  }

  @Test
  void getAndListReturnEveryFieldExactlyAsWritten() {
    Lease full = fullLease(SHARD);
    Lease fresh = newLease("shardId-000000000008");
    store.createIfAbsent(full);
    store.createIfAbsent(fresh);

    assertThat(store.get(SHARD)).contains(full);
    assertThat(store.get("shardId-000000000008")).contains(fresh);
    assertThat(store.list()).containsExactlyInAnyOrder(full, fresh);
  }

  @Test
  void aLeaseWithoutHashRangeParentsOrChildrenRoundTripsAsEmpty() {
    Lease bare =
        new Lease(
            SHARD,
            Optional.empty(),
            0,
            Checkpoint.LATEST,
            Optional.empty(),
            0,
            Set.of(),
            Set.of(),
            Optional.empty(),
            Optional.empty());
    store.createIfAbsent(bare);

    Lease read = stored(SHARD);
    assertThat(read).isEqualTo(bare);
    assertThat(read.parentShardIds()).isEmpty();
    assertThat(read.childShardIds()).isEmpty();
    assertThat(read.hashKeyRange()).isEmpty();
    assertThat(read.owner()).isEmpty();
    assertThat(read.checkpointOwner()).isEmpty();
    assertThat(read.pendingCheckpoint()).isEmpty();
  }

  // ---------------------------------------------------------------- take

  @Test
  void takingAnUnownedLeaseSetsTheOwnerRaisesTheCounterAndCountsNoSwitchAsTheKclDoes() {
    Lease observed = created(newLease(SHARD));

    Lease taken = store.take(observed, "worker-1");

    assertThat(taken.owner()).contains("worker-1");
    assertThat(taken.counter()).isEqualTo(observed.counter() + 1);
    assertThat(taken.ownerSwitchesSinceCheckpoint())
        .isEqualTo(observed.ownerSwitchesSinceCheckpoint());
    assertThat(taken.checkpoint()).isEqualTo(observed.checkpoint());
    assertThat(taken.parentShardIds()).isEqualTo(observed.parentShardIds());
    assertThat(taken.hashKeyRange()).isEqualTo(observed.hashKeyRange());
    assertThat(store.get(SHARD)).contains(taken);
  }

  @Test
  void takingFromAnotherOwnerCountsASwitchAndEndsAHandOff() {
    Lease observed = created(fullLease(SHARD)); // owner worker-a, checkpointOwner worker-b

    Lease taken = store.take(observed, "worker-1");

    assertThat(taken.owner()).contains("worker-1");
    assertThat(taken.counter()).isEqualTo(43);
    assertThat(taken.ownerSwitchesSinceCheckpoint()).isEqualTo(3);
    assertThat(taken.checkpointOwner()).isEmpty();
    assertThat(taken.checkpoint()).isEqualTo(observed.checkpoint());
    assertThat(taken.pendingCheckpoint()).isEqualTo(observed.pendingCheckpoint());
    assertThat(taken.childShardIds()).isEqualTo(observed.childShardIds());
    assertThat(store.get(SHARD)).contains(taken);
  }

  @Test
  void reTakingYourOwnLeaseRaisesTheCounterButCountsNoSwitch() {
    Lease mine = store.take(created(newLease(SHARD)), "worker-1");

    Lease again = store.take(mine, "worker-1");

    assertThat(again.owner()).contains("worker-1");
    assertThat(again.counter()).isEqualTo(mine.counter() + 1);
    assertThat(again.ownerSwitchesSinceCheckpoint()).isEqualTo(mine.ownerSwitchesSinceCheckpoint());
    assertThat(store.get(SHARD)).contains(again);
  }

  @Test
  void aStaleCounterLosesTheTakeAndWritesNothing() {
    Lease observed = created(newLease(SHARD));
    Lease winner = store.take(observed, "worker-1");

    assertThatThrownBy(() -> store.take(observed, "worker-2"))
        .isInstanceOf(LeaseLostException.class);

    assertThat(store.get(SHARD)).contains(winner);
  }

  @Test
  @Timeout(30)
  void workersRacingToTakeTheSameObservedLeaseHaveExactlyOneWinner() throws Exception {
    Lease observed = created(newLease(SHARD));
    int workers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      CountDownLatch ready = new CountDownLatch(workers);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Lease>> outcomes = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        String worker = "worker-" + i;
        Callable<Lease> attempt =
            () -> {
              ready.countDown();
              assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
              try {
                return store.take(observed, worker);
              } catch (LeaseLostException lost) {
                return null;
              }
            };
        outcomes.add(pool.submit(attempt));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();

      List<Lease> winners = new ArrayList<>();
      for (Future<Lease> outcome : outcomes) {
        Lease won = getWithin(outcome);
        if (won != null) {
          winners.add(won);
        }
      }
      assertThat(winners).hasSize(1);
      assertThat(winners.get(0).counter()).isEqualTo(observed.counter() + 1);
      assertThat(store.get(SHARD)).contains(winners.get(0));
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static Lease getWithin(Future<Lease> outcome) throws Exception {
    try {
      return outcome.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("a take failed other than by losing the lease", e.getCause());
    }
  }

  // ---------------------------------------------------------------- renew

  @Test
  void renewRaisesTheCounterAndChangesNothingElse() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");

    Lease renewed = store.renew(held);

    assertThat(renewed).isEqualTo(held.withCounter(held.counter() + 1));
    assertThat(store.get(SHARD)).contains(renewed);
    assertThat(store.renew(renewed).counter()).isEqualTo(held.counter() + 2);
  }

  @Test
  void renewFailsAfterAnotherWorkerTookTheLeaseAndWritesNothing() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    Lease stolen = store.take(stored(SHARD), "worker-2");

    assertThatThrownBy(() -> store.renew(held)).isInstanceOf(LeaseLostException.class);

    assertThat(store.get(SHARD)).contains(stolen);
    assertThat(stolen.ownerSwitchesSinceCheckpoint())
        .isEqualTo(held.ownerSwitchesSinceCheckpoint() + 1);
  }

  // ---------------------------------------------------------------- checkpoint

  @Test
  void checkpointSetsItClearsThePendingOneZeroesSwitchesAndRaisesTheCounter() {
    Lease held = store.take(created(fullLease(SHARD)), "worker-1");
    assertThat(held.pendingCheckpoint()).isPresent();
    assertThat(held.ownerSwitchesSinceCheckpoint()).isPositive();

    Lease done = store.checkpoint(held, Checkpoint.at(SEQ_2, 9));

    assertThat(done.checkpoint()).isEqualTo(Checkpoint.at(SEQ_2, 9));
    assertThat(done.pendingCheckpoint()).isEmpty();
    assertThat(done.ownerSwitchesSinceCheckpoint()).isZero();
    assertThat(done.counter()).isEqualTo(held.counter() + 1);
    assertThat(done.owner()).contains("worker-1");
    assertThat(done.parentShardIds()).isEqualTo(held.parentShardIds());
    assertThat(done.childShardIds()).isEqualTo(held.childShardIds());
    assertThat(done.hashKeyRange()).isEqualTo(held.hashKeyRange());
    assertThat(store.get(SHARD)).contains(done);
  }

  @Test
  void aStaleHoldersCheckpointFailsAndWritesNothing() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    Lease stolen = store.take(stored(SHARD), "worker-2");

    assertThatThrownBy(() -> store.checkpoint(held, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> store.prepareCheckpoint(held, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class);

    assertThat(store.get(SHARD)).contains(stolen);
  }

  @Test
  void aPreparedCheckpointIsRecordedThenCommitted() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");

    Lease prepared = store.prepareCheckpoint(held, Checkpoint.at(SEQ_1, 4));

    assertThat(prepared.pendingCheckpoint()).contains(Checkpoint.at(SEQ_1, 4));
    assertThat(prepared.checkpoint()).isEqualTo(Checkpoint.TRIM_HORIZON);
    assertThat(prepared.counter()).isEqualTo(held.counter() + 1);
    assertThat(prepared.owner()).contains("worker-1");
    assertThat(store.get(SHARD)).contains(prepared);

    Lease committed = store.checkpoint(prepared, Checkpoint.at(SEQ_1, 4));

    assertThat(committed.checkpoint()).isEqualTo(Checkpoint.at(SEQ_1, 4));
    assertThat(committed.pendingCheckpoint()).isEmpty();
    assertThat(committed.counter()).isEqualTo(held.counter() + 2);
    assertThat(store.get(SHARD)).contains(committed);
  }

  @Test
  void aShardEndCheckpointRoundTrips() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");

    store.checkpoint(held, Checkpoint.SHARD_END);

    Lease read = stored(SHARD);
    assertThat(read.checkpoint()).isEqualTo(Checkpoint.SHARD_END);
    assertThat(read.checkpoint().isShardEnd()).isTrue();
    assertThat(read.checkpoint().subSequenceNumber()).isZero();
  }

  // ---------------------------------------------------------------- release

  @Test
  void releaseLeavesTheLeaseUnownedWithARaisedCounter() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    held = store.checkpoint(held, Checkpoint.at(SEQ_1, 2));

    Lease released = store.release(held);

    assertThat(released.owner()).isEmpty();
    assertThat(released.counter()).isEqualTo(held.counter() + 1);
    assertThat(released.checkpoint()).isEqualTo(Checkpoint.at(SEQ_1, 2));
    assertThat(store.get(SHARD)).contains(released);
    assertThat(store.take(released, "worker-2").owner()).contains("worker-2");
  }

  @Test
  void aStaleHolderCannotReleaseAndWritesNothing() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    Lease stolen = store.take(stored(SHARD), "worker-2");

    assertThatThrownBy(() -> store.release(held)).isInstanceOf(LeaseLostException.class);

    assertThat(store.get(SHARD)).contains(stolen);
  }

  // ---------------------------------------------------------------- graceful hand-off

  @Test
  void aHandOffNamesTheNewOwnerAndKeepsTheCounterSoTheHolderStillRenewsAndCheckpoints() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");

    Lease handed = store.handOff(stored(SHARD), "worker-2");

    assertThat(handed.owner()).contains("worker-2");
    assertThat(handed.checkpointOwner()).contains("worker-1");
    assertThat(handed.counter()).isEqualTo(held.counter());
    assertThat(store.get(SHARD)).contains(handed);
    Lease renewed = store.renew(held);
    assertThat(renewed.owner()).as("the renewal shows the hand-off").contains("worker-2");
    assertThat(renewed.checkpointOwner()).contains("worker-1");
    Lease checkpointed = store.checkpoint(renewed, Checkpoint.at(SEQ_1, 0));
    assertThat(checkpointed.checkpoint()).isEqualTo(Checkpoint.at(SEQ_1, 0));
    assertThat(checkpointed.checkpointOwner()).contains("worker-1");
  }

  @Test
  void releasingALeaseInHandOffLeavesItToTheNewOwner() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    held = store.renew(held);
    store.handOff(stored(SHARD), "worker-2");
    held = store.checkpoint(held, Checkpoint.at(SEQ_1, 4)); // the copy now shows the hand-off

    Lease released = store.release(held);

    assertThat(released.owner()).contains("worker-2");
    assertThat(released.checkpointOwner()).isEmpty();
    assertThat(released.counter()).isEqualTo(held.counter() + 1);
    assertThat(released.checkpoint()).isEqualTo(Checkpoint.at(SEQ_1, 4));
    assertThat(store.get(SHARD)).contains(released);
    Lease taken = store.take(released, "worker-2");
    assertThat(taken.owner()).contains("worker-2");
    assertThat(taken.ownerSwitchesSinceCheckpoint()).isZero();
  }

  @Test
  void aReleaseFromACopyReadBeforeTheHandOffStillLeavesTheLeaseToTheNewOwner() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    store.handOff(stored(SHARD), "worker-2"); // after `held` was read; the counter did not move

    Lease released = store.release(held);

    assertThat(released.owner()).as("not left unowned").contains("worker-2");
    assertThat(released.checkpointOwner()).isEmpty();
    assertThat(store.get(SHARD)).contains(released);
  }

  @Test
  void aSecondHandOffOrOneFromAStaleOwnerIsRefusedAndWritesNothing() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    Lease observed = stored(SHARD);
    Lease handed = store.handOff(observed, "worker-2");

    assertThatThrownBy(() -> store.handOff(observed, "worker-3"))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining(SHARD);
    assertThat(store.get(SHARD)).contains(handed);

    Lease retaken = store.take(stored(SHARD), "worker-3"); // ends the hand-off
    assertThatThrownBy(() -> store.handOff(held, "worker-2"))
        .as("worker-1 no longer owns it")
        .isInstanceOf(LeaseLostException.class);
    assertThat(store.get(SHARD)).contains(retaken);
  }

  @Test
  void aHandOffOfAnUnownedLeaseOrToItsOwnOwnerIsABadArgument() {
    Lease unowned = created(newLease(SHARD));
    assertThatThrownBy(() -> store.handOff(unowned, "worker-2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no owner");
    Lease held = store.take(unowned, "worker-1");
    assertThatThrownBy(() -> store.handOff(held, "worker-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already owned by worker-1");
    assertThat(store.get(SHARD)).contains(held);
  }

  // ---------------------------------------------------------------- child shards, delete

  @Test
  void recordingChildShardsLeavesTheCounterSoTheHolderKeepsTheLease() {
    Lease held = store.take(created(newLease(SHARD)), "worker-1");
    held = store.checkpoint(held, Checkpoint.SHARD_END);

    store.recordChildShards(SHARD, Set.of("shardId-000000000011", "shardId-000000000012"));

    Lease read = stored(SHARD);
    assertThat(read)
        .isEqualTo(held.withChildShardIds(Set.of("shardId-000000000011", "shardId-000000000012")));
    store.renew(held);
    assertThat(stored(SHARD).childShardIds())
        .containsExactlyInAnyOrder("shardId-000000000011", "shardId-000000000012");
    assertThat(stored(SHARD).counter()).isEqualTo(held.counter() + 1);
  }

  @Test
  void recordingAnEmptySetOfChildShardsRemovesThem() {
    created(newLease(SHARD));
    store.recordChildShards(SHARD, Set.of("shardId-000000000011"));

    store.recordChildShards(SHARD, Set.of());

    assertThat(stored(SHARD).childShardIds()).isEmpty();
  }

  @Test
  void recordingChildShardsOfAMissingLeaseLosesItAndCreatesNothing() {
    assertThatThrownBy(() -> store.recordChildShards(SHARD, Set.of("shardId-000000000011")))
        .isInstanceOf(LeaseLostException.class);
    assertThat(store.get(SHARD)).isEmpty();
  }

  @Test
  void deleteRemovesTheLeaseAndIgnoresAMissingOne() {
    store.createIfAbsent(newLease(SHARD));
    store.createIfAbsent(newLease("shardId-000000000008"));

    store.delete(SHARD);
    store.delete(SHARD);
    store.delete("shardId-000000000099");

    assertThat(store.get(SHARD)).isEmpty();
    assertThat(store.list()).containsExactly(newLease("shardId-000000000008"));
    assertThat(store.createIfAbsent(newLease(SHARD))).isTrue();
  }

  @Test
  void writesToAMissingLeaseLoseItAndCreateNothing() {
    Lease ghost = store.take(created(newLease(SHARD)), "worker-1");
    store.delete(SHARD);

    assertThatThrownBy(() -> store.renew(ghost)).isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> store.take(ghost, "worker-2")).isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> store.checkpoint(ghost, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> store.prepareCheckpoint(ghost, Checkpoint.at(SEQ_1, 0)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> store.release(ghost)).isInstanceOf(LeaseLostException.class);

    assertThat(store.get(SHARD)).isEmpty();
    assertThat(store.list()).isEmpty();
  }
}
