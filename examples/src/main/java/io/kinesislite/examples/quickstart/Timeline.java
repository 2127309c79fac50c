package io.kinesislite.examples.quickstart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * When the quickstart's disturbances happen, as shares of the run: the split at 35 %, the worker
 * stop at 55 %, its restart at 70 %. Not thread-safe.
 */
final class Timeline {
  /** What happens. */
  enum Event {
    SPLIT(0.35),
    STOP_WORKER(0.55),
    RESTART_WORKER(0.70);

    final double share;

    Event(double share) {
      this.share = share;
    }
  }

  private final long durationNanos;
  private final Set<Event> pending = EnumSet.allOf(Event.class);

  Timeline(Duration duration) {
    this.durationNanos = duration.toNanos();
  }

  /** The events due at {@code elapsedNanos} that have not been returned before, in order. */
  List<Event> due(long elapsedNanos) {
    List<Event> due = new ArrayList<>();
    for (Event event : Event.values()) {
      if (pending.contains(event) && elapsedNanos >= (long) (durationNanos * event.share)) {
        pending.remove(event);
        due.add(event);
      }
    }
    return due;
  }
}
