package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Times how long something took to make progress again after each outage the campaign imposed on
 * it: {@link #begin()} and {@link #end(long)} bracket an outage, {@link #sample(long)} is fed a
 * progress counter (records acknowledged, records consumed) and, the first time it has moved past
 * its value at the outage's end, records the time since that end as one recovery.
 *
 * <p>Thread-safe (synchronized).
 */
public final class RecoveryClock {
  private boolean during;
  private long endedAtNanos;
  private long counterAtEnd;
  private boolean waiting;
  private final List<Duration> recoveries = new ArrayList<>();

  /** An outage begins. */
  public synchronized void begin() {
    during = true;
    waiting = false;
  }

  /** The outage ends; {@code counter} is the progress counter now. */
  public synchronized void end(long counter) {
    during = false;
    waiting = true;
    counterAtEnd = counter;
    endedAtNanos = System.nanoTime();
  }

  /** Whether an outage is going on. */
  public synchronized boolean during() {
    return during;
  }

  /** Feeds the progress counter; records a recovery when it first moves after an outage. */
  public synchronized void sample(long counter) {
    if (waiting && counter > counterAtEnd) {
      recoveries.add(Duration.ofNanos(System.nanoTime() - endedAtNanos));
      waiting = false;
    }
  }

  /**
   * The recovery after each outage so far, in order; an outage not yet recovered from is absent.
   */
  public synchronized List<Duration> recoveries() {
    return List.copyOf(recoveries);
  }
}
