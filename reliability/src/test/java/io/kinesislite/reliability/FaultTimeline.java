package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The faults the pipeline campaign injected, in order: what each was, when (from the start of the
 * run), and how long the part took to come back, with counts by kind and the slowest restart of
 * each kind for the report. Not thread-safe: the campaign's thread adds to it.
 */
final class FaultTimeline {
  /**
   * One injected fault.
   *
   * @param kind what was done
   * @param atMillis when, in ms from the start of the run
   * @param what a description for the log and the report
   * @param restart how long the killed part took to come back, or null for no kill
   * @param alsoRotated a rotation done while the killed part was down, or null
   */
  record Event(
      PipelineFault kind, long atMillis, String what, Duration restart, PipelineFault alsoRotated) {
    Event(PipelineFault kind, long atMillis, String what, Duration restart) {
      this(kind, atMillis, what, restart, null);
    }

    /** "76 s: SIGKILL worker-3", for the report. */
    String describe() {
      return CampaignReport.format(Duration.ofMillis(atMillis)) + ": " + what;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "+%6.1f s %s%s",
          atMillis / 1000.0,
          what,
          restart == null ? "" : ", up again after " + restart.toMillis() + " ms");
    }
  }

  private final List<Event> events = new ArrayList<>();
  private final Map<PipelineFault, Integer> counts = new EnumMap<>(PipelineFault.class);
  private final Map<PipelineFault, Duration> slowestRestart = new EnumMap<>(PipelineFault.class);
  private int rotationsWhileDown;

  void add(Event event) {
    events.add(event);
    counts.merge(event.kind(), 1, Integer::sum);
    if (event.alsoRotated() != null) {
      counts.merge(event.alsoRotated(), 1, Integer::sum);
      rotationsWhileDown++;
    }
    if (event.restart() != null) {
      slowestRestart.merge(event.kind(), event.restart(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
  }

  /** Faults of {@code kind} injected, rotations done while a part was down included. */
  int count(PipelineFault kind) {
    return counts.getOrDefault(kind, 0);
  }

  /** Faults injected in all; a kill with a rotation while down counts as two. */
  long total() {
    return counts.values().stream().mapToLong(Integer::longValue).sum();
  }

  /** Rotations done while the agent was down. */
  int rotationsWhileDown() {
    return rotationsWhileDown;
  }

  /** The slowest kill-to-up time of each kind of kill. */
  Map<PipelineFault, Duration> slowestRestarts() {
    return new EnumMap<>(slowestRestart);
  }

  /** The last fault injected at or before {@code atMillis} from the start, or null. */
  Event lastBefore(long atMillis) {
    Event last = null;
    for (Event e : events) {
      if (e.atMillis() <= atMillis) {
        last = e;
      }
    }
    return last;
  }

  /** Every event, one a line. */
  @Override
  public String toString() {
    return String.join("\n", events.stream().map(Event::toString).toList());
  }
}
