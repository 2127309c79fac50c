package io.kinesislite.benchmarks;

import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.Worker;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * kcl-lite's {@link Worker} consuming the bundled in-memory engine (4 shards, the Kinesis
 * throughput limits off), with an in-memory {@code EmbeddedLeaseStore} and kcl-lite's default
 * timings (failover 10 s, take interval 2 s). Every benchmark runs once per iteration (single-shot
 * time, milliseconds); the figures that matter are also printed on lines starting with {@code
 * [ConsumerBenchmark]}.
 *
 * <ul>
 *   <li>{@code drain} ({@link DrainBacklog}): fresh workers drain a backlog of {@code records}
 *       aggregated 100-byte user records; records/s, per worker, and CPU seconds per million.
 *   <li>{@code fleet} ({@link FleetScenario}): how long the fleet events take that the KCL is slow
 *       at: a worker's start until it processes every shard, a joining worker until the fleet is
 *       balanced, a killed worker's shards until they are processed again, a graceful shutdown
 *       until the other worker processes the leaving one's shards.
 *   <li>{@code leaseCalls} ({@link SteadyFleet}): lease-store calls per minute per worker and per
 *       shard of two workers on 4 idle shards.
 * </ul>
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar ConsumerBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ConsumerBenchmark {
  static final int RECORD_BYTES = 100;
  static final int SHARDS = 4;
  static final String STREAM = "consumer-bench";
  static final String APPLICATION = "consumer-bench";
  static final int KEYS = 4_096;
  static final int PRODUCE_CHUNK = 100_000;
  static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);
  static final String PREFIX = "[ConsumerBenchmark] ";

  /** Drains the backlog with fresh workers; returns the records processed. */
  @Benchmark
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  public long drain(DrainBacklog backlog) throws InterruptedException {
    return backlog.drain();
  }

  /** Plays the scenario's fleet event; returns the milliseconds until the fleet settled. */
  @Benchmark
  @Warmup(iterations = 0)
  @Measurement(iterations = 5)
  public long fleet(FleetScenario scenario) {
    return scenario.play();
  }

  /** Lets two workers run for the measured window; returns its length in seconds. */
  @Benchmark
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public long leaseCalls(SteadyFleet fleet) throws InterruptedException {
    return fleet.run();
  }

  static ConsumerConfig.Builder config(String workerId) {
    return ConsumerConfig.builder()
        .applicationName(APPLICATION)
        .streamName(STREAM)
        .workerId(workerId);
  }

  static String workerId(int index) {
    return "worker-" + (index + 1);
  }

  /** Polls every 10 ms until {@code condition} holds; throws after {@link #SETTLE_TIMEOUT}. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "timed out after " + SETTLE_TIMEOUT + " waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  static String readable(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** CPU time of every thread of this process so far. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
