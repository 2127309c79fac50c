package io.kinesislite.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every record a consumer fleet processed, with the shard, the worker, the record processor
 * instance and the time ({@link System#nanoTime()}), so that a campaign can count what was lost and
 * duplicated and measure how long two processors of one shard were active at the same time.
 *
 * <p>A processor instance's activity is the span from its first processed record to its last; two
 * instances of one shard overlap for the length of the intersection of their spans. A worker that
 * gets a shard again after losing it runs a new instance, so its two tenures are told apart.
 *
 * <p>Thread-safe: processors of every shard record concurrently.
 */
final class ProcessingLog {
  /** One processed record. */
  record Event(String shardId, String workerId, int instance, String recordId, long nanos) {}

  /** The longest overlap found: which shard, which two workers, and for how long. */
  record Overlap(String shardId, String first, String second, Duration length) {
    static final Overlap NONE = new Overlap("-", "-", "-", Duration.ZERO);

    @Override
    public String toString() {
      return length.isZero()
          ? "none"
          : shardId + " by " + first + " and " + second + " for " + length.toMillis() + " ms";
    }
  }

  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  void processed(String shardId, String workerId, int instance, String recordId) {
    events.add(new Event(shardId, workerId, instance, recordId, System.nanoTime()));
  }

  /** The ids of every record processed at least once. */
  Set<String> processedIds() {
    Set<String> ids = new HashSet<>();
    for (Event e : events) {
      ids.add(e.recordId());
    }
    return ids;
  }

  /** Records processed more than once, counted once per extra processing. */
  long duplicates() {
    return events.size() - processedIds().size();
  }

  /** The newest time each shard processed a record, by shard. */
  Map<String, Long> lastProcessedNanos() {
    Map<String, Long> last = new TreeMap<>();
    for (Event e : events) {
      last.merge(e.shardId(), e.nanos(), Math::max);
    }
    return last;
  }

  /** The records processed between {@code fromNanos} and {@code toNanos}, both included. */
  List<Event> processedBetween(long fromNanos, long toNanos) {
    List<Event> found = new ArrayList<>();
    for (Event e : events) {
      if (e.nanos() >= fromNanos && e.nanos() <= toNanos) {
        found.add(e);
      }
    }
    return found;
  }

  /** The longest time two processor instances of one shard were both active. */
  Overlap longestOverlap() {
    // shard -> instance -> {first, last}; and the instance's worker
    Map<String, Map<Integer, long[]>> spans = new HashMap<>();
    Map<Integer, String> workers = new HashMap<>();
    for (Event e : events) {
      workers.put(e.instance(), e.workerId());
      spans
          .computeIfAbsent(e.shardId(), k -> new HashMap<>())
          .merge(
              e.instance(),
              new long[] {e.nanos(), e.nanos()},
              (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    Overlap longest = Overlap.NONE;
    for (Map.Entry<String, Map<Integer, long[]>> shard : spans.entrySet()) {
      List<Map.Entry<Integer, long[]>> instances = new ArrayList<>(shard.getValue().entrySet());
      for (int i = 0; i < instances.size(); i++) {
        for (int j = i + 1; j < instances.size(); j++) {
          long[] a = instances.get(i).getValue();
          long[] b = instances.get(j).getValue();
          long both = Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
          if (both > longest.length().toNanos()) {
            longest =
                new Overlap(
                    shard.getKey(),
                    workers.get(instances.get(i).getKey()),
                    workers.get(instances.get(j).getKey()),
                    Duration.ofNanos(both));
          }
        }
      }
    }
    return longest;
  }

  /** How many records were processed in all, duplicates included. */
  long size() {
    return events.size();
  }
}
