package io.kinesislite.kcl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lease coordination driven step by step with a fake monotonic clock and the in-memory store. */
class LeaseCoordinatorTest {
  private static final Duration FAILOVER = Duration.ofSeconds(10);
  private static final Duration RENEW = FAILOVER.dividedBy(3);
  private static final Duration HAND_OFF_TIMEOUT = Duration.ofSeconds(30);

  private final EmbeddedLeaseStore store = EmbeddedLeaseStore.inMemory();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Map<String, LeaseCoordinator> workers = new TreeMap<>();
  private final Map<String, List<String>> gained = new HashMap<>();
  private final Map<String, List<String>> lost = new HashMap<>();
  private final Map<String, List<String>> handOffsRequested = new HashMap<>();
  // Workers whose consumers hand a lease over the moment they are asked (as a finished batch does).
  private final Set<String> releaseWhenAsked = new java.util.HashSet<>();

  @AfterEach
  void close() {
    store.close();
  }

  private void shards(int count) {
    store.ensureTable();
    for (int i = 0; i < count; i++) {
      store.createIfAbsent(
          Lease.newLease(
              String.format("shardId-%012d", i), Checkpoint.TRIM_HORIZON, Set.of(), null));
    }
  }

  private LeaseCoordinator worker(String id) {
    return worker(id, store);
  }

  private LeaseCoordinator worker(String id, LeaseStore using) {
    releaseWhenAsked.add(id);
    return worker(id, using, HAND_OFF_TIMEOUT);
  }

  private LeaseCoordinator worker(String id, LeaseStore using, Duration handOffTimeout) {
    gained.put(id, new ArrayList<>());
    lost.put(id, new ArrayList<>());
    handOffsRequested.put(id, new ArrayList<>());
    LeaseCoordinator c =
        new LeaseCoordinator(
            using,
            id,
            FAILOVER,
            RENEW,
            Integer.MAX_VALUE,
            1,
            handOffTimeout,
            nanos::get,
            new Random(id.hashCode()),
            new LeaseCoordinator.Listener() {
              @Override
              public void leaseGained(Lease lease) {
                gained.get(id).add(lease.leaseKey());
              }

              @Override
              public void leaseLost(String leaseKey) {
                lost.get(id).add(leaseKey);
              }

              @Override
              public void handOffRequested(String leaseKey) {
                handOffsRequested.get(id).add(leaseKey);
                if (releaseWhenAsked.contains(id)) {
                  workers.get(id).release(leaseKey);
                }
              }
            });
    workers.put(id, c);
    return c;
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** One cycle of the fleet: three seconds pass, every worker renews, then every one takes. */
  private void cycle() {
    advance(Duration.ofSeconds(3));
    workers.values().forEach(LeaseCoordinator::renew);
    workers.values().forEach(LeaseCoordinator::takeRound);
  }

  private Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    workers.forEach((id, c) -> counts.put(id, c.held().size()));
    return counts;
  }

  private Map<String, Long> ownersInStore() {
    return store.list().stream()
        .filter(l -> l.owner().isPresent())
        .collect(Collectors.groupingBy(l -> l.owner().get(), TreeMap::new, Collectors.counting()));
  }

  @Test
  void aLoneWorkerTakesEveryLeaseInItsFirstRound() {
    shards(4);
    LeaseCoordinator w = worker("w1");
    w.takeRound();
    assertThat(w.held()).hasSize(4);
    assertThat(gained.get("w1")).hasSize(4);
    assertThat(ownersInStore()).containsExactly(Map.entry("w1", 4L));
  }

