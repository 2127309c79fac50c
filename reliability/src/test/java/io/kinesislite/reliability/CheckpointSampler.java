package io.kinesislite.reliability;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.transport.KinesisLiteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the lease table on a thread of its own every {@code interval} and checks that no shard's
 * checkpoint ever moves backwards: each sample's checkpoint must be at or after the one seen before
 * (in the KCL's order: TRIM_HORIZON before any sequence number before SHARD_END). Samples the store
 * cannot answer (it is down) are counted and skipped.
 *
 * <p>Thread: {@code reliability-checkpoint-sampler}, stopped by {@link #close()}. Thread-safe.
 */
final class CheckpointSampler implements AutoCloseable {
  private final LeaseStore store;
  private final long intervalMillis;
  private final Map<String, Checkpoint> newest = new HashMap<>(); // the sampler thread only
  private final List<String> backwards = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong unanswered = new AtomicLong();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  CheckpointSampler(LeaseStore store, Duration interval) {
    this.store = store;
    this.intervalMillis = interval.toMillis();
    this.thread = new Thread(this::run, "reliability-checkpoint-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      do {
        sampleOnce();
      } while (!stop.await(intervalMillis, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sampleOnce() {
    List<Lease> leases;
    try {
      leases = store.list();
    } catch (KinesisLiteException e) {
      unanswered.incrementAndGet();
      return;
    }
    samples.incrementAndGet();
    for (Lease lease : leases) {
      Checkpoint before = newest.get(lease.leaseKey());
      if (before != null && lease.checkpoint().compareTo(before) < 0) {
        backwards.add(
            lease.leaseKey()
                + ": "
                + before
                + " then "
                + lease.checkpoint()
                + " (owner "
                + lease.owner().orElse("none")
                + ", counter "
                + lease.counter()
                + ")");
      } else {
        newest.put(lease.leaseKey(), lease.checkpoint());
      }
    }
  }

  /** Every backwards move seen, as "shard: before then after (owner, counter)". */
  List<String> backwardsMoves() {
    synchronized (backwards) {
      return List.copyOf(backwards);
    }
  }

  /** Samples the store answered. */
  long samples() {
    return samples.get();
  }

  /** Samples the store did not answer. */
  long unanswered() {
    return unanswered.get();
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
