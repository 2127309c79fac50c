package io.kinesislite.kcl.internal;

import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseLostException;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.transport.KinesisLiteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's side of lease coordination: renewing what it holds, judging which other leases
 * expired, and taking or stealing leases so that every worker converges to the floor or ceiling of
 * leases / workers.
 *
 * <p>Expiry is judged as the KCL does, by watching: a lease whose counter this worker has seen
 * unchanged for the failover time, on a monotonic clock, has an owner that stopped. A held lease
 * counts as held only while its last successful renewal was sent less than the failover time ago,
 * so that a worker cut off from the store stops before another could have judged the lease expired.
 *
 * <p>Balancing: the target is ceil(leases / workers). A worker below it takes available leases
 * (unowned or expired) up to the target; when none are available it steals from the most-loaded
 * worker, at most {@code maxStealsAtOnce} per round, and only from a worker above the target, or at
 * the target while this worker is short by more than one; so a fleet at floor or ceiling never
 * moves a lease.
 *
 * <p>Stealing is a graceful hand-off unless its timeout is zero ({@link LeaseStore#handOff}, as the
 * KCL 3.x does it): the thief names itself the new owner; the owner learns it from its next renewal
 * or checkpoint, lets its processor finish the batch and checkpoint ({@code shutdownRequested}) and
 * releases the lease, which ends the hand-off; the thief takes it in its next round. If the owner
 * has not done so within the hand-off timeout, or stops renewing for the failover time, the thief
 * takes the lease anyway.
 *
 * <p>The worker calls {@link #renew()} and {@link #takeRound()} on its schedule (tests call them
 * step by step). Every write to one lease happens under that lease's lock, so renewals, takes,
 * checkpoints and releases of one lease never race each other on its counter. Thread-safe.
 */
public final class LeaseCoordinator {
  private static final Logger log = LoggerFactory.getLogger(LeaseCoordinator.class);

  /** What the worker hears about leases gained and lost. Called on the coordinating thread. */
  public interface Listener {
    void leaseGained(Lease lease);

    void leaseLost(String leaseKey);

    /**
     * Another worker is taking over this held lease gracefully: finish the batch, checkpoint and
     * {@link LeaseCoordinator#release} it. The lease stays valid until then.
     */
    void handOffRequested(String leaseKey);
  }

  /** A lease this worker holds: the newest copy, and when its last good renewal was sent. */
  public static final class Held {
    public final String leaseKey;
    private final Object writeLock = new Object();
    private volatile Lease lease;
    private volatile long renewedAtNanos;
    private volatile boolean handingOff; // written under writeLock

    Held(Lease lease, long renewedAtNanos) {
      this.leaseKey = lease.leaseKey();
      this.lease = lease;
      this.renewedAtNanos = renewedAtNanos;
    }

    public Lease lease() {
      return lease;
    }
  }

  private record Seen(long counter, long sinceNanos) {}

  private final LeaseStore store;
  private final String workerId;
  private final long failoverNanos;
  private final long renewIntervalNanos;
  private final int maxLeases;
  private final int maxStealsAtOnce;
  private final LongSupplier nanoTime;
  private final Listener listener;
  private final Random random;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Map<String, Seen> seen = new HashMap<>(); // only the taking round touches it
  private final long handOffTimeoutNanos; // 0: steal by taking at once
  // Leases handed off to this worker, not yet released by their owner: since when (taking round).
  private final Map<String, Long> handOffsAwaited = new HashMap<>();
  private volatile int lastWorkerCount = 1;
  private final java.util.concurrent.atomic.LongAdder takes =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder steals =
      new java.util.concurrent.atomic.LongAdder();

  public LeaseCoordinator(
      LeaseStore store,
      String workerId,
      Duration failoverTime,
      Duration renewInterval,
      int maxLeases,
      int maxStealsAtOnce,
      Duration handOffTimeout,
      LongSupplier nanoTime,
      Random random,
      Listener listener) {
    this.store = store;
    this.workerId = workerId;
    this.failoverNanos = failoverTime.toNanos();
    this.renewIntervalNanos = renewInterval.toNanos();
    this.maxLeases = maxLeases;
    this.maxStealsAtOnce = maxStealsAtOnce;
    this.handOffTimeoutNanos = handOffTimeout.toNanos();
    this.nanoTime = nanoTime;
    this.random = random;
    this.listener = listener;
  }

  /** Returns the leases this worker may act on now: held, and renewed recently enough. */
  public List<Held> held() {
    long now = nanoTime.getAsLong();
    List<Held> valid = new ArrayList<>();
    for (Held h : held.values()) {
      if (now - h.renewedAtNanos < failoverNanos) {
        valid.add(h);
      }
    }
    return valid;
  }

  /** Returns the held lease with this key, if this worker still validly holds it. */
  public Optional<Held> held(String leaseKey) {
    Held h = held.get(leaseKey);
    if (h == null || nanoTime.getAsLong() - h.renewedAtNanos >= failoverNanos) {
      return Optional.empty();
    }
    return Optional.of(h);
  }

  /** Returns whether this worker is handing the held lease with this key off to another. */
  public boolean handingOff(String leaseKey) {
    Held h = held.get(leaseKey);
    return h != null && h.handingOff;
  }

  /** Returns how many leases this worker took so far, steals included. */
  public long takes() {
    return takes.sum();
  }

  /** Returns how many leases this worker stole from other workers so far. */
  public long steals() {
    return steals.sum();
  }

  /** Returns how many workers the last taking round saw, this one included. */
  public int workersSeen() {
    return lastWorkerCount;
  }

  /**
   * Writes to a held lease under its lock, replacing the local copy with what the store returns; a
   * {@link LeaseLostException} drops the lease and tells the listener. A write that raised the
   * counter (a checkpoint) proved the lease ours as a renewal does, and counts as one.
   */
  public Lease write(Held h, java.util.function.UnaryOperator<Lease> write) {
    synchronized (h.writeLock) {
      long sentAt = nanoTime.getAsLong();
      try {
        Lease before = h.lease;
        Lease updated = write.apply(before);
        h.lease = updated;
        if (updated.counter() > before.counter()) {
          h.renewedAtNanos = sentAt;
        }
        noticeHandOff(h);
        return updated;
      } catch (LeaseLostException e) {
        drop(h);
        throw e;
      }
    }
  }

  /**
   * Renews every held lease once, except those a checkpoint renewed less than half a renewal
   * interval ago (a busy shard's checkpoints keep its lease alive, so renewing it too would only
   * double the writes; the gap between renewals stays under 1.5 renewal intervals); drops the
   * leases that were taken or went stale.
   */
  public void renew() {
    for (Held h : new ArrayList<>(held.values())) {
      synchronized (h.writeLock) {
        long sentAt = nanoTime.getAsLong();
        if (sentAt - h.renewedAtNanos >= failoverNanos) {
          log.info("Lease {} went unrenewed for the failover time; letting it go", h.leaseKey);
          drop(h);
          continue;
        }
        if (sentAt - h.renewedAtNanos < renewIntervalNanos / 2) {
          continue;
        }
        try {
          h.lease = store.renew(h.lease);
          h.renewedAtNanos = sentAt;
          noticeHandOff(h);
        } catch (LeaseLostException e) {
          log.info("Lost lease {}: {}", h.leaseKey, e.getMessage());
          drop(h);
        } catch (KinesisLiteException e) {
          // The store is unreachable or throttles: keep the lease while it is still ours to hold.
          log.warn("Renewing lease {} failed; trying again: {}", h.leaseKey, e.toString());
        }
      }
    }
  }

  // Under h.writeLock. The store returns the lease with the hand-off on it: tell the listener once.
  private void noticeHandOff(Held h) {
    Lease lease = h.lease;
    if (!h.handingOff
        && lease.checkpointOwner().equals(Optional.of(workerId))
        && !lease.isOwnedBy(workerId)) {
      h.handingOff = true;
      log.info(
          "Lease {} is being handed off to {}; its processor finishes the batch, checkpoints and"
              + " releases it",
          h.leaseKey,
          lease.owner().orElse("nobody"));
      listener.handOffRequested(h.leaseKey);
    }
  }

  private void drop(Held h) {
    if (held.remove(h.leaseKey, h)) {
      listener.leaseLost(h.leaseKey);
    }
  }

  /**
   * Gives a held lease up in the store (after the caller checkpointed), so that another worker can
   * take it at once. Returns false if it was no longer ours.
   */
  public boolean release(String leaseKey) {
    Held h = held.get(leaseKey);
    if (h == null) {
      return false;
    }
    synchronized (h.writeLock) {
      held.remove(leaseKey, h);
      try {
        store.release(h.lease);
        return true;
      } catch (LeaseLostException e) {
        return false;
      } catch (KinesisLiteException e) {
        // Unreachable store: the lease stays ours in the table until it expires for the others.
        log.warn("Releasing lease {} failed; it will expire instead: {}", leaseKey, e.toString());
        return false;
      }
    }
  }

  /**
   * One taking round: lists the table, updates what this worker has seen of every lease, adopts
   * leases the store says are already ours (a restart with the same worker id), and takes or steals
   * leases toward the target.
   */
  public void takeRound() {
    long now = nanoTime.getAsLong();
    List<Lease> all = store.list();
    Set<String> keys = new HashSet<>();
    List<Lease> available = new ArrayList<>();
    Map<String, List<Lease>> byOwner = new HashMap<>();
    byOwner.put(workerId, new ArrayList<>());
    List<Lease> live = new ArrayList<>();
    int handOffPending = 0;
    for (Lease lease : all) {
      // A finished shard's lease waits for clean-up; it is nobody's work, so it does not count.
      if (!lease.checkpoint().isShardEnd()) {
        live.add(lease);
      }
    }
    for (Lease lease : live) {
      keys.add(lease.leaseKey());
      Seen before = seen.get(lease.leaseKey());
      Seen after =
          before == null
              ? new Seen(lease.counter(), lease.owner().isPresent() ? now : Long.MIN_VALUE)
              : before.counter() == lease.counter() ? before : new Seen(lease.counter(), now);
      seen.put(lease.leaseKey(), after);
      boolean expired =
          after.sinceNanos == Long.MIN_VALUE || now - after.sinceNanos > failoverNanos;
      if (lease.isOwnedBy(workerId) && !held.containsKey(lease.leaseKey())) {
        if (handedOffToMe(lease)) {
          if (!awaitHandOff(lease, expired, now)) {
            handOffPending++;
          }
        } else {
          handOffsAwaited.remove(lease.leaseKey());
          adopt(lease, now);
        }
      }
      if (lease.owner().isEmpty() || (expired && !lease.isOwnedBy(workerId))) {
        available.add(lease);
      } else {
        byOwner.computeIfAbsent(lease.owner().get(), k -> new ArrayList<>()).add(lease);
      }
    }
    seen.keySet().retainAll(keys);
    handOffsAwaited.keySet().retainAll(keys);
    int workers = byOwner.size();
    lastWorkerCount = workers;
    int mine = held.size() + handOffPending;
    int target = Math.min(maxLeases, (int) Math.ceil((double) live.size() / workers));
    if (mine >= target) {
      return;
    }
    if (!available.isEmpty()) {
      Collections.shuffle(available, random);
      for (Lease lease : available.subList(0, Math.min(target - mine, available.size()))) {
        tryTake(lease, now);
      }
      return;
    }
    steal(byOwner, target, mine, now);
  }

  /**
   * Between taking rounds: takes each lease whose hand-off to this worker has ended (its owner
   * checkpointed and released it), so that the shard does not wait for the next round. Reads only
   * the leases awaited, and nothing when none is. Call it on the taking round's thread.
   */
  public void pollHandOffs() {
    if (handOffsAwaited.isEmpty()) {
      return;
    }
    long now = nanoTime.getAsLong();
    for (String key : new ArrayList<>(handOffsAwaited.keySet())) {
      Optional<Lease> lease = held.containsKey(key) ? Optional.empty() : store.get(key);
      if (lease.isEmpty() || !lease.get().isOwnedBy(workerId)) {
        handOffsAwaited.remove(key); // held already, gone, or taken by another worker
      } else if (lease.get().checkpointOwner().isEmpty() && tryTake(lease.get(), now)) {
        handOffsAwaited.remove(key);
      }
    }
  }

  private void steal(Map<String, List<Lease>> byOwner, int target, int mine, long now) {
    String victim = null;
    int most = 0;
    for (Map.Entry<String, List<Lease>> e : byOwner.entrySet()) {
      if (!e.getKey().equals(workerId) && e.getValue().size() > most) {
        victim = e.getKey();
        most = e.getValue().size();
      }
    }
    int needed = target - mine;
    int toSteal;
    if (most > target) {
      toSteal = Math.min(needed, most - target);
    } else if (most == target && needed > 1) {
      toSteal = 1;
    } else {
      return;
    }
    List<Lease> theirs = new ArrayList<>(byOwner.get(victim));
    Collections.shuffle(theirs, random);
    for (Lease lease :
        theirs.subList(0, Math.min(Math.min(toSteal, maxStealsAtOnce), theirs.size()))) {
      log.info(
          "Stealing lease {} from {} ({} leases, target {})",
          lease.leaseKey(),
          victim,
          most,
          target);
      if (handOffTimeoutNanos > 0 ? tryHandOff(lease, now) : tryTake(lease, now)) {
        steals.increment();
      }
    }
  }

  private boolean handedOffToMe(Lease lease) {
    return lease.checkpointOwner().isPresent() && !lease.checkpointOwner().get().equals(workerId);
  }

  /**
   * A lease handed off to this worker that its owner has not released yet: takes it anyway once the
   * owner stopped renewing for the failover time or the hand-off timed out. Returns whether it took
   * it.
   */
  private boolean awaitHandOff(Lease lease, boolean expired, long now) {
    long since = handOffsAwaited.computeIfAbsent(lease.leaseKey(), k -> now);
    if (!expired && now - since < handOffTimeoutNanos) {
      return false;
    }
    log.info(
        "Lease {}: {} did not hand it over {}; taking it",
        lease.leaseKey(),
        lease.checkpointOwner().orElse("its owner"),
        expired ? "and stopped renewing it" : "within the hand-off timeout");
    if (!tryTake(lease, now)) {
      return false; // still on its way to this worker: the next round tries again
    }
    handOffsAwaited.remove(lease.leaseKey());
    return true;
  }

  private boolean tryHandOff(Lease observed, long now) {
    try {
      store.handOff(observed, workerId);
      handOffsAwaited.put(observed.leaseKey(), now);
      return true;
    } catch (LeaseLostException e) {
      log.debug("Lease {} moved before we could ask for it", observed.leaseKey());
    } catch (KinesisLiteException e) {
      log.warn("Asking for lease {} failed: {}", observed.leaseKey(), e.toString());
    }
    return false;
  }

  private boolean tryTake(Lease observed, long now) {
    try {
      Lease taken = store.take(observed, workerId);
      Held h = new Held(taken, now);
      held.put(taken.leaseKey(), h);
      seen.put(taken.leaseKey(), new Seen(taken.counter(), now));
      takes.increment();
      listener.leaseGained(taken);
      return true;
    } catch (LeaseLostException e) {
      log.debug("Lease {} moved before we could take it", observed.leaseKey());
    } catch (KinesisLiteException e) {
      log.warn("Taking lease {} failed: {}", observed.leaseKey(), e.toString());
    }
    return false;
  }

  // The table says it is ours but we do not hold it: a restart with the same worker id. Taking it
  // (a conditional write on the counter just read) proves it and raises the counter.
  private void adopt(Lease lease, long now) {
    tryTake(lease, now);
  }
}
