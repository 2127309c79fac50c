package io.kinesislite.reliability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One named thread that runs a campaign's probes (gauges to sample, stall watches to check) every
 * period until closed. A probe that throws ends the sampling and is rethrown by {@link #close()},
 * so a broken probe fails the campaign instead of silently stopping its measurements.
 *
 * <p>Thread-safe.
 */
public final class SamplingThread implements AutoCloseable {
  private final Thread thread;
  private final List<Runnable> probes;
  private final long periodNanos;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  /** Starts sampling at once. */
  public SamplingThread(String name, Duration period, List<Runnable> probes) {
    this.probes = List.copyOf(probes);
    this.periodNanos = period.toNanos();
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        probes.forEach(Runnable::run);
        LockSupport.parkNanos(periodNanos); // a sampling period, not a wait for a condition
      }
      probes.forEach(Runnable::run); // one last sample after the run
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Stops sampling after one last round, waits for the thread, and rethrows a probe's failure. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw new IllegalStateException("a sampling probe failed", failure);
    }
  }
}
