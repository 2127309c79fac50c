package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.AggregateEncoder;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.internal.TokenBucket;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The records bound for one shard (or, with {@code shardId} null, for a stream whose shard map is
 * not known yet): the aggregate being filled, sealed records ready to send, and records waiting to
 * be retried; plus the shard's rate limit, which slows down when the shard throttles.
 *
 * <p>Thread-safe: every method takes the queue's lock for a short, I/O-free time.
 */
final class ShardQueue {
  /** Per shard, as in Kinesis: 1,000 records and 1 MiB per second. */
  static final double SHARD_RECORDS_PER_SECOND = 1_000;

  static final double SHARD_BYTES_PER_SECOND = 1024 * 1024;

  private static final double MIN_RATE_FACTOR = 0.1;

  /**
   * A put goes early once one shard has this many bytes ready, as in the KPL's collector, so that a
   * busy shard sends steadily rather than in bursts at each deadline.
   */
  static final long SHARD_FLUSH_BYTES = 256 * 1024;

  final String shardId;
  private final ProducerConfig config;
  private final boolean aggregate;
  private final ReentrantLock lock = new ReentrantLock();
  private final TokenBucket records; // null without a shard: nothing to limit against
  private final TokenBucket bytes;
  // With aggregation, a sealed aggregate waits this much longer for others to share its put.
  private final long collectionExtraMillis;

  // Guarded by lock.
  private AggregateEncoder encoder;
  private List<UserRecord> building = new ArrayList<>();
  private long buildingDeadline = Long.MAX_VALUE;
  private final ArrayDeque<OutgoingRecord> ready = new ArrayDeque<>();
  private long readyDue = Long.MAX_VALUE; // when the ready record due soonest must go
  private int readyEntries;
  private long readyBytes;
  private final PriorityQueue<OutgoingRecord> retries;
  private int inFlight;
  private double rateFactor = 1.0;
  private boolean retired; // its shard closed: records go elsewhere now
  // For the unpredicted queue: a map exists, so what is still here hashes into a gap of it and has
  // no shard to keep one put to; under strict order it then goes one put at a time anyway.
  private volatile boolean mapKnown;

  ShardQueue(String shardId, ProducerConfig config, Clock clock) {
    this.shardId = shardId;
    this.config = config;
    this.aggregate = config.aggregationEnabled() && shardId != null;
    long maxBuffered = config.recordMaxBufferedTime().toMillis();
    this.collectionExtraMillis = aggregate ? Math.min(50, maxBuffered / 5) : 0;
    // Strict order retries the oldest record first; otherwise the one due soonest.
    this.retries =
        new PriorityQueue<>(
            config.strictOrdering()
                ? Comparator.comparingLong((OutgoingRecord r) -> r.firstSeq)
                : Comparator.comparingLong((OutgoingRecord r) -> r.notBeforeMillis));
    if (shardId != null) {
      double share = config.rateLimit() / 100.0;
      records = new TokenBucket(clock, SHARD_RECORDS_PER_SECOND * share, recordCapacity(1.0));
      bytes = new TokenBucket(clock, SHARD_BYTES_PER_SECOND * share, byteCapacity(1.0));
    } else {
      records = null;
      bytes = null;
    }
  }

  private double recordCapacity(double factor) {
    return Math.max(1, SHARD_RECORDS_PER_SECOND * config.rateLimit() / 100.0 * factor);
  }

  // Never below one largest record, or such a record could never pass.
  private double byteCapacity(double factor) {
    return Math.max(
        SHARD_BYTES_PER_SECOND * config.rateLimit() / 100.0 * factor,
        Math.max(config.aggregationMaxSize(), config.maxUserRecordSize()) + 1024);
  }

  /** What {@link #add} did. */
  enum Added {
    /** Buffered; the sender will find it by its deadline. */
    BUFFERED,
    /** Buffered, and enough is ready that a put should go now. */
    READY,
    /** Not taken: the queue's shard closed; route the record anew. */
    RETIRED
  }

