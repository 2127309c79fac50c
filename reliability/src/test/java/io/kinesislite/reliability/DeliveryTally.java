package io.kinesislite.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the consumer processes of the pipeline campaign processed, read from their output files (one
 * {@link ProcessedRecord} line each) as they grow: which numbered lines arrived, how often, at
 * which stream positions, and when. Lines a killed worker left half-written are ignored until they
 * end (a SIGKILL can cut a write; the batch is then processed again, since it was not
 * checkpointed).
 *
 * <p>The longest time a shard went unprocessed is measured from the records' own timestamps: for
 * each record, the time from when it was ready on its shard (its arrival at the stream, or the
 * previous processing of any record of that shard, whichever is later) until it was processed. That
 * is the longest stretch in which a shard had a record waiting and no worker processed anything of
 * it. Outages of the producer side do not count (no record was waiting), while a dead worker, a
 * dead {@code serve}, or a child shard waiting for its parents does.
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class DeliveryTally {
  private final List<Path> files;
  private final Map<Path, Long> offsets = new HashMap<>();
  private final BitSet seen = new BitSet();
  private final Map<String, Long> lagByPosition = new HashMap<>();
  private final Map<String, List<long[]>> timesByShard = new TreeMap<>();
  private final List<String> foreign = new ArrayList<>();
  private long records;
  private long repeatedPositions;

  /** The longest wait of a shard and where it was; see the class comment. */
  record Gap(String shardId, long millis, long endedAtMillis) {}

  DeliveryTally(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** Reads what the files gained since the last call. */
  synchronized void poll() {
    for (Path file : files) {
      long offset = offsets.getOrDefault(file, 0L);
      byte[] bytes;
      try (SeekableByteChannel channel = Files.newByteChannel(file)) {
        channel.position(offset);
        bytes = Channels.newInputStream(channel).readAllBytes();
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--; // a line still being written, or cut by a SIGKILL: not yet, or never, complete
      }
      if (end == 0) {
        continue;
      }
      offsets.put(file, offset + end);
      for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        add(line);
      }
    }
  }

  private void add(String line) {
    ProcessedRecord r;
    try {
      r = ProcessedRecord.parse(line);
    } catch (RuntimeException e) {
      foreign.add(line);
      return;
    }
    long n = NumberedLog.number(r.data());
    if (n < 0 || n > Integer.MAX_VALUE) {
      foreign.add(line);
      return;
    }
    records++;
    seen.set((int) n);
    long lag = Math.max(0, r.processedMillis() - r.arrivalMillis());
    Long before = lagByPosition.putIfAbsent(r.position(), lag);
    if (before != null) {
      repeatedPositions++;
      lagByPosition.put(r.position(), Math.min(before, lag)); // the first processing counts
    }
    timesByShard
        .computeIfAbsent(r.shardId(), k -> new ArrayList<>())
        .add(new long[] {r.processedMillis(), r.arrivalMillis()});
  }

  /** Records processed in all, repeats included. */
  synchronized long records() {
    return records;
  }

  /** Distinct lines processed. */
  synchronized long distinct() {
    return seen.cardinality();
  }

  /** Lines 0 to {@code written} - 1 never processed. */
  synchronized long missing(long written) {
    return written - seen.get(0, (int) written).cardinality();
  }

  /** The first few line numbers below {@code written} never processed, for failure messages. */
  synchronized List<Long> firstMissing(long written, int limit) {
    List<Long> missing = new ArrayList<>();
    for (int i = seen.nextClearBit(0); i < written && missing.size() < limit; ) {
      missing.add((long) i);
      i = seen.nextClearBit(i + 1);
    }
    return missing;
  }

  /** Lines processed whose number is {@code written} or more: never written, so corrupt. */
  synchronized long beyond(long written) {
    return seen.get((int) written, Math.max((int) written, seen.length())).cardinality();
  }

  /** Processed records that repeat an earlier one (records() - distinct()). */
  synchronized long duplicates() {
    return records - seen.cardinality();
  }

  /** Repeats of a stream position already processed: a worker re-reading after a checkpoint. */
  synchronized long reprocessed() {
    return repeatedPositions;
  }

  /** Output lines that are not processed records of numbered lines: must be none. */
  synchronized List<String> foreign() {
    return List.copyOf(foreign);
  }

  /** Shards that had at least one record processed. */
  synchronized Set<String> shards() {
    return Set.copyOf(timesByShard.keySet());
  }

  /** The longest time any shard went unprocessed while a record of it waited; see above. */
  synchronized Gap longestUnprocessed() {
    Gap worst = new Gap("none", 0, 0);
    for (Map.Entry<String, List<long[]>> e : timesByShard.entrySet()) {
      List<long[]> times = new ArrayList<>(e.getValue());
      times.sort((a, b) -> Long.compare(a[0], b[0]));
      long lastProcessed = Long.MIN_VALUE;
      for (long[] t : times) {
        long ready = Math.max(t[1], lastProcessed);
        long waited = t[0] - ready;
        if (waited > worst.millis()) {
          worst = new Gap(e.getKey(), waited, t[0]);
        }
        lastProcessed = Math.max(lastProcessed, t[0]);
      }
    }
    return worst;
  }

  /** The longest time from a record's arrival at the stream to its first processing. */
  synchronized long worstLagMillis() {
    return lagByPosition.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
