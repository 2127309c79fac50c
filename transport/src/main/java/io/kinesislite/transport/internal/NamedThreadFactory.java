package io.kinesislite.transport.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes daemon threads named {@code <prefix>-<n>}, so that every thread kinesis-lite starts can be
 * told apart in a thread dump, and lets an owner wait until all of them have ended. Thread-safe.
 */
public final class NamedThreadFactory implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);
  private final Queue<Thread> made = new ConcurrentLinkedQueue<>();

  public NamedThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + next.getAndIncrement());
    thread.setDaemon(true);
    made.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    made.add(thread);
    return thread;
  }

  /**
   * Waits until every thread this factory made has ended, at most {@code timeout} in all. An
   * executor's {@code awaitTermination} returns while its last worker is still exiting; owners that
   * promise "no thread left after close" join here as well.
   *
   * @return true if all threads ended in time
   */
  public boolean awaitThreads(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread thread : made) {
      if (thread == Thread.currentThread()) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return !thread.isAlive() && made.stream().noneMatch(Thread::isAlive);
      }
      TimeUnit.NANOSECONDS.timedJoin(thread, left);
      if (thread.isAlive()) {
        return false;
      }
    }
    return true;
  }
}