  @Test
  void threeWorkersStartingTogetherConvergeToFloorOrCeilingAndThenNothingMoves() {
    shards(4);
    worker("w1");
    worker("w2");
    worker("w3");
    for (int i = 0; i < 10; i++) {
      cycle();
    }
    assertThat(counts().values()).containsExactlyInAnyOrder(2, 1, 1);
    int takesBefore = gained.values().stream().mapToInt(List::size).sum();
    int lossesBefore = lost.values().stream().mapToInt(List::size).sum();
    for (int i = 0; i < 20; i++) {
      cycle();
    }
    assertThat(gained.values().stream().mapToInt(List::size).sum())
        .as("no churn once balanced")
        .isEqualTo(takesBefore);
    assertThat(lost.values().stream().mapToInt(List::size).sum()).isEqualTo(lossesBefore);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} shards, {1} workers")
  @org.junit.jupiter.params.provider.CsvSource({
    "1, 3", "2, 2", "5, 2", "7, 3", "8, 4", "13, 5", "20, 3", "3, 5"
  })
  void anyFleetConvergesToFloorOrCeilingAndStaysThere(int shardCount, int workerCount) {
    shards(shardCount);
    for (int w = 1; w <= workerCount; w++) {
      worker("w" + w);
    }
    for (int i = 0; i < 3 * shardCount + 10; i++) {
      cycle();
    }
    int floor = shardCount / workerCount;
    int ceiling = (shardCount + workerCount - 1) / workerCount;
    assertThat(counts().values()).allMatch(c -> c == floor || c == ceiling);
    assertThat(counts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(shardCount);
    int takesBefore = gained.values().stream().mapToInt(List::size).sum();
    for (int i = 0; i < 10; i++) {
      cycle();
    }
    assertThat(gained.values().stream().mapToInt(List::size).sum()).isEqualTo(takesBefore);
  }

  @Test
  void withoutHandOffsAJoiningWorkerStealsOneLeaseARoundUntilBalanced() {
    shards(6);
    LeaseCoordinator w1 = worker("w1", store, Duration.ZERO);
    w1.takeRound();
    assertThat(w1.held()).hasSize(6);
    worker("w2", store, Duration.ZERO);
    List<Integer> w2Counts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cycle();
      w2Counts.add(workers.get("w2").held().size());
    }
    assertThat(w2Counts).as("one steal per round, then stop").startsWith(1, 2, 3).endsWith(3, 3);
    cycle(); // the victim notices at its next renewal
    assertThat(counts()).containsExactly(Map.entry("w1", 3), Map.entry("w2", 3));
    assertThat(lost.get("w1")).hasSize(3);
  }

  @Test
  void aJoiningWorkerIsHandedOneLeaseARoundAndNoOwnerEverLosesOne() {
    shards(6);
    LeaseCoordinator w1 = worker("w1");
    w1.takeRound();
    worker("w2");
    for (int i = 0; i < 10; i++) {
      cycle();
    }
    assertThat(counts()).containsExactly(Map.entry("w1", 3), Map.entry("w2", 3));
    assertThat(handOffsRequested.get("w1")).hasSize(3);
    assertThat(lost.get("w1")).as("handed over, never lost").isEmpty();
    assertThat(workers.get("w2").steals()).isEqualTo(3);
  }

  @Test
  void aStolenLeaseMovesOnlyWhenItsOwnerReleasesIt() {
    shards(2);
    releaseWhenAsked.add("w2");
    LeaseCoordinator w1 = worker("w1", store, HAND_OFF_TIMEOUT); // releases only when told below
    w1.takeRound();
    LeaseCoordinator w2 = worker("w2");
    advance(Duration.ofSeconds(1));
    w2.takeRound();
    Lease asked = store.list().stream().filter(l -> l.isOwnedBy("w2")).findFirst().orElseThrow();
    assertThat(asked.checkpointOwner()).contains("w1");
    assertThat(w2.held()).as("not w2's until w1 lets go").isEmpty();
    assertThat(w1.held()).hasSize(2);

    advance(RENEW);
    w1.renew();
    assertThat(handOffsRequested.get("w1")).containsExactly(asked.leaseKey());
    w2.takeRound();
    assertThat(w2.held()).as("w1 still finishing its batch").isEmpty();
    LeaseCoordinator.Held finishing = w1.held(asked.leaseKey()).orElseThrow();
    w1.write(finishing, l -> store.checkpoint(l, Checkpoint.at("7", 0)));
    w2.pollHandOffs();
    assertThat(w2.held()).as("polled between rounds: not released yet").isEmpty();
    assertThat(w1.release(asked.leaseKey())).isTrue();

    w2.pollHandOffs(); // between rounds: no taking round needed
    assertThat(w2.held()).extracting(h -> h.leaseKey).containsExactly(asked.leaseKey());
    assertThat(gained.get("w2")).containsExactly(asked.leaseKey());
    assertThat(w2.held(asked.leaseKey()).orElseThrow().lease().checkpoint())
        .as("w2 starts where w1 checkpointed")
        .isEqualTo(Checkpoint.at("7", 0));
    assertThat(lost.get("w1")).isEmpty();
    assertThat(w1.held()).hasSize(1);
  }

