package io.kinesislite.examples.quickstart;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the consumers received: which generated lines (by sequence number), how many deliveries in
 * all (the excess over distinct lines are duplicates), how many distinct Kinesis records carried
 * them (aggregates share a sequence number), and which shards each worker processed. Thread-safe.
 */
public final class Tally {
  private final BitSet seen = new BitSet(); // guarded by this
  private final Set<String> kinesisRecords = new HashSet<>(); // guarded by this
  private long distinct; // guarded by this
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private final Map<String, Set<String>> shardsByWorker = new ConcurrentHashMap<>();

  /**
   * Records one delivery of line {@code sequence} (-1: not a generated line), carried by the
   * Kinesis record {@code sequenceNumber}.
   */
  public void record(long sequence, String sequenceNumber) {
    deliveries.incrementAndGet();
    if (sequence < 0 || sequence > Integer.MAX_VALUE) {
      unreadable.incrementAndGet();
      return;
    }
    synchronized (this) {
      if (!seen.get((int) sequence)) {
        seen.set((int) sequence);
        distinct++;
      }
      kinesisRecords.add(sequenceNumber);
    }
  }

  /** Notes that {@code worker} processes {@code shardId}. */
  public void shardStarted(String worker, String shardId) {
    shardsByWorker.computeIfAbsent(worker, w -> ConcurrentHashMap.newKeySet()).add(shardId);
  }

  /** Distinct generated lines received. */
  public synchronized long distinct() {
    return distinct;
  }

  /** Of the lines 0 to {@code written - 1}, how many never arrived. */
  public synchronized long missing(long written) {
    int upTo = (int) Math.min(written, Integer.MAX_VALUE);
    return upTo - seen.get(0, upTo).cardinality();
  }

  /** The line numbers below {@code written} never delivered, in order. */
  public synchronized List<Long> missingLines(long written) {
    int upTo = (int) Math.min(written, Integer.MAX_VALUE);
    List<Long> missing = new ArrayList<>();
    for (int i = seen.nextClearBit(0); i < upTo; i = seen.nextClearBit(i + 1)) {
      missing.add((long) i);
    }
    return missing;
  }

  /** Every delivery, duplicates included. */
  public long deliveries() {
    return deliveries.get();
  }

  /** Deliveries whose data did not start with a line number. */
  public long unreadable() {
    return unreadable.get();
  }

  /** Distinct Kinesis records (by sequence number) the deliveries came in. */
  public synchronized long kinesisRecords() {
    return kinesisRecords.size();
  }

  /** The shards each worker processed at some point, by worker id. */
  public Map<String, Set<String>> shardsByWorker() {
    return new TreeMap<>(shardsByWorker);
  }
}
