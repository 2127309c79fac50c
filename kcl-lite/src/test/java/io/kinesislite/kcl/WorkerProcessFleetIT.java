package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.FleetWorkerMain.Line;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import io.kinesislite.transport.KinesisTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two workers, each in a JVM of its own ({@link FleetWorkerMain}), share a 4-shard stream on
 * kinesis-mock with their leases in DynamoDB Local. One is killed with SIGKILL while records flow:
 * the other takes its shards within the failover time plus a taking round, resumes them after the
 * killed worker's last checkpoints, and between them the two output files hold every record
 * produced, in key order, repeating only records the killed worker had not checkpointed.
 */
@ExtendWith({KinesisMockExtension.class, DynamoDbLocalExtension.class})
class WorkerProcessFleetIT {
  private static final Duration FAILOVER = Duration.ofSeconds(3);
  private static final Duration TAKE_INTERVAL = Duration.ofMillis(500);

  /** The bound a failover must meet: failover time, two taking rounds, and 5 s of slack. */
  private static final Duration FAILOVER_BOUND =
      FAILOVER.plus(TAKE_INTERVAL.multipliedBy(2)).plusSeconds(5);

  /** How long a child's processor works on a batch between writing it out and checkpointing. */
  private static final Duration PROCESSING = Duration.ofMillis(200);

  private static final int SHARDS = 4;
  private static final int KEYS = 20;

  private FleetPeers peers;
  private Path dir;
  private final List<Child> children = new ArrayList<>();

