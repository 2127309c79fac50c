package io.kinesislite.agent.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader: one thread that scans every flow's patterns on the scan interval and reads all
 * tracked files in turn, up to one chunk each per pass, so a busy file cannot starve the others. It
 * pauses while the byte budget is spent (the stream is slow, throttling or down) and sleeps for the
 * poll interval when no file had anything new.
 *
 * <p>Thread-safe to {@link #stop()} from another thread; the loop itself runs on one.
 */
final class TailLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(TailLoop.class);

  /** Bytes read from one file in one pass. */
  static final int CHUNK_BYTES = 256 * 1024;

  private final List<FileTracker> trackers;
  private final ByteBudget budget;
  private final long scanIntervalNanos;
  private final long rotatedGraceNanos;
  private final Duration pollInterval;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private volatile boolean running = true;
  private volatile boolean scanSoon;

  TailLoop(
      List<FileTracker> trackers, ByteBudget budget, Duration scanInterval, Duration pollInterval) {
    this.trackers = trackers;
    this.budget = budget;
    this.scanIntervalNanos = scanInterval.toNanos();
    // A renamed file stays open this long after its last growth: its writer may still append.
    this.rotatedGraceNanos = Math.max(2 * scanInterval.toNanos(), TimeUnit.SECONDS.toNanos(1));
    this.pollInterval = pollInterval;
  }

  @Override
  public void run() {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
    long nextScan = System.nanoTime();
    while (running) {
      try {
        long now = System.nanoTime();
        if (scanSoon || now - nextScan >= 0) {
          scanSoon = false;
          for (FileTracker t : trackers) {
            t.scan(rotatedGraceNanos);
          }
          nextScan = now + scanIntervalNanos;
        }
        boolean progress = pass(buffer);
        if (budget.exhausted()) {
          budget.awaitRoom(pollInterval);
        } else if (!progress) {
          sleep(pollInterval);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A bug must not stop the agent from reading; the next pass tries again.
        log.error("The reader failed; going on", e);
        sleepQuietly();
      }
    }
  }

  // One read of every file; returns whether any had something new.
  private boolean pass(ByteBuffer buffer) {
    boolean progress = false;
    long now = System.nanoTime();
    for (FileTracker tracker : trackers) {
      long flushAfter = tracker.shipper().flow().multiLineFlushTimeout().toNanos();
      boolean multiLine = tracker.shipper().flow().multiLineStartPattern().isPresent();
      for (TrackedFile file : tracker.files()) {
        if (!running || budget.exhausted()) {
          return progress;
        }
        try {
          progress |= file.read(buffer) > 0;
        } catch (IOException e) {
          log.warn(
              "Flow {}: reading {} failed: {}",
              tracker.shipper().flow().id(),
              file.pathString(),
              e.toString());
          tracker.shipper().metrics().error("read");
        }
        if (file.status() == TrackedFile.Status.TRUNCATED) {
          scanSoon = true;
        } else if (multiLine && file.hasPending() && file.nanosSinceGrowth(now) >= flushAfter) {
          file.flush(false); // the multi-line record got no more lines in time
        }
      }
    }
    return progress;
  }

  private void sleep(Duration d) throws InterruptedException {
    lock.lock();
    try {
      if (running && !scanSoon) {
        wake.await(d.toNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private void sleepQuietly() {
    try {
      sleep(pollInterval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Ends the loop after the current pass. */
  void stop() {
    running = false;
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    budget.wakeAll();
  }
}