  /** Adds a user record, aggregating it when it can. */
  Added add(UserRecord record, long deadline) {
    lock.lock();
    try {
      if (retired) {
        return Added.RETIRED;
      }
      if (!aggregate) {
        pushReady(single(record, deadline));
        return readyNow();
      }
      int size = record.entry.data().length;
      String ehk = record.entry.explicitHashKey().orElse(null);
      String pk = record.entry.partitionKey();
      if (encoder == null) {
        encoder = new AggregateEncoder();
      }
      boolean fits =
          building.size() < config.aggregationMaxCount()
              && encoder.sizeInBytesWith(pk, ehk, size) <= config.aggregationMaxSize();
      boolean sealed = false;
      if (!fits && !building.isEmpty()) {
        seal();
        sealed = true;
        fits = encoder.sizeInBytesWith(pk, ehk, size) <= config.aggregationMaxSize();
      }
      if (!fits) {
        // Too big to share an aggregate with anything: it goes alone, as in the KPL.
        pushReady(single(record, Millis.plus(deadline, collectionExtraMillis)));
        return readyNow();
      }
      encoder.add(pk, ehk, record.entry.data());
      building.add(record);
      buildingDeadline = Math.min(buildingDeadline, deadline);
      if (building.size() >= config.aggregationMaxCount()) {
        seal();
        sealed = true;
      }
      return sealed ? readyNow() : Added.BUFFERED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds records older than what this queue may already hold, in the order given, to be sent first
   * and not before {@code notBeforeMillis}: under strict order, records routed again (their shard
   * closed, their aggregate landed wrong, or they waited for a map) must not queue up behind newer
   * ones of their key. With aggregation they are packed into aggregates in that order, so a backlog
   * re-routed after a reshard still moves at full rate.
   */
  Added addOlder(List<UserRecord> records, long notBeforeMillis) {
    lock.lock();
    try {
      if (retired) {
        return Added.RETIRED;
      }
      List<UserRecord> pack = new ArrayList<>();
      AggregateEncoder packer = aggregate ? new AggregateEncoder() : null;
      for (UserRecord r : records) {
        String ehk = r.entry.explicitHashKey().orElse(null);
        int size = r.entry.data().length;
        boolean fits =
            packer != null
                && pack.size() < config.aggregationMaxCount()
                && packer.sizeInBytesWith(r.entry.partitionKey(), ehk, size)
                    <= config.aggregationMaxSize();
        if (!fits && !pack.isEmpty()) {
          retries.add(packed(pack, packer, notBeforeMillis));
          pack = new ArrayList<>();
          fits =
              packer != null
                  && packer.sizeInBytesWith(r.entry.partitionKey(), ehk, size)
                      <= config.aggregationMaxSize();
        }
        if (fits) {
          packer.add(r.entry.partitionKey(), ehk, r.entry.data());
          pack.add(r);
        } else {
          OutgoingRecord single = single(r, Long.MIN_VALUE);
          single.notBeforeMillis = notBeforeMillis;
          retries.add(single);
        }
      }
      if (!pack.isEmpty()) {
        retries.add(packed(pack, packer, notBeforeMillis));
      }
      return Added.READY;
    } finally {
      lock.unlock();
    }
  }

  // The caller holds the lock; clears the packer for the next pack.
  private OutgoingRecord packed(List<UserRecord> pack, AggregateEncoder packer, long notBefore) {
    OutgoingRecord out;
    if (pack.size() == 1) {
      out = single(pack.get(0), Long.MIN_VALUE);
    } else {
      PutEntry outer =
          PutEntry.of(
              AggregateEncoder.OUTER_PARTITION_KEY,
              pack.get(0).hashKey.toString(),
              packer.encode());
      out = new OutgoingRecord(List.copyOf(pack), outer, shardId, Long.MIN_VALUE);
    }
    packer.clear();
    out.notBeforeMillis = notBefore;
    return out;
  }

  void mapKnown() {
    mapKnown = true;
  }

  /** Returns how many puts carrying this queue's records await their answer (strict order). */
  int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  // The caller holds the lock.
  private void seal() {
    if (building.isEmpty()) {
      return;
    }
    long due = Millis.plus(buildingDeadline, collectionExtraMillis);
    if (building.size() == 1) {
      pushReady(single(building.get(0), due));
    } else {
      UserRecord first = building.get(0);
      PutEntry outer =
          PutEntry.of(
              AggregateEncoder.OUTER_PARTITION_KEY, first.hashKey.toString(), encoder.encode());
      pushReady(new OutgoingRecord(building, outer, shardId, due));
    }
    building = new ArrayList<>();
    encoder.clear();
    buildingDeadline = Long.MAX_VALUE;
  }

  private OutgoingRecord single(UserRecord record, long sendBy) {
    return new OutgoingRecord(List.of(record), record.entry, shardId, sendBy);
  }

  // The ready queue's bookkeeping; the caller holds the lock.
  private void pushReady(OutgoingRecord record) {
    ready.add(record);
    readyDue = Math.min(readyDue, record.sendByMillis);
    readyEntries++;
    readyBytes += record.size();
  }

  private void pollReady() {
    OutgoingRecord taken = ready.poll();
    readyEntries--;
    readyBytes -= taken.size();
    if (ready.isEmpty()) {
      readyDue = Long.MAX_VALUE;
    } else if (taken.sendByMillis <= readyDue) {
      // Records mostly arrive in deadline order, so the new head is a close, cheap stand-in for the
      // true minimum; the expiry scan recomputes it exactly.
      readyDue = ready.peek().sendByMillis;
    }
  }

  private void recountReady() {
    readyDue = Long.MAX_VALUE;
    readyEntries = 0;
    readyBytes = 0;
    for (OutgoingRecord r : ready) {
      readyDue = Math.min(readyDue, r.sendByMillis);
      readyEntries++;
      readyBytes += r.size();
    }
  }

  // The caller holds the lock.
  private Added readyNow() {
    return readyEntries >= config.collectionMaxCount()
            || readyBytes >= Math.min(SHARD_FLUSH_BYTES, config.collectionMaxSize())
        ? Added.READY
        : Added.BUFFERED;
  }

  /**
   * Returns when this queue next wants a put, in clock milliseconds: at or before {@code now} if a
   * put should go now (a deadline passed, a retry is due, or enough is ready to fill a put or to
   * reach {@link #SHARD_FLUSH_BYTES}). The aggregate being filled is sealed once its deadline
   * passed, and then waits the collection extra for others to share its put.
   */
  long sendBy(long now) {
    lock.lock();
    try {
      if (!building.isEmpty() && buildingDeadline <= now) {
        seal();
      }
      if (config.strictOrdering() && (inFlight > 0 || (shardId == null && !mapKnown))) {
        return buildingDeadline; // nothing may go until an answer (or the map) comes
      }
      if (readyEntries >= config.collectionMaxCount()
          || readyBytes >= Math.min(SHARD_FLUSH_BYTES, config.collectionMaxSize())) {
        return now;
      }
      long due = Math.min(buildingDeadline, readyDue);
      if (!retries.isEmpty()) {
        due = Math.min(due, retries.peek().notBeforeMillis);
      }
      return due;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many Kinesis records are ready to send. */
  int readyEntries() {
    lock.lock();
    try {
      return readyEntries;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the bytes of the Kinesis records ready to send. */
  long readyBytes() {
    lock.lock();
    try {
      return readyBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves what may be sent now into {@code batch}: the aggregate being filled once its deadline
   * passed (or at once when {@code flush}), then retries that are due, then ready records; as far
   * as the batch has room and the rate limit allows. Returns when this queue next wants looking at,
   * in clock milliseconds.
   */
  long collect(Batch batch, long now, boolean flush) {
    lock.lock();
    try {
      if (!building.isEmpty() && (flush || buildingDeadline <= now)) {
        seal();
      }
      long wake = buildingDeadline;
      if (config.strictOrdering() && (inFlight > 0 || (shardId == null && !mapKnown))) {
        // One put at a time, whose answer wakes the sender. And without a shard map there is no
        // shard to keep one put to: strict order waits for the map, which routes these records.
        return wake;
      }
      // Strict order: the partition keys this put carries. A put may hold many records as long as
      // no key is in two of them, so a failed entry never has a later record of its key beside it.
      Set<String> keysInPut = config.strictOrdering() ? new HashSet<>() : null;
      while (true) {
        OutgoingRecord next = next(now);
        if (next == null) {
          if (!retries.isEmpty()) {
            wake = Math.min(wake, retries.peek().notBeforeMillis);
          }
          return wake;
        }
        if (keysInPut != null && !keysInPut.isEmpty() && sharesKey(next, keysInPut)) {
          return wake; // the rest waits for this put's answer, which wakes the sender
        }
        if (!batch.hasRoomFor(next)) {
          // More to send as soon as the batch goes; under strict order once it is answered.
          return keysInPut != null && !keysInPut.isEmpty() ? wake : now;
        }
        long tokenWait = tokenWait(next);
        if (tokenWait > 0) {
          return Math.min(wake, now + tokenWait);
        }
        take(next);
        batch.add(next, this);
        if (keysInPut != null) {
          inFlight++;
          for (UserRecord member : next.members) {
            keysInPut.add(member.entry.partitionKey());
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private static boolean sharesKey(OutgoingRecord record, Set<String> keys) {
    for (UserRecord member : record.members) {
      if (keys.contains(member.entry.partitionKey())) {
        return true;
      }
    }
    return false;
  }

  // The next record in line, or null. Under strict order that is the oldest of all, which may
  // have to wait out its backoff; otherwise a due retry, else the oldest ready record.
  private OutgoingRecord next(long now) {
    OutgoingRecord retry = retries.peek();
    OutgoingRecord fresh = ready.peek();
    if (config.strictOrdering()) {
      OutgoingRecord oldest =
          retry == null ? fresh : fresh == null || retry.firstSeq < fresh.firstSeq ? retry : fresh;
      return oldest == null || oldest.notBeforeMillis > now ? null : oldest;
    }
    if (retry != null && retry.notBeforeMillis <= now) {
      return retry;
    }
    return fresh;
  }

  private void take(OutgoingRecord record) {
    if (record == retries.peek()) {
      retries.poll();
    } else {
      pollReady();
    }
  }

  private long tokenWait(OutgoingRecord record) {
    if (records == null) {
      return 0;
    }
    long wait = Math.max(records.millisUntil(1), bytes.millisUntil(record.size()));
    if (wait == 0) {
      records.tryTake(1);
      bytes.tryTake(record.size());
    }
    return wait;
  }

  /**
   * Puts a record back to be retried no sooner than its backoff allows; false if the queue's shard
   * closed meanwhile, and its members must be routed anew.
   */
  boolean retry(OutgoingRecord record) {
    lock.lock();
    try {
      if (retired) {
        return false;
      }
      retries.add(record);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Notes that a put carrying records of this queue has been answered. */
  void answered() {
    lock.lock();
    try {
      if (inFlight > 0) {
        inFlight--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Slows this shard's rate after throttling; multiplicative, down to a tenth. */
  void throttled() {
    adjustRate(Math.max(MIN_RATE_FACTOR, rateFactor * 0.7));
  }

  /** Lets the rate climb back after a put to this shard succeeded; additive, up to full. */
  void succeeded() {
    if (rateFactor < 1.0) {
      adjustRate(Math.min(1.0, rateFactor + 0.05));
    }
  }

  private void adjustRate(double factor) {
    if (records == null) {
      return;
    }
    lock.lock();
    try {
      rateFactor = factor;
      double share = config.rateLimit() / 100.0 * factor;
      records.setRate(SHARD_RECORDS_PER_SECOND * share, recordCapacity(factor));
      bytes.setRate(SHARD_BYTES_PER_SECOND * share, byteCapacity(factor));
    } finally {
      lock.unlock();
    }
  }

  double rateFactor() {
    lock.lock();
    try {
      return rateFactor;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes out every user record not on its way, in the order they were added, to be routed anew:
   * for a shard that closed ({@code retire}: the queue then takes nothing more), or records that
   * waited for a shard map.
   */
  List<UserRecord> drainAll(boolean retire) {
    lock.lock();
    try {
      retired |= retire;
      List<UserRecord> all = new ArrayList<>(building);
      for (OutgoingRecord r : ready) {
        all.addAll(r.members);
      }
      for (OutgoingRecord r : retries) {
        all.addAll(r.members);
      }
      building = new ArrayList<>();
      if (encoder != null) {
        encoder.clear();
      }
      buildingDeadline = Long.MAX_VALUE;
      ready.clear();
      recountReady();
      retries.clear();
      all.sort(Comparator.comparingLong(r -> r.seq));
      return all;
    } finally {
      lock.unlock();
    }
  }

  /** Takes out the records whose time to live ended, each whole Kinesis record at once. */
  List<UserRecord> takeExpired(long now) {
    lock.lock();
    try {
      List<UserRecord> expired = new ArrayList<>();
      for (java.util.Iterator<OutgoingRecord> it = ready.iterator(); it.hasNext(); ) {
        OutgoingRecord r = it.next();
        if (r.expiryMillis <= now) {
          expired.addAll(r.members);
          it.remove();
        }
      }
      for (java.util.Iterator<OutgoingRecord> it = retries.iterator(); it.hasNext(); ) {
        OutgoingRecord r = it.next();
        if (r.expiryMillis <= now) {
          expired.addAll(r.members);
          it.remove();
        }
      }
      recountReady(); // also makes the ready deadline exact again
      return expired;
    } finally {
      lock.unlock();
    }
  }

  /** Returns true if nothing is buffered or waiting here. */
  boolean isIdle() {
    lock.lock();
    try {
      return building.isEmpty() && ready.isEmpty() && retries.isEmpty() && inFlight == 0;
    } finally {
      lock.unlock();
    }
  }
}
