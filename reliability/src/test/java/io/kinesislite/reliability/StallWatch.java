package io.kinesislite.reliability;

import java.time.Duration;

/**
 * The longest time something went without progress while it had work: a producer without an
 * acknowledgement, a consumer without a new record while acknowledged ones waited. {@link
 * #progress()} marks progress; {@link #idle()} marks a moment with no work (waiting then is no
 * stall); {@link #check()} folds the gap so far into the maximum, so that a stall still going on
 * counts too. Nothing is measured before {@link #start()} or after {@link #stop()}.
 *
 * <p>Thread-safe (synchronized; a few calls per millisecond at most).
 */
public final class StallWatch {
  private boolean running;
  private long lastNanos;
  private long worstNanos;
  private long worstEndedAtNanos;
  private long startedNanos;

  /** Starts measuring now, as if progress had just been made. */
  public synchronized void start() {
    running = true;
    startedNanos = System.nanoTime();
    lastNanos = startedNanos;
  }

  /** Marks progress now. */
  public synchronized void progress() {
    if (running) {
      long now = System.nanoTime();
      fold(now);
      lastNanos = now;
    }
  }

  /** Marks that there is no work now: the time since the last progress is not a stall. */
  public synchronized void idle() {
    if (running) {
      lastNanos = System.nanoTime();
    }
  }

  /** Counts the gap since the last progress so far, without ending it. */
  public synchronized void check() {
    if (running) {
      fold(System.nanoTime());
    }
  }

  /** Stops measuring, counting the gap up to now. */
  public synchronized void stop() {
    check();
    running = false;
  }

  private void fold(long now) {
    if (now - lastNanos > worstNanos) {
      worstNanos = now - lastNanos;
      worstEndedAtNanos = now;
    }
  }

  /** The longest gap without progress while there was work. */
  public synchronized Duration worst() {
    return Duration.ofNanos(worstNanos);
  }

  /** How long after {@link #start()} the worst gap ended (or was last seen going on). */
  public synchronized Duration worstEndedAfterStart() {
    return Duration.ofNanos(worstNanos == 0 ? 0 : worstEndedAtNanos - startedNanos);
  }
}
