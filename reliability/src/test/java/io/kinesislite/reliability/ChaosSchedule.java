package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A campaign's chaos loop as a timeline: actions (a storm begins, an outage ends, ...) at offsets
 * from the start of the run, laid out beforehand from the campaign's seed and then run in time
 * order by one thread that sleeps in between. Sleeping here only spaces the faults; no assertion
 * waits on it.
 *
 * <p>Not thread-safe: one thread lays it out and runs it.
 */
public final class ChaosSchedule {
  private record Action(long atMillis, int order, Runnable action) {}

  private final List<Action> actions = new ArrayList<>();

  /**
   * Runs {@code action} at {@code offset} from the start; actions at one time run in order added.
   */
  public ChaosSchedule at(Duration offset, Runnable action) {
    actions.add(new Action(offset.toMillis(), actions.size(), action));
    return this;
  }

  /** How many actions are laid out. */
  public int size() {
    return actions.size();
  }

  /**
   * Runs the actions due before {@code length} from now, each at its time, and returns once {@code
   * length} has passed; actions laid out beyond it do not run.
   */
  public void run(Duration length) throws InterruptedException {
    long start = System.nanoTime();
    List<Action> ordered = new ArrayList<>(actions);
    ordered.sort(Comparator.comparingLong(Action::atMillis).thenComparingInt(Action::order));
    for (Action a : ordered) {
      if (a.atMillis() >= length.toMillis()) {
        break;
      }
      sleepUntil(start, a.atMillis());
      a.action().run();
    }
    sleepUntil(start, length.toMillis());
  }

  private static void sleepUntil(long startNanos, long offsetMillis) throws InterruptedException {
    long left = offsetMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    if (left > 0) {
      Thread.sleep(left);
    }
  }
}
