package io.kinesislite.benchmarks;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Delivered user records per second through kpl-lite into the bundled engine: 100-byte records with
 * random partition keys, on a 4-shard in-memory stream with the Kinesis throughput limits off,
 * aggregation on and off, from 1 and 4 adding threads. Each invocation adds {@value #BATCH}
 * records, flushes, and waits for all their futures, so JMH's score (one operation per record)
 * counts records delivered, not merely buffered.
 *
 * <p>The producer's own per-shard rate limit is taken out of the way with RateLimit=2^63-1 %, as
 * the KPL allows.
 *
 * <p>Besides the score, each fork prints lines starting with {@code [ProducerBenchmark]}: process
 * CPU seconds per million records for every iteration (all threads: adders, the producer's sender
 * and callback pool, the engine, GC and JIT) and, at the end, the measured iterations' mean and the
 * peak heap.
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar ProducerBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class ProducerBenchmark {
  static final int RECORD_BYTES = 100;
  static final int BATCH = 10_000;
  static final int SHARDS = 4;
  static final String STREAM = "producer-bench";
  static final int KEYS_PER_WRITER = 4_096;
  private static final String PREFIX = "[ProducerBenchmark] ";

  /** Whether the producer aggregates: {@code on} or {@code off}. */
  @Param({"on", "off"})
  public String aggregation;

  private ShardEngine engine;
  private KinesisTransport kinesis;
  private KinesisProducer producer;
  private final LongAdder delivered = new LongAdder();
  private volatile int threads;

  // Per iteration, touched only by JMH's fixture calls.
  private IterationType iterationType;
  private int iteration;
  private long cpuAtStart;
  private long deliveredAtStart;
  private double measuredCpuSeconds;
  private long measuredRecords;

  @Setup(Level.Trial)
  public void open() {
    if (!aggregation.equals("on") && !aggregation.equals("off")) {
      throw new IllegalArgumentException("aggregation must be on or off: " + aggregation);
    }
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    producer =
        KinesisProducer.create(
            ProducerConfig.builder()
                .aggregationEnabled(aggregation.equals("on"))
                .rateLimit(Long.MAX_VALUE)
                .build(),
            kinesis);
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  /**
   * A fresh stream per iteration, so that memory use stays flat however fast records go; one record
   * put first, so that the producer knows the shard map before the clock runs.
   */
  @Setup(Level.Iteration)
  public void startIteration(IterationParams params) {
    kinesis.createStream(STREAM, SHARDS).join();
    producer.add(STREAM, "warm-up", ByteBuffer.wrap(new byte[RECORD_BYTES]));
    producer.flushSync();
    iterationType = params.getType();
    iteration++;
    deliveredAtStart = delivered.sum();
    cpuAtStart = processCpuNanos();
  }

  @TearDown(Level.Iteration)
  public void endIteration() {
    double cpuSeconds = (processCpuNanos() - cpuAtStart) / 1e9;
    long records = delivered.sum() - deliveredAtStart;
    boolean measured = iterationType == IterationType.MEASUREMENT;
    if (measured) {
      measuredCpuSeconds += cpuSeconds;
      measuredRecords += records;
    }
    System.out.printf(
        Locale.ROOT,
        "%saggregation=%s threads=%d %s iteration %d: %,d records, %.2f CPU s, %.2f CPU s per"
            + " million records%n",
        PREFIX,
        aggregation,
        threads,
        measured ? "measured" : "warm-up",
        iteration,
        records,
        cpuSeconds,
        perMillion(cpuSeconds, records));
    kinesis.deleteStream(STREAM).join();
  }

  @TearDown(Level.Trial)
  public void close() {
    producer.close();
    kinesis.close();
    engine.close();
    // Each pool's own peak, summed: an upper bound, as the pools do not peak at the same moment.
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%saggregation=%s threads=%d summary: %.2f CPU s per million records (measured iterations);"
            + " peak heap used %d MiB (sum of the heap pools' peaks)%n",
        PREFIX,
        aggregation,
        threads,
        perMillion(measuredCpuSeconds, measuredRecords),
        peakHeap >> 20);
  }

  private static double perMillion(double cpuSeconds, long records) {
    return records == 0 ? Double.NaN : cpuSeconds * 1e6 / records;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** One adding thread's material: random partition keys, a payload, and room for its futures. */
  @State(Scope.Thread)
  public static class Writer {
    String[] keys;
    byte[] data;
    CompletableFuture<?>[] futures;
    int next;

    @Setup(Level.Trial)
    public void prepare() {
      Random random = new Random(Thread.currentThread().getId());
      keys = new String[KEYS_PER_WRITER];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = Long.toHexString(random.nextLong());
      }
      data = new byte[RECORD_BYTES];
      random.nextBytes(data);
      futures = new CompletableFuture<?>[BATCH];
    }

    String nextKey() {
      String key = keys[next];
      next = (next + 1) % keys.length;
      return key;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(1)
  public RecordResult add1Thread(Writer writer) {
    return addBatch(writer, 1);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Threads(4)
  public RecordResult add4Threads(Writer writer) {
    return addBatch(writer, 4);
  }

  // Adds BATCH records, sends what is buffered, and waits until every one is in the stream; a
  // failed record fails the benchmark.
  private RecordResult addBatch(Writer writer, int threadCount) {
    threads = threadCount;
    CompletableFuture<?>[] futures = writer.futures;
    for (int i = 0; i < BATCH; i++) {
      // add copies the data, so one buffer serves every record.
      futures[i] = producer.add(STREAM, writer.nextKey(), ByteBuffer.wrap(writer.data));
    }
    producer.flush();
    CompletableFuture.allOf(futures).join();
    delivered.add(BATCH);
    return (RecordResult) futures[BATCH - 1].join();
  }
}
