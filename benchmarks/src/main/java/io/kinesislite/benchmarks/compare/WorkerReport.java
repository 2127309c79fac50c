package io.kinesislite.benchmarks.compare;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a worker process of {@link ConsumerComparison} ({@link KclLiteWorkerMain}, {@link
 * KclWorkerMain}) tells its parent, the same for both sides: every 100 ms a {@link Line} on
 * standard output with the records processed per shard, the shards held, the first and last
 * record's time and the process's CPU time. Records marked as the comparison's trickle ({@link
 * #trickleIndex(ByteBuffer)}) are also appended to an output file, "shardId index" per line,
 * written and flushed before the batch is checkpointed, so that the parent can count records
 * processed twice after a SIGKILL. Times are {@link System#nanoTime()}, which on Linux is the
 * system-wide monotonic clock, so the parent can compare them with its own. Thread-safe.
 */
final class WorkerReport {
  static final String PREFIX = "PROGRESS ";

  /** The first data byte of a backlog record. */
  static final byte BACKLOG = 0;

  /** The first data byte of a trickle record; the next 8 bytes are its index. */
  static final byte TRICKLE = 1;

  private final Map<String, LongAdder> perShard = new ConcurrentHashMap<>();
  private final Map<String, String> lastSequence = new ConcurrentHashMap<>();
  // Processors running per shard: a count, not a set, because a worker may start a shard's new
  // processor (it took the lease back) before the old one has ended; a set would let the old one's
  // end remove the new one's entry.
  private final Map<String, Integer> held = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();
  private final AtomicLong firstNanos = new AtomicLong(-1);
  private volatile long lastNanos = -1;
  private final OutputStream trickleOut;

  WorkerReport(Path trickleFile) throws IOException {
    this.trickleOut = new BufferedOutputStream(Files.newOutputStream(trickleFile), 1 << 16);
  }

  /** The trickle index of a record, or -1 for a backlog record. */
  static long trickleIndex(ByteBuffer data) {
    int p = data.position();
    if (data.remaining() < 9 || data.get(p) != TRICKLE) {
      return -1;
    }
    return data.getLong(p + 1);
  }

  /** A processor of {@code shardId} was initialized: the worker holds it. */
  void initialized(String shardId) {
    perShard.computeIfAbsent(shardId, s -> new LongAdder());
    held.merge(shardId, 1, Integer::sum);
  }

  /** The processor of {@code shardId} ended (lease lost, shard ended, shutdown). */
  void ended(String shardId) {
    held.computeIfPresent(shardId, (k, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * Counts a batch of {@code records} of {@code shardId} whose last record has {@code
   * lastSequenceNumber}, and writes out (and flushes) the trickle indexes among them; call it
   * before checkpointing the batch.
   */
  void processed(
      String shardId, int records, String lastSequenceNumber, List<Long> trickleIndexes) {
    if (records == 0) {
      return;
    }
    long now = System.nanoTime();
    firstNanos.compareAndSet(-1, now);
    if (!trickleIndexes.isEmpty()) {
      StringBuilder lines = new StringBuilder();
      for (long index : trickleIndexes) {
        lines.append(shardId).append(' ').append(index).append('\n');
      }
      byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
      synchronized (trickleOut) {
        try {
          trickleOut.write(bytes);
          trickleOut.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    perShard.computeIfAbsent(shardId, s -> new LongAdder()).add(records);
    lastSequence.put(shardId, lastSequenceNumber);
    total.add(records);
    lastNanos = System.nanoTime();
  }

  /**
   * Starts printing a line every 100 ms, and exits the JVM at once when standard input ends (the
   * parent closed it or died), so that a worker never outlives its comparison.
   */
  void start() {
    Thread printer =
        new Thread(
            () -> {
              while (true) {
                System.out.println(progressLine());
                System.out.flush();
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "worker-report");
    printer.setDaemon(true);
    printer.start();
    Thread stdin =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // discard
                }
              } catch (IOException e) {
                // closed under us: the same as its end
              }
              Runtime.getRuntime().halt(0);
            },
            "worker-stdin");
    stdin.setDaemon(true);
    stdin.start();
  }

  String progressLine() {
    StringJoiner shards = new StringJoiner(",");
    new TreeMap<>(perShard)
        .forEach((s, n) -> shards.add(s + ":" + n.sum() + ":" + lastSequence.getOrDefault(s, "-")));
    String heldList = String.join(",", new TreeSet<>(held.keySet()));
    long cpu =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return PREFIX
        + "t="
        + System.nanoTime()
        + " cpu="
        + cpu
        + " first="
        + firstNanos.get()
        + " last="
        + lastNanos
        + " total="
        + total.sum()
        + " held="
        + (heldList.isEmpty() ? "-" : heldList)
        + " shards="
        + (shards.length() == 0 ? "-" : shards.toString());
  }

  /**
   * One progress line as the parent reads it.
   *
   * @param nanos when it was printed
   * @param cpuNanos the worker process's CPU time then
   * @param firstNanos when the worker processed its first record, or -1
   * @param lastNanos when it processed its last record so far, or -1
   * @param total records processed so far
   * @param held shards whose processors are running
   * @param shards records processed so far, by shard
   * @param lastSequence the sequence number of the last record processed, by shard
   */
  record Line(
      long nanos,
      long cpuNanos,
      long firstNanos,
      long lastNanos,
      long total,
      Set<String> held,
      Map<String, Long> shards,
      Map<String, BigInteger> lastSequence) {

    /** Parses a line; null if it is not a progress line (log output shares the stream). */
    static Line parse(String text) {
      if (!text.startsWith(PREFIX)) {
        return null;
      }
      Map<String, String> f = new LinkedHashMap<>();
      for (String part : text.substring(PREFIX.length()).trim().split(" ")) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          return null;
        }
        f.put(part.substring(0, eq), part.substring(eq + 1));
      }
      try {
        Set<String> held = new TreeSet<>();
        if (!f.get("held").equals("-")) {
          Collections.addAll(held, f.get("held").split(","));
        }
        Map<String, Long> shards = new TreeMap<>();
        Map<String, BigInteger> lastSequence = new TreeMap<>();
        if (!f.get("shards").equals("-")) {
          for (String s : f.get("shards").split(",")) {
            String[] parts = s.split(":");
            shards.put(parts[0], Long.parseLong(parts[1]));
            if (!parts[2].equals("-")) {
              lastSequence.put(parts[0], new BigInteger(parts[2]));
            }
          }
        }
        return new Line(
            Long.parseLong(f.get("t")),
            Long.parseLong(f.get("cpu")),
            Long.parseLong(f.get("first")),
            Long.parseLong(f.get("last")),
            Long.parseLong(f.get("total")),
            held,
            shards,
            lastSequence);
      } catch (RuntimeException e) {
        return null; // a line cut short
      }
    }

    long count(String shardId) {
      return shards.getOrDefault(shardId, 0L);
    }

    /**
     * Whether the record at {@code sequenceNumber} of {@code shardId} or a later one was processed.
     */
    boolean reached(String shardId, BigInteger sequenceNumber) {
      BigInteger last = lastSequence.get(shardId);
      return last != null && last.compareTo(sequenceNumber) >= 0;
    }
  }

  /**
   * Reads a trickle output file between two byte offsets (complete lines only; a killed writer may
   * leave half a line): the indexes there, in order.
   */
  static List<Long> readTrickle(Path file, long from, long to) throws IOException {
    List<Long> indexes = new ArrayList<>();
    if (!Files.exists(file)) {
      return indexes;
    }
    byte[] bytes = Files.readAllBytes(file);
    int end = (int) Math.min(bytes.length, to);
    String text =
        new String(
            bytes,
            (int) Math.min(from, end),
            (int) (end - Math.min(from, end)),
            StandardCharsets.UTF_8);
    int last = text.lastIndexOf('\n');
    if (last < 0) {
      return indexes;
    }
    for (String line : text.substring(0, last).split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        indexes.add(Long.parseLong(line.substring(space + 1)));
      }
    }
    return indexes;
  }
}