  @Test
  void aHandOffTheOwnerNeverFinishesIsTakenAfterTheHandOffTimeout() {
    shards(2);
    LeaseCoordinator w1 = worker("w1", store, HAND_OFF_TIMEOUT); // never releases
    w1.takeRound();
    LeaseCoordinator w2 = worker("w2");
    w2.takeRound();
    for (int i = 0; i < 9; i++) { // 27 s: w1 renews, and keeps the lease
      cycle();
      assertThat(w2.held()).isEmpty();
    }
    assertThat(handOffsRequested.get("w1")).hasSize(1);
    cycle(); // 30 s
    assertThat(w2.held()).hasSize(1);
    cycle();
    assertThat(lost.get("w1")).as("w1 finds out at its next renewal").hasSize(1);
    assertThat(counts()).containsExactly(Map.entry("w1", 1), Map.entry("w2", 1));
  }

  @Test
  void aForcedTakeThatFailsLeavesTheHandOffPendingAndTriesAgainNextRound() {
    shards(2);
    LeaseCoordinator w1 = worker("w1", store, HAND_OFF_TIMEOUT); // never releases
    w1.takeRound();
    java.util.concurrent.atomic.AtomicBoolean refuseTakes =
        new java.util.concurrent.atomic.AtomicBoolean();
    LeaseStore takesRefused =
        (LeaseStore)
            java.lang.reflect.Proxy.newProxyInstance(
                LeaseStore.class.getClassLoader(),
                new Class<?>[] {LeaseStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("take") && refuseTakes.get()) {
                    throw new io.kinesislite.kcl.LeaseStoreException(
                        "store unreachable (test)", null, null);
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    LeaseCoordinator w2 = worker("w2", takesRefused);
    w2.takeRound();
    for (int i = 0; i < 9; i++) {
      cycle();
    }
    refuseTakes.set(true);
    cycle(); // 30 s: the forced take fails
    assertThat(w2.held()).isEmpty();
    assertThat(store.list())
        .as("w2 still counts the pending hand-off as its share: it asks for no second lease")
        .filteredOn(l -> l.checkpointOwner().isPresent() || l.isOwnedBy("w2"))
        .hasSize(1);

    refuseTakes.set(false);
    cycle();
    assertThat(w2.held()).as("taken at the next round, without a new timeout").hasSize(1);
  }

  @Test
  void aHandOffFromAnOwnerThatStoppedIsTakenAfterTheFailoverTime() {
    shards(2);
    LeaseCoordinator w1 = worker("w1", store, HAND_OFF_TIMEOUT);
    w1.takeRound();
    LeaseCoordinator w2 = worker("w2");
    w2.takeRound();
    workers.remove("w1"); // it stops before it hears of the hand-off
    for (int i = 0; i < 3; i++) { // 9 s
      cycle();
    }
    assertThat(w2.held()).as("under the failover time").isEmpty();
    cycle(); // 12 s
    assertThat(w2.held())
        .as("both of w1's leases, the handed-off one too, after the failover time, not 30 s")
        .hasSize(2);
  }

  @Test
  void aStoppedWorkersLeasesAreTakenOnlyAfterTheFailoverTime() {
    shards(4);
    LeaseCoordinator w1 = worker("w1");
    LeaseCoordinator w2 = worker("w2");
    for (int i = 0; i < 5; i++) {
      cycle();
    }
    assertThat(counts()).containsExactly(Map.entry("w1", 2), Map.entry("w2", 2));

    workers.remove("w2"); // it stops: no more renewals, no more rounds
    advance(Duration.ofSeconds(9)); // w1 saw w2's counters change a moment ago
    w1.renew();
    w1.takeRound();
    assertThat(w1.held()).as("not yet: counters unchanged for under the failover time").hasSize(2);

    advance(Duration.ofSeconds(3));
    w1.renew();
    w1.takeRound();
    assertThat(w1.held()).hasSize(4);
    assertThat(w2.held()).as("w2 itself stopped counting them as held").isEmpty();
  }

  @Test
  void aWorkerCutOffFromTheStoreStopsHoldingItsLeasesBeforeOthersCanTakeThem() {
    shards(2);
    io.kinesislite.kcl.FlakyLeaseStore flaky = new io.kinesislite.kcl.FlakyLeaseStore(store);
    LeaseCoordinator w1 = worker("w1", flaky);
    w1.takeRound();
    assertThat(w1.held()).hasSize(2);

    flaky.down(true);
    advance(Duration.ofSeconds(3));
    w1.renew();
    assertThat(w1.held()).as("3 s since the last good renewal: still held").hasSize(2);
    advance(Duration.ofSeconds(7));
    assertThat(w1.held()).as("10 s: no longer safe to act on").isEmpty();
    w1.renew();
    assertThat(lost.get("w1")).hasSize(2);

    flaky.down(false);
    advance(Duration.ofSeconds(1));
    w1.takeRound(); // the leases are still its own in the store: it adopts them again
    assertThat(w1.held()).hasSize(2);
  }

  @Test
  void aReleasedLeaseIsTakenByAnotherWorkerInItsNextRoundWithoutWaitingForFailover() {
    shards(2);
    LeaseCoordinator w1 = worker("w1");
    w1.takeRound();
    assertThat(w1.release("shardId-000000000000")).isTrue();
    assertThat(w1.release("shardId-000000000001")).isTrue();
    assertThat(w1.held()).isEmpty();

    LeaseCoordinator w2 = worker("w2");
    w2.takeRound(); // no time passes: released leases are unowned, available at once
    assertThat(w2.held()).hasSize(2);
    assertThat(w1.release("shardId-000000000000")).as("no longer w1's to release").isFalse();
  }

  @Test
  void aFinishedShardsLeaseIsNobodysWork() {
    shards(3);
    LeaseCoordinator w1 = worker("w1");
    w1.takeRound();
    LeaseCoordinator.Held first = w1.held("shardId-000000000000").orElseThrow();
    w1.write(first, l -> store.checkpoint(l, Checkpoint.SHARD_END));
    w1.release("shardId-000000000000");
    LeaseCoordinator w2 = worker("w2");
    for (int i = 0; i < 5; i++) {
      cycle();
    }
    assertThat(counts()).containsExactly(Map.entry("w1", 1), Map.entry("w2", 1));
    assertThat(store.get("shardId-000000000000").orElseThrow().owner()).isEmpty();
  }

  @Test
  void checkpointsKeepABusyLeaseAliveSoTheRenewerSkipsItButStillRenewsAnIdleOne() {
    shards(2);
    LeaseCoordinator w1 = worker("w1");
    w1.takeRound();
    String busyKey = "shardId-000000000000";
    String idleKey = "shardId-000000000001";
    LeaseCoordinator.Held busy = w1.held(busyKey).orElseThrow();
    long busyAtStart = store.get(busyKey).orElseThrow().counter();
    long idleAtStart = store.get(idleKey).orElseThrow().counter();

    // 30 s: a checkpoint of the busy shard every second, the renewer every 10/3 s.
    long nextRenew = RENEW.toMillis();
    for (int ms = 1_000; ms <= 30_000; ms += 1_000) {
      advance(Duration.ofSeconds(1));
      w1.write(busy, l -> store.checkpoint(l, Checkpoint.at("4960", 0)));
      while (nextRenew <= ms) {
        w1.renew();
        nextRenew += RENEW.toMillis();
      }
    }

    assertThat(w1.held()).as("both leases still held").hasSize(2);
    assertThat(lost.get("w1")).isEmpty();
    assertThat(store.get(busyKey).orElseThrow().counter() - busyAtStart)
        .as(
            "the busy lease's counter moved by its 30 checkpoints only (once a second, so watchers"
                + " never see it stand still); no renewal was written")
        .isEqualTo(30);
    assertThat(store.get(idleKey).orElseThrow().counter() - idleAtStart)
        .as("the idle lease was renewed every round (9 rounds in 30 s)")
        .isEqualTo(9);
  }

  @Test
  void aCheckpointWithinHalfARenewalIntervalSkipsTheNextRenewalOnlyOnce() {
    shards(1);
    LeaseCoordinator w1 = worker("w1");
    w1.takeRound();
    String key = "shardId-000000000000";
    LeaseCoordinator.Held h = w1.held(key).orElseThrow();
    advance(Duration.ofSeconds(2));
    w1.write(h, l -> store.checkpoint(l, Checkpoint.at("4960", 0)));
    long afterCheckpoint = store.get(key).orElseThrow().counter();
    advance(Duration.ofSeconds(1));
    w1.renew(); // 1 s after the checkpoint: skipped
    assertThat(store.get(key).orElseThrow().counter()).isEqualTo(afterCheckpoint);
    advance(Duration.ofSeconds(2));
    w1.renew(); // 3 s after it: renewed
    assertThat(store.get(key).orElseThrow().counter()).isEqualTo(afterCheckpoint + 1);
    assertThat(w1.held()).hasSize(1);
  }
}
