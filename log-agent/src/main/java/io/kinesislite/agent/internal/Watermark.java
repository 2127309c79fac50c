package io.kinesislite.agent.internal;

/**
 * The contiguous acknowledgement watermark of one file: records are registered in file order with
 * the offset where each ends, acknowledged in any order, and {@link #acked()} is the end of the
 * longest acknowledged prefix, so a later record's acknowledgement never moves it past an earlier
 * record still in flight. That offset is what the state file saves; everything after it is read
 * again after a crash.
 *
 * <p>Memory is one long and one boolean per record in flight, in a ring that grows as needed.
 * Thread-safe: the reader registers, producer callbacks acknowledge.
 */
public final class Watermark {
  private long[] ends = new long[64];
  private boolean[] done = new boolean[64];
  private long first; // ticket of the oldest record in flight
  private long next; // ticket the next record gets
  private long acked;

  /** Starts at {@code offset}: everything before it counts as acknowledged. */
  public Watermark(long offset) {
    this.acked = offset;
  }

  /** Registers the next record, which ends at {@code endOffset}; returns its ticket. */
  public synchronized long register(long endOffset) {
    if (next - first == ends.length) {
      grow();
    }
    int slot = (int) (next % ends.length);
    ends[slot] = endOffset;
    done[slot] = false;
    return next++;
  }

  /**
   * Registers a stretch that needs no acknowledgement (a skipped header line, a dropped record).
   */
  public synchronized void skip(long endOffset) {
    ack(register(endOffset));
  }

  /** Acknowledges the record with this ticket; advances the watermark over every done record. */
  public synchronized void ack(long ticket) {
    if (ticket < first || ticket >= next) {
      return; // already passed (a duplicate acknowledgement)
    }
    done[(int) (ticket % ends.length)] = true;
    while (first < next && done[(int) (first % ends.length)]) {
      acked = ends[(int) (first % ends.length)];
      first++;
    }
  }

  /** Returns the offset up to which every record is acknowledged. */
  public synchronized long acked() {
    return acked;
  }

  /** Returns how many records are registered and not yet passed by the watermark. */
  public synchronized long inFlight() {
    return next - first;
  }

  private void grow() {
    int size = ends.length;
    long[] newEnds = new long[size * 2];
    boolean[] newDone = new boolean[size * 2];
    for (long t = first; t < next; t++) {
      newEnds[(int) (t % newEnds.length)] = ends[(int) (t % size)];
      newDone[(int) (t % newEnds.length)] = done[(int) (t % size)];
    }
    ends = newEnds;
    done = newDone;
  }
}
