package io.kinesislite.reliability;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What became of every record a campaign produced, by record id: added to a producer (or refused by
 * its full buffer), acknowledged or failed, and how many times consumers were handed it. From that
 * it tells the campaign's figures: written, acknowledged, failed, lost (acknowledged, never
 * consumed), duplicated, and consumed records that were never written or whose data changed.
 *
 * <p>Each record's data starts with its id (8 bytes) and goes on with bytes and a length derived
 * from the id, so a consumer checks a record against the ledger alone; its partition key is derived
 * from the id too. Ids run from 0 up to a fixed capacity, one int of state each: a few bits of fate
 * and a delivery count above them, changed atomically, so that an acknowledgement and a delivery
 * racing each other still count a record as pending consumption exactly while it is.
 *
 * <p>Thread-safe.
 */
public final class RecordLedger {
  private static final int ADDED = 1;
  private static final int ACKED = 2;
  private static final int FAILED = 4;
  private static final int REFUSED = 8;
  private static final int DELIVERY = 1 << 8;
  private static final int MIN_SIZE = 100;
  private static final int SIZE_SPREAD = 900;
  private static final int KEYS = 200;

  private final AtomicIntegerArray states;
  private final AtomicLong nextId = new AtomicLong();
  private final LongAdder pendingConsumption = new LongAdder();
  private final LongAdder distinctConsumed = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder phantoms = new LongAdder();
  private final LongAdder corrupt = new LongAdder();

  /** A ledger for up to {@code capacity} records. */
  public RecordLedger(int capacity) {
    this.states = new AtomicIntegerArray(capacity);
  }

  /**
   * Takes the next record id and marks it added; the caller adds it to a producer next. Returns -1
   * once the ledger is full.
   */
  public long nextToAdd() {
    long id = nextId.getAndIncrement();
    if (id >= states.length()) {
      nextId.set(states.length()); // stays at the end, so added() keeps its meaning
      return -1;
    }
    // Marked before the producer has it: a consumer may see a record before add() returns.
    states.getAndUpdate((int) id, s -> s | ADDED);
    return id;
  }

  /** The producer refused the record (its buffer stayed full): it was never written. */
  public void refused(long id) {
    states.getAndUpdate((int) id, s -> s | REFUSED);
    refused.increment();
  }

  /** The record's future succeeded. */
  public void acknowledged(long id) {
    int before = states.getAndUpdate((int) id, s -> s | ACKED);
    completed.increment();
    acknowledged.increment();
    if (before >>> 8 == 0) {
      pendingConsumption.increment();
    }
  }

  /** The record's future failed. */
  public void failed(long id) {
    states.getAndUpdate((int) id, s -> s | FAILED);
    completed.increment();
  }

  /**
   * A consumer was handed a record with this data. Returns true if it was the record's first
   * delivery.
   */
  public boolean delivered(ByteBuffer data) {
    ByteBuffer d = data.duplicate();
    if (d.remaining() < Long.BYTES) {
      corrupt.increment();
      return false;
    }
    long id = d.getLong(d.position());
    if (id < 0 || id >= Math.min(nextId.get(), states.length())) {
      phantoms.increment();
      return false;
    }
    if (!matches(id, d)) {
      corrupt.increment();
    }
    int before = states.getAndAdd((int) id, DELIVERY);
    if ((before & ADDED) == 0 || (before & REFUSED) != 0) {
      phantoms.increment(); // a refused record was never given to a producer
    }
    if (before >>> 8 == 0) {
      distinctConsumed.increment();
      if ((before & ACKED) != 0) {
        pendingConsumption.decrement();
      }
      return true;
    }
    return false;
  }

  /** The partition key of record {@code id}. */
  public static String partitionKey(long id) {
    return "key-" + Math.floorMod(mix(id), KEYS);
  }

  /** The data of record {@code id}: its id, then 100 to 999 bytes in all of a pattern of it. */
  public static ByteBuffer data(long id) {
    int size = MIN_SIZE + (int) Math.floorMod(mix(id) >>> 8, (long) SIZE_SPREAD);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(id);
    for (int i = Long.BYTES; i < size; i++) {
      b.put(pattern(id, i));
    }
    return b.flip();
  }

  /** What the producer counts for record {@code id} against MaxOutstandingBytes: key and data. */
  public static long countedSize(long id) {
    return partitionKey(id).length() + data(id).remaining();
  }

  private static boolean matches(long id, ByteBuffer d) {
    ByteBuffer expected = data(id);
    return d.remaining() == expected.remaining() && d.equals(expected);
  }

  private static byte pattern(long id, int i) {
    return (byte) (id * 31 + i * 7);
  }

  private static long mix(long id) {
    long z = id * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 27);
  }

  /** Records given to a producer (not refused). */
  public long written() {
    return Math.min(nextId.get(), states.length()) - refused.sum();
  }

  /** Records whose future completed, either way. */
  public long completed() {
    return completed.sum();
  }

  public long acknowledged() {
    return acknowledged.sum();
  }

  /** Records refused at add because the producer's buffer stayed full. */
  public long refusedCount() {
    return refused.sum();
  }

  /** Acknowledged records no consumer was handed yet. */
  public long pendingConsumption() {
    return pendingConsumption.sum();
  }

  /** Records handed to a consumer at least once. */
  public long distinctConsumed() {
    return distinctConsumed.sum();
  }

  /** Consumed records that were never written (or ids that were never taken). */
  public long phantoms() {
    return phantoms.sum();
  }

  /** Consumed records whose data is not what was written under their id. */
  public long corrupt() {
    return corrupt.sum();
  }

  /** Whether the ledger ran out of ids. */
  public boolean full() {
    return nextId.get() >= states.length();
  }

  /** Counts every record's fate by scanning the ledger; call once the run is over. */
  public Tally tally() {
    long lost = 0;
    long duplicates = 0;
    long failedStored = 0;
    long failed = 0;
    long ids = Math.min(nextId.get(), states.length());
    for (int id = 0; id < ids; id++) {
      int s = states.get(id);
      int deliveries = s >>> 8;
      if ((s & ACKED) != 0 && deliveries == 0) {
        lost++;
      }
      if ((s & FAILED) != 0) {
        failed++;
        if (deliveries > 0) {
          failedStored++;
        }
      }
      if (deliveries > 1) {
        duplicates += deliveries - 1;
      }
    }
    return new Tally(lost, duplicates, failed, failedStored);
  }

  /**
   * The ledger's fates once the run is over.
   *
   * @param lost acknowledged but never consumed
   * @param duplicates deliveries beyond each record's first
   * @param failed records whose future failed
   * @param failedButStored failed records a consumer was handed all the same (a put that took
   *     effect although its answer was lost)
   */
  public record Tally(long lost, long duplicates, long failed, long failedButStored) {}
}