  /** A worker process, with the output file its processors append to and its log. */
  private record Child(String workerId, Process process, Path output, Path log) {
    String logTail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e + ")";
      }
    }
  }

  @BeforeEach
  void open(KinesisMock mock, DynamoDbLocal dynamo) throws IOException {
    peers = new FleetPeers(mock, dynamo, "kcl-process-fleet", SHARDS);
    dir =
        Path.of(System.getProperty("basedir", "."), "target", "worker-process-fleet", peers.table)
            .toAbsolutePath();
    Files.createDirectories(dir);
  }

  @AfterEach
  void close() throws InterruptedException {
    for (Child c : children) {
      c.process().destroyForcibly();
    }
    for (Child c : children) {
      if (!c.process().waitFor(10, TimeUnit.SECONDS)) {
        System.err.println("WorkerProcessFleetIT: " + c.workerId() + " did not exit");
      }
      System.out.println(
          "WorkerProcessFleetIT: " + c.workerId() + " output " + c.output() + ", log " + c.log());
    }
    if (peers != null) {
      peers.close();
    }
  }

  private Child start(String workerId) throws IOException {
    Path output = dir.resolve(workerId + ".out");
    Path log = dir.resolve(workerId + ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-cp",
            System.getProperty("java.class.path"),
            FleetWorkerMain.class.getName(),
            peers.mock.httpEndpoint().toString(),
            peers.dynamo.endpoint().toString(),
            peers.table,
            peers.stream,
            workerId,
            output.toString(),
            Long.toString(FAILOVER.toMillis()),
            Long.toString(TAKE_INTERVAL.toMillis()),
            Long.toString(PROCESSING.toMillis()));
    // Standard input stays a pipe from this JVM: the child exits when it closes.
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Child child = new Child(workerId, process, output, log);
    children.add(child);
    return child;
  }

  /**
   * Waits until {@code condition} holds, polling; returns how long it took. Fails at once, with its
   * log, if a child in {@code mustLive} died.
   */
  private static Duration eventually(
      String what, Duration timeout, List<Child> mustLive, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      for (Child c : mustLive) {
        if (!c.process().isAlive()) {
          throw new AssertionError(
              c.workerId()
                  + " exited with "
                  + c.process().exitValue()
                  + " while waiting until "
                  + what
                  + "; its log ends:\n"
                  + c.logTail());
        }
      }
      if (System.nanoTime() > deadline) {
        StringBuilder logs = new StringBuilder();
        mustLive.forEach(
            c -> logs.append("\n--- ").append(c.workerId()).append(":\n").append(c.logTail()));
        throw new AssertionError("timed out after " + timeout + " waiting until " + what + logs);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aKilledWorkersShardsResumeOnTheSurvivorAfterItsLastCheckpointsAndNothingIsLost()
      throws Exception {
    Child victim = start("worker-a");
    Child survivor = start("worker-b");
    List<Child> both = List.of(victim, survivor);

    // Both children hold leases, 2/2; records flow only from then on, so that no lease moves while
    // they do until the kill, and every repeat in the output comes from the kill.
    Duration balancing =
        eventually(
            "each child owns two leases in the table",
            Duration.ofSeconds(60),
            both,
            () -> {
              Map<String, Set<String>> owners = FleetPeers.owners(peers.leaseTable());
              return owners.keySet().equals(Set.of(victim.workerId(), survivor.workerId()))
                  && owners.values().stream().allMatch(s -> s.size() == 2);
            });
    // A worker learns that a lease was stolen from it at its next renewal, up to a renew interval
    // later, and goes on processing the shard until then. Settled: every lease renewed by its
    // owner three times since (over two renew intervals, so the old owner renewed meanwhile).
    Map<String, Lease> balanced = peers.leaseTable();
    eventually(
        "every lease renewed three times by its owner since the fleet balanced",
        Duration.ofSeconds(30),
        both,
        () -> {
          Map<String, Lease> now = peers.leaseTable();
          return balanced.values().stream()
              .allMatch(
                  b ->
                      now.get(b.leaseKey()).owner().equals(b.owner())
                          && now.get(b.leaseKey()).counter() >= b.counter() + 3);
        });
    Set<String> victimShards = FleetPeers.owners(balanced).get(victim.workerId());
    System.out.printf(
        "WorkerProcessFleetIT: both workers hold two leases after %d ms; %s holds %s%n",
        balancing.toMillis(), victim.workerId(), victimShards);

    OutputReader victimOutput = new OutputReader(victim.output());
    OutputReader survivorOutput = new OutputReader(survivor.output());
    Map<Integer, RecordResult> produced;
    Map<String, Lease> atKill;
    try (BackgroundProducer producer = new BackgroundProducer(peers.kinesis, peers.stream)) {
      // Kill it while records flow, between writing a batch out and checkpointing it: the output
      // read first, then the table, shows a record written out but not checkpointed.
      eventually(
          victim.workerId()
              + " checkpointed on each of its shards and wrote out a record past a"
              + " checkpoint",
          Duration.ofSeconds(30),
          both,
          () -> {
            if (producer.added() < 300) {
              return false;
            }
            victimOutput.poll();
            List<Line> written = victimOutput.lines();
            Map<String, Lease> table = peers.leaseTable();
            return victimShards.stream().noneMatch(s -> table.get(s).checkpoint().isSentinel())
                && written.stream()
                    .anyMatch(
                        l ->
                            victimShards.contains(l.shardId())
                                && l.position().compareTo(table.get(l.shardId()).checkpoint()) > 0);
          });

      long killedAt = System.nanoTime();
      victim.process().destroyForcibly(); // SIGKILL: no shutdown hook, no lease released
      assertThat(victim.process().waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
      atKill = peers.leaseTable();
      int producedAtKill = producer.added();
      assertThat(FleetPeers.owners(atKill).get(victim.workerId()))
          .as("the killed worker's leases are still its own in the table")
          .isEqualTo(victimShards);
      Map<String, Checkpoint> checkpointsAtKill = new TreeMap<>();
      victimShards.forEach(s -> checkpointsAtKill.put(s, atKill.get(s).checkpoint()));
      System.out.printf(
          "WorkerProcessFleetIT: killed %s after %d records produced; its checkpoints: %s%n",
          victim.workerId(), producedAtKill, checkpointsAtKill);

      eventually(
          survivor.workerId() + " owns all " + SHARDS + " leases",
          FAILOVER_BOUND.plusSeconds(20),
          List.of(survivor),
          () -> {
            Map<String, Set<String>> owners = FleetPeers.owners(peers.leaseTable());
            return owners.keySet().equals(Set.of(survivor.workerId()))
                && owners.get(survivor.workerId()).size() == SHARDS;
          });
      Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
      int producedAtTakeover = producer.added();
      Map<String, Long> resumedAt = new ConcurrentHashMap<>();
      eventually(
          survivor.workerId() + " processed records of the killed worker's shards",
          FAILOVER_BOUND.plusSeconds(20),
          List.of(survivor),
          () -> {
            for (Line line : survivorOutput.poll()) {
              if (victimShards.contains(line.shardId())) {
                resumedAt.putIfAbsent(line.shardId(), System.nanoTime());
              }
            }
            return resumedAt.keySet().containsAll(victimShards);
          });
      Map<String, Long> resumedMillis = new TreeMap<>();
      resumedAt.forEach(
          (s, at) -> resumedMillis.put(s, Duration.ofNanos(at - killedAt).toMillis()));
      System.out.printf(
          "WorkerProcessFleetIT: after the SIGKILL %s owned all shards in %d ms; its output had"
              + " records of the killed worker's shards after %s ms (failover %d ms, take interval"
              + " %d ms, bound %d ms)%n",
          survivor.workerId(),
          takeover.toMillis(),
          resumedMillis,
          FAILOVER.toMillis(),
          TAKE_INTERVAL.toMillis(),
          FAILOVER_BOUND.toMillis());
      assertThat(takeover)
          .as("time until the survivor owns every lease")
          .isLessThan(FAILOVER_BOUND);
      resumedMillis.forEach(
          (s, millis) ->
              assertThat(Duration.ofMillis(millis))
                  .as("time until %s is processed again", s)
                  .isLessThan(FAILOVER_BOUND));

      // Keep producing for a while after the takeover, then stop.
      eventually(
          "500 more records produced after the takeover",
          Duration.ofSeconds(30),
          List.of(survivor),
          () -> producer.added() >= producedAtTakeover + 500);
      produced = producer.stop();
      System.out.printf(
          "WorkerProcessFleetIT: produced %d records, %d of them after the kill%n",
          produced.size(), produced.size() - producedAtKill);
    }

    Set<Integer> expected = produced.keySet();
    eventually(
        "every produced record is in an output file",
        Duration.ofSeconds(30),
        List.of(survivor),
        () -> {
          survivorOutput.poll();
          Set<Integer> found = new HashSet<>();
          survivorOutput.lines().forEach(l -> found.add(l.value()));
          victimOutput.poll();
          victimOutput.lines().forEach(l -> found.add(l.value()));
          return found.containsAll(expected);
        });
    List<Line> fromVictim = victimOutput.lines();
    List<Line> fromSurvivor = survivorOutput.lines();
    List<Line> all = new ArrayList<>(fromVictim);
    all.addAll(fromSurvivor);

    // Every line is a produced record, where the producer was told it landed.
    for (Line line : all) {
      RecordResult result = produced.get(line.value());
      assertThat(result).as("record %d was produced", line.value()).isNotNull();
      assertThat(List.of(line.shardId(), line.sequenceNumber(), line.subSequenceNumber()))
          .as("position of record %d", line.value())
          .isEqualTo(
              List.of(result.shardId(), result.sequenceNumber(), result.subSequenceNumber()));
      assertThat(line.key()).isEqualTo("key-" + (line.value() % KEYS));
    }

    // The checkpoints the killed worker left are records it had written out (flush, then
    // checkpoint), and the survivor resumed after them, not before.
    for (String shard : victimShards) {
      Checkpoint checkpoint = atKill.get(shard).checkpoint();
      assertThat(fromVictim)
          .as(
              "the killed worker wrote out the record at its checkpoint %s of %s",
              checkpoint, shard)
          .anyMatch(l -> l.shardId().equals(shard) && l.position().equals(checkpoint));
      assertThat(fromSurvivor)
          .filteredOn(l -> l.shardId().equals(shard))
          .as(
              "the survivor's records of %s come after the killed worker's checkpoint %s",
              shard, checkpoint)
          .isNotEmpty()
          .allMatch(l -> l.position().compareTo(checkpoint) > 0);
    }

    // Repeats: only records after the killed worker's last checkpoint of one of its shards.
    Map<Integer, List<Line>> byValue = new HashMap<>();
    all.forEach(l -> byValue.computeIfAbsent(l.value(), k -> new ArrayList<>()).add(l));
    Map<Integer, List<Line>> repeated = new TreeMap<>();
    byValue.forEach(
        (value, lines) -> {
          if (lines.size() > 1) {
            repeated.put(value, lines);
          }
        });
    for (Map.Entry<Integer, List<Line>> e : repeated.entrySet()) {
      Line line = e.getValue().get(0);
      assertThat(victimShards)
          .as(
              "record %d, seen %d times, is on a shard of the killed worker",
              e.getKey(), e.getValue().size())
          .contains(line.shardId());
      assertThat(line.position())
          .as(
              "record %d, seen %d times, comes after the killed worker's checkpoint of %s",
              e.getKey(), e.getValue().size(), line.shardId())
          .isGreaterThan(atKill.get(line.shardId()).checkpoint());
    }
    // And every record the killed worker wrote out but did not checkpoint was processed again.
    Set<Integer> uncheckpointed = new TreeSet<>();
    for (Line line : fromVictim) {
      if (line.position().compareTo(atKill.get(line.shardId()).checkpoint()) > 0) {
        uncheckpointed.add(line.value());
      }
    }
    assertThat(repeated.keySet())
        .as("the repeated records are those the killed worker wrote out but did not checkpoint")
        .isEqualTo(uncheckpointed);
    System.out.printf(
        "WorkerProcessFleetIT: %d lines for %d records; %d records repeated, all after the killed"
            + " worker's checkpoints%n",
        all.size(), expected.size(), repeated.size());
    assertThat(byValue.keySet()).isEqualTo(expected);

    // Key order: each output, read in order, has each key's records in order (repeats aside).
    assertKeyOrder(survivor.workerId(), fromSurvivor);
    assertKeyOrder(victim.workerId(), fromVictim);

    assertThat(FleetPeers.owners(peers.leaseTable()))
        .as("the survivor still owns every lease")
        .isEqualTo(Map.of(survivor.workerId(), new TreeSet<>(peers.leaseTable().keySet())));
  }

  private static void assertKeyOrder(String worker, List<Line> lines) {
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    lines.forEach(l -> byKey.computeIfAbsent(l.key(), k -> new ArrayList<>()).add(l.value()));
    byKey.forEach(
        (key, values) ->
            assertThat(values.stream().distinct().toList())
                .as("order of %s in %s's output (distinct values)", key, worker)
                .isSorted());
  }

  /** Reads an output file as it grows; complete lines only (a killed writer may leave half one). */
  private static final class OutputReader {
    private final Path file;
    private final List<Line> lines = new ArrayList<>();
    private long offset;

    OutputReader(Path file) {
      this.file = file;
    }

    /** Reads the lines added since the last call, and returns them. */
    synchronized List<Line> poll() {
      byte[] bytes;
      try (SeekableByteChannel channel = Files.newByteChannel(file)) {
        channel.position(offset);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Channels.newInputStream(channel).transferTo(buffer);
        bytes = buffer.toByteArray();
      } catch (NoSuchFileException e) {
        return List.of();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end == 0) {
        return List.of();
      }
      offset += end;
      List<Line> added = new ArrayList<>();
      for (String text : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        added.add(Line.parse(text));
      }
      lines.addAll(added);
      return added;
    }

    /** Every complete line read so far. */
    synchronized List<Line> lines() {
      return List.copyOf(lines);
    }
  }

  /**
   * Produces records "key-(i % 20):i" through kpl-lite (aggregating, strictly ordered) on a thread
   * of its own, in chunks of 20 flushed one after the other, until stopped.
   */
  private static final class BackgroundProducer implements AutoCloseable {
    private static final int CHUNK = 20;
    private static final int MAX_RECORDS = 50_000; // a bound, should the test never stop it

    private final String stream;
    private final KinesisProducer producer;
    private final Map<Integer, CompletableFuture<RecordResult>> results = new ConcurrentHashMap<>();
    private final AtomicInteger added = new AtomicInteger();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopping;

    BackgroundProducer(KinesisTransport kinesis, String stream) {
      this.stream = stream;
      this.producer =
          KinesisProducer.create(
              // Strict: the producer itself keeps each key's order, so any disorder is the
              // consumer's.
              ProducerConfig.builder()
                  .strictOrdering(true)
                  .aggregationEnabled(true)
                  .recordMaxBufferedTime(Duration.ofMillis(20))
                  .build(),
              kinesis);
      Thread thread = new Thread(this::run, "fleet-producer");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        int i = 0;
        while (!stopping && i < MAX_RECORDS) {
          for (int n = 0; n < CHUNK; n++, i++) {
            String key = "key-" + (i % KEYS);
            results.put(
                i,
                producer.add(
                    stream,
                    key,
                    ByteBuffer.wrap((key + ":" + i).getBytes(StandardCharsets.UTF_8))));
          }
          producer.flushSync();
          added.set(i);
          // A steady flow rather than a flood: the consumers stay near the tip.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        done.complete(null);
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }

    /** Records added and flushed so far. */
    int added() {
      return added.get();
    }

    /** Stops producing and returns where every record landed; fails if any was not accepted. */
    Map<Integer, RecordResult> stop() {
      stopping = true;
      await(done);
      Map<Integer, RecordResult> landed = new TreeMap<>();
      results.forEach((i, f) -> landed.put(i, await(f)));
      return landed;
    }

    @Override
    public void close() {
      stopping = true;
      try {
        done.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by stop(), if the test got that far
      }
      producer.close();
    }
  }
}
