package io.kinesislite.benchmarks;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Two workers, {@code first} and {@code second}, on 4 shards that each get a record every {@value
 * #TRICKLE_MILLIS} ms, with a fresh in-memory lease table per iteration, and one fleet event per
 * iteration. The score is the time from the event until the fleet processes again as it should:
 *
 * <ul>
 *   <li>{@code start}: {@code first} starts on a fresh table; until it has processed a record from
 *       every shard (its first record at all is printed too).
 *   <li>{@code join}: {@code first} holds all 4 shards; {@code second} starts; until each holds 2
 *       and {@code second} has processed a record from both of its.
 *   <li>{@code kill-standby}: {@code first} holds all 4 and is killed as {@code second} starts;
 *       until {@code second} has processed a record from every shard.
 *   <li>{@code kill-balanced}: the two hold 2 each and {@code first} is killed; the same.
 *   <li>{@code shutdown}: the two hold 2 each and {@code first} shuts down gracefully (checkpoints,
 *       releases); the same.
 * </ul>
 *
 * <p>A kill cuts the worker's lease store off (every call fails, none arrives), makes its
 * processors do nothing, and closes its threads, so neither the lease table nor the stream hears
 * from it again, as after SIGKILL: the others must wait for its leases to expire. It happens at a
 * random moment of the taking and renewing rounds. Not thread-safe: JMH's fixture calls and the
 * benchmark thread take turns.
 */
@State(Scope.Benchmark)
public class FleetScenario {
  static final long TRICKLE_MILLIS = 100;

  /** The fleet event: {@code start}, {@code join}, {@code kill-standby}, … (see above). */
  @Param({"start", "join", "kill-standby", "kill-balanced", "shutdown"})
  public String scenario;

  /** For the smoke test: shorter timings. The benchmark keeps the defaults. */
  UnaryOperator<ConsumerConfig.Builder> timings = UnaryOperator.identity();

  private ShardEngine engine;
  private KinesisTransport kinesis;
  private ScheduledExecutorService trickle;
  private final Random random = new Random(42);
  private final List<Double> scores = new ArrayList<>();
  private int iteration;

  // Per iteration.
  private EmbeddedLeaseStore leases;
  private CountingLeaseStore firstStore;
  private CountingProcessors firstProcessors;
  private CountingProcessors secondProcessors;
  private Worker first;
  private Worker second;
  private Thread stopper;
  private long eventAtNanos;
  private long settledAtNanos;

  @Setup(Level.Trial)
  public void open() {
    if (!List.of("start", "join", "kill-standby", "kill-balanced", "shutdown").contains(scenario)) {
      throw new IllegalArgumentException(
          "scenario must be start, join, kill-standby, kill-balanced or shutdown: " + scenario);
    }
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    kinesis = EmbeddedTransport.over(engine);
    kinesis.createStream(ConsumerBenchmark.STREAM, ConsumerBenchmark.SHARDS).join();
    List<PutEntry> tick = new ArrayList<>();
    for (Shard shard : kinesis.listShards(ConsumerBenchmark.STREAM).join()) {
      // The shard's first hash key as the explicit hash key: one record to each shard.
      tick.add(
          PutEntry.of(
              "trickle",
              shard.hashKeyRange().start().toString(),
              new byte[ConsumerBenchmark.RECORD_BYTES]));
    }
    trickle =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "consumer-bench-trickle");
              t.setDaemon(true);
              return t;
            });
    trickle.scheduleAtFixedRate(
        () -> {
          try {
            kinesis.putRecords(ConsumerBenchmark.STREAM, tick).join();
          } catch (RuntimeException e) {
            System.err.println(ConsumerBenchmark.PREFIX + "trickle put failed: " + e);
          }
        },
        0,
        TRICKLE_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Brings the fleet to where the scenario's event happens. */
  @Setup(Level.Iteration)
  public void startIteration() {
    iteration++;
    stopper = null;
    leases = EmbeddedLeaseStore.inMemory();
    firstStore = new CountingLeaseStore(leases);
    firstProcessors = new CountingProcessors(new Progress(0, 0));
    secondProcessors = new CountingProcessors(new Progress(0, 0));
    ConsumerConfig firstConfig = timings.apply(ConsumerBenchmark.config("first")).build();
    first = Worker.create(firstConfig, kinesis, firstStore, firstProcessors);
    second =
        Worker.create(
            timings.apply(ConsumerBenchmark.config("second")).build(),
            kinesis,
            new CountingLeaseStore(leases),
            secondProcessors);
    switch (scenario) {
      case "start" -> {}
      case "join", "kill-standby" -> {
        first.start();
        ConsumerBenchmark.await(
            "the first worker holds every shard and processed records from each",
            () ->
                first.heldShards().size() == ConsumerBenchmark.SHARDS
                    && firstProcessors.readFromAll(first.heldShards()));
      }
      default -> {
        first.start();
        second.start();
        ConsumerBenchmark.await(
            "each worker holds 2 shards and processed records from them",
            () ->
                first.heldShards().size() == ConsumerBenchmark.SHARDS / 2
                    && second.heldShards().size() == ConsumerBenchmark.SHARDS / 2
                    && firstProcessors.readFromAll(first.heldShards())
                    && secondProcessors.readFromAll(second.heldShards()));
      }
    }
    if (scenario.startsWith("kill")) {
      // At a random moment of the taking and renewing rounds: the moment the fleet was found
      // settled is just after a taking round.
      long phase = firstConfig.takeInterval().plus(firstConfig.renewInterval()).toMillis();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt((int) phase)));
    }
  }

  /** The event and the wait; returns milliseconds from the one to the end of the other. */
  long play() {
    Progress after = new Progress(0, 0);
    switch (scenario) {
      case "start" -> {
        firstProcessors.progress = after;
        eventAtNanos = System.nanoTime();
        first.start();
        settle("the worker processed every shard", () -> after.firstRecordAt.size() == 4);
      }
      case "join" -> {
        secondProcessors.progress = after;
        eventAtNanos = System.nanoTime();
        second.start();
        settle(
            "the fleet is balanced 2/2 and the second worker processed both of its shards",
            () ->
                first.heldShards().size() == 2
                    && second.heldShards().size() == 2
                    && after.firstRecordAt.keySet().containsAll(second.heldShards()));
      }
      case "shutdown" -> {
        secondProcessors.progress = after;
        eventAtNanos = System.nanoTime();
        first.shutdown();
        settle("the second worker processed every shard", () -> after.firstRecordAt.size() == 4);
      }
      default -> {
        secondProcessors.progress = after;
        eventAtNanos = System.nanoTime();
        firstProcessors.dead = true;
        firstStore.kill();
        stopper = new Thread(first::close, "consumer-bench-killed-worker");
        stopper.start();
        if (scenario.equals("kill-standby")) {
          second.start();
        }
        settle("the second worker processed every shard", () -> after.firstRecordAt.size() == 4);
      }
    }
    return TimeUnit.NANOSECONDS.toMillis(settledAtNanos - eventAtNanos);
  }

  private void settle(String what, java.util.function.BooleanSupplier settled) {
    ConsumerBenchmark.await(what, settled);
    settledAtNanos = System.nanoTime();
  }

  @TearDown(Level.Iteration)
  public void endIteration() throws InterruptedException {
    Worker watched = scenario.equals("start") ? first : second;
    CountingProcessors processors = scenario.equals("start") ? firstProcessors : secondProcessors;
    Progress after = processors.progress;
    double seconds = (settledAtNanos - eventAtNanos) / 1e9;
    scores.add(seconds);
    StringJoiner shards = new StringJoiner(", ");
    after.firstRecordAt.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .forEach(
            e -> {
              Long gained = after.gainedAt.get(e.getKey());
              shards.add(
                  String.format(
                      Locale.ROOT,
                      "%s %s, first record %.2f s",
                      e.getKey(),
                      gained == null ? "held before" : "taken " + sinceEvent(gained),
                      (e.getValue() - eventAtNanos) / 1e9));
            });
    System.out.printf(
        Locale.ROOT,
        "%sfleet scenario=%s iteration %d: settled %.2f s after the event; %s holds %s; %s%n",
        ConsumerBenchmark.PREFIX,
        scenario,
        iteration,
        seconds,
        watched.workerId(),
        watched.heldShards(),
        shards);
    int firstHolds = first.heldShards().size();
    int secondHolds = second.heldShards().size();
    first.close();
    second.close();
    if (stopper != null) {
      stopper.join();
    }
    leases.close();
    int expected = scenario.equals("join") ? 2 : 4;
    int holds = scenario.equals("start") ? firstHolds : secondHolds;
    if (holds != expected) {
      throw new IllegalStateException(
          watched.workerId() + " holds " + holds + " shards after the event, not " + expected);
    }
  }

  private String sinceEvent(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", (nanos - eventAtNanos) / 1e9);
  }

  @TearDown(Level.Trial)
  public void close() {
    StringJoiner joiner = new StringJoiner(" / ");
    scores.forEach(v -> joiner.add(String.format(Locale.ROOT, "%.2f", v)));
    System.out.printf(
        Locale.ROOT,
        "%sfleet scenario=%s summary: settled after %s s%n",
        ConsumerBenchmark.PREFIX,
        scenario,
        joiner);
    trickle.shutdownNow();
    kinesis.close();
    engine.close();
  }
}
