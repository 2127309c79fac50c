package io.kinesislite.benchmarks.compare;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One side of the {@code producer} comparison, in a JVM of its own: kpl-lite ({@code --impl
 * kpl-lite}) or the real KPL ({@code --impl kpl}, which needs the peers' jars on the class path)
 * putting 100-byte records with random partition keys into {@code serve} over HTTPS.
 *
 * <pre>
 * ProducerSideMain --impl kpl-lite|kpl --port PORT --stream NAME --result FILE --work DIR
 *     --warmup-records N (--records N | --rate R --warmup-ms MS --duration-ms MS)
 * </pre>
 *
 * <p>The protocol with {@link ProducerComparison}: the side starts its producer, puts the warm-up
 * records at full speed and waits for them (its shard map has then landed and the put path is
 * compiled), writes {@code FILE.ready}, and waits for a line on its standard input. Then it runs
 * the measured part: {@code --records} at full speed (add them all, flush, wait for every
 * completion), or {@code --rate} records per second, paced, for {@code --warmup-ms} (not counted)
 * and then {@code --duration-ms}, taking each record's time from just before its add to its
 * completion. It writes what it measured to {@code FILE} (a properties file, moved into place when
 * complete) and waits for its standard input to close before it closes the producer and exits, so
 * that the caller reads the processes' CPU and memory while they are still there.
 */
public final class ProducerSideMain {
  static final int RECORD_BYTES = 100;
  static final int KEYS = 65_536;
  static final long SEED = 20261203L;

  /**
   * The most records outstanding before either side's adder waits: kpl-lite's MaxOutstandingRecords
   * is set to it, and the KPL (which has no such limit and never blocks an add) is held to it by
   * the adder, checking its outstanding-records count every {@value #OUTSTANDING_CHECK_EVERY} adds.
   * 50,000, not kpl-lite's default 500,000: the KPL's cost per record grows with its backlog, and
   * measured here it delivered about 41,000 records/s with 50,000 outstanding but under 10,000 with
   * 500,000; the comparison gives it the cap it does well at.
   */
  static final long MAX_OUTSTANDING = 50_000;

  static final int OUTSTANDING_CHECK_EVERY = 1_000;

  private ProducerSideMain() {}

  /** What a side's producer must do; each implementation wraps one library. */
  interface Side extends AutoCloseable {
    /** Adds a record; {@code done} is called once with whether it was delivered. */
    void add(String stream, String partitionKey, byte[] data, Completion done);

    /** Sends what is buffered without waiting for its buffer time. */
    void flush();

    /** Records added and not yet completed. */
    long outstanding();

    /** Whether the adder should wait for outstanding records (the KPL never blocks an add). */
    boolean needsAdderBackPressure();

    @Override
    void close();
  }

  /** A record's completion: delivered or not, and a description of the failure. */
  interface Completion {
    void completed(boolean delivered, String failure);
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String[] keys = keys();
    byte[] data = new byte[RECORD_BYTES];
    new Random(SEED).nextBytes(data);
    try (Side side =
        switch (o.impl) {
          case "kpl-lite" -> KplLiteSide.open(o.port);
          case "kpl" -> KplSide.open(o.port, o.work);
          default -> throw new IllegalArgumentException("--impl is kpl-lite or kpl: " + o.impl);
        }) {
      Measured warm = fullSpeed(side, o.stream, keys, data, o.warmupRecords, 0);
      System.out.printf(
          Locale.ROOT,
          "[producer-side] %s warm-up: %,d records in %.2f s, %d failed%n",
          o.impl,
          o.warmupRecords,
          warm.nanos / 1e9,
          warm.failed);
      if (warm.failed > 0) {
        throw new IllegalStateException("warm-up records failed: " + warm.firstFailure);
      }
      Files.writeString(Path.of(o.result + ".ready"), "ready\n");
      BufferedReader stdin =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (stdin.readLine() == null) {
        return; // the caller is gone
      }
      Measured m =
          o.records > 0
              ? fullSpeed(side, o.stream, keys, data, o.records, o.warmupRecords)
              : paced(side, o, keys, data);
      Properties p = new Properties();
      p.setProperty("records", Long.toString(m.records));
      p.setProperty("delivered", Long.toString(m.delivered));
      p.setProperty("failed", Long.toString(m.failed));
      p.setProperty("nanos", Long.toString(m.nanos));
      p.setProperty("p50Nanos", Long.toString(m.p50Nanos));
      p.setProperty("p99Nanos", Long.toString(m.p99Nanos));
      p.setProperty("firstFailure", m.firstFailure == null ? "" : m.firstFailure);
      Path tmp = Path.of(o.result + ".tmp");
      try (var out = Files.newBufferedWriter(tmp)) {
        p.store(out, o.impl);
      }
      Files.move(tmp, Path.of(o.result), StandardCopyOption.ATOMIC_MOVE);
      System.out.printf(Locale.ROOT, "[producer-side] %s measured: %s%n", o.impl, m);
      while (stdin.readLine() != null) {
        // wait for end of file: the caller has read CPU and memory
      }
    }
    System.exit(0);
  }

  /** The partition keys, the same for both sides: random 64-bit numbers in hex. */
  static String[] keys() {
    Random random = new Random(SEED);
    String[] keys = new String[KEYS];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Long.toHexString(random.nextLong());
    }
    return keys;
  }

  /** What one measured part saw. */
  record Measured(
      long records,
      long delivered,
      long failed,
      long nanos,
      long p50Nanos,
      long p99Nanos,
      String firstFailure) {}

  /** Adds {@code count} records as fast as the producer takes them, flushes, waits for all. */
  static Measured fullSpeed(
      Side side, String stream, String[] keys, byte[] data, long count, long keyOffset)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(Math.toIntExact(count));
    LongAdder delivered = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    Completion completion =
        (ok, why) -> {
          if (ok) {
            delivered.increment();
          } else {
            failed.increment();
            firstFailure.compareAndSet(null, why);
          }
          done.countDown();
        };
    boolean backPressure = side.needsAdderBackPressure();
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      if (backPressure && i % OUTSTANDING_CHECK_EVERY == 0) {
        while (side.outstanding() > MAX_OUTSTANDING) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
      side.add(stream, keys[(int) ((i + keyOffset) % keys.length)], data, completion);
    }
    side.flush();
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          done.getCount() + " of " + count + " records not completed in 10 minutes");
    }
    long nanos = System.nanoTime() - start;
    return new Measured(count, delivered.sum(), failed.sum(), nanos, -1, -1, firstFailure.get());
  }

  /**
   * Adds records at {@code o.rate} per second (in bursts of what is due, checked every 100 µs or
   * so) for the warm-up and the measured time; the latencies of the measured records count.
   */
  static Measured paced(Side side, Options o, String[] keys, byte[] data)
      throws InterruptedException {
    long warmCount = Math.round(o.rate * o.warmupMs / 1000.0);
    long count = warmCount + Math.max(1, Math.round(o.rate * o.durationMs / 1000.0));
    int measured = Math.toIntExact(count - warmCount);
    long[] latencies = new long[measured];
    CountDownLatch done = new CountDownLatch(Math.toIntExact(count));
    LongAdder delivered = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    double nanosPerRecord = 1e9 / o.rate;
    long start = System.nanoTime();
    long measuredStart = 0;
    long i = 0;
    while (i < count) {
      long now = System.nanoTime();
      long due = Math.min(count, (long) ((now - start) / nanosPerRecord) + 1);
      for (; i < due; i++) {
        long added = System.nanoTime();
        if (i == warmCount) {
          measuredStart = added;
        }
        int slot = (int) (i - warmCount);
        side.add(
            o.stream,
            keys[(int) ((i + o.warmupRecords) % keys.length)],
            data,
            (ok, why) -> {
              if (slot >= 0) {
                latencies[slot] = System.nanoTime() - added;
              }
              if (ok) {
                delivered.increment();
              } else {
                failed.increment();
                firstFailure.compareAndSet(null, why);
              }
              done.countDown();
            });
      }
      if (i < count) {
        LockSupport.parkNanos(100_000);
      }
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(
          done.getCount() + " of " + count + " records not completed in 10 minutes");
    }
    long nanos = System.nanoTime() - measuredStart;
    Arrays.sort(latencies);
    return new Measured(
        count,
        delivered.sum(),
        failed.sum(),
        nanos,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        firstFailure.get());
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The command line. */
  static final class Options {
    String impl;
    int port = -1;
    String stream;
    String result;
    Path work;
    long warmupRecords;
    long records;
    double rate;
    long warmupMs;
    long durationMs;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i + 1 < args.length; i += 2) {
        String v = args[i + 1];
        switch (args[i]) {
          case "--impl" -> o.impl = v;
          case "--port" -> o.port = Integer.parseInt(v);
          case "--stream" -> o.stream = v;
          case "--result" -> o.result = v;
          case "--work" -> o.work = Path.of(v);
          case "--warmup-records" -> o.warmupRecords = Long.parseLong(v);
          case "--records" -> o.records = Long.parseLong(v);
          case "--rate" -> o.rate = Double.parseDouble(v);
          case "--warmup-ms" -> o.warmupMs = Long.parseLong(v);
          case "--duration-ms" -> o.durationMs = Long.parseLong(v);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (args.length % 2 != 0) {
        throw new IllegalArgumentException("every option needs a value");
      }
      if (o.impl == null || o.port < 0 || o.stream == null || o.result == null || o.work == null) {
        throw new IllegalArgumentException(
            "--impl, --port, --stream, --result and --work are required");
      }
      if ((o.records > 0) == (o.rate > 0)) {
        throw new IllegalArgumentException("give either --records or --rate");
      }
      if (o.warmupRecords < 1) {
        throw new IllegalArgumentException("--warmup-records must be at least 1");
      }
      return o;
    }
  }
}
