package io.kinesislite.engine.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends with ALWAYS sync ({@link CrashTestWriter}) with SIGKILL at a
 * pseudo-random moment, 20 times over the same directory, and checks after each kill that every
 * acknowledged record is there with its offset and content, that offsets have no gaps, that nothing
 * recovered once ever changes, and that the whole log reads back.
 */
class SegmentShardLogCrashIT {
  static final int CYCLES = 20;
  static final int SHARDS = 2;

  @TempDir Path tempDir;

  /** A record's place. */
  record Key(int shard, long offset) {}

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    Path data = tempDir.resolve("data");
    Path stderr = tempDir.resolve("child-stderr.log");
    Random random = new Random(20261122L);
    Map<Key, Long> acknowledged = new HashMap<>();
    Map<Key, Long> recovered = new HashMap<>();
    long[] ends = new long[SHARDS];
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      int killAfter = cycle == 0 ? 50 : random.nextInt(1000); // 0: right after recovery
      int acks = runAndKill(data, stderr, cycle, killAfter, acknowledged);
      assertThat(acks)
          .as("acks before the kill in cycle %d; child stderr:%n%s", cycle, read(stderr))
          .isGreaterThanOrEqualTo(killAfter);
      verify(data, acknowledged, recovered, ends);
    }
    System.out.printf(
        "crash test: %d cycles, %d acknowledged records, %d recovered%n",
        CYCLES, acknowledged.size(), recovered.size());
    assertThat(acknowledged.size()).isGreaterThan(CYCLES * 50);
  }

  /** Starts a writer, kills it after {@code killAfter} acks; returns the acks it read. */
  private int runAndKill(
      Path data, Path stderr, int cycle, int killAfter, Map<Key, Long> acknowledged)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                CrashTestWriter.class.getName(),
                data.toString(),
                Integer.toString(SHARDS),
                Integer.toString(cycle))
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
    // A child that hangs is killed anyway, so the reads below always end.
    ProcessHandle handle = child.toHandle();
    CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(handle::destroyForcibly);
    int acks = 0;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = lines.readLine();
      assertThat(line)
          .as("first line; child stderr:%n%s", read(stderr))
          .isEqualTo(CrashTestWriter.READY);
      while (acks < killAfter && (line = lines.readLine()) != null) {
        acks += parse(line, acknowledged) ? 1 : 0;
      }
      // SIGKILL through the handle: Process.destroyForcibly would also close the pipe to read.
      handle.destroyForcibly();
      // Lines printed before the kill are acknowledgements too; a torn last one is not.
      while ((line = lines.readLine()) != null) {
        acks += parse(line, acknowledged) ? 1 : 0;
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    return acks;
  }

  private static boolean parse(String line, Map<Key, Long> acknowledged) {
    String[] f = line.split(" ");
    if (f.length != 5 || !f[0].equals("ack") || !f[4].equals("end")) {
      return false;
    }
    Key key = new Key(Integer.parseInt(f[1]), Long.parseLong(f[2]));
    Long previous = acknowledged.put(key, Long.parseLong(f[3]));
    assertThat(previous).as("offset %s acknowledged twice", key).isNull();
    return true;
  }

  private static void verify(
      Path data, Map<Key, Long> acknowledged, Map<Key, Long> recovered, long[] ends) {
    try (Syncer syncer = new Syncer(Duration.ofMillis(100))) {
      for (int shard = 0; shard < SHARDS; shard++) {
        Path dir = CrashTestWriter.shardDir(data, shard);
        if (!Files.exists(dir)) {
          continue;
        }
        try (SegmentShardLog log = SegmentShardLog.open(dir, CrashTestWriter.settings(), syncer)) {
          assertThat(log.firstOffset()).isZero();
          assertThat(log.readableEnd()).isEqualTo(log.nextOffset());
          assertThat(log.nextOffset())
              .as("shard %d end", shard)
              .isGreaterThanOrEqualTo(ends[shard]);
          long next = 0;
          while (next < log.readableEnd()) {
            List<StoredRecord> records = log.read(next, 10_000, 64L << 20);
            for (StoredRecord r : records) {
              assertThat(r.offset()).isEqualTo(next++);
              long sum =
                  CrashTestWriter.checksum(
                      r.arrivalMillis(), r.partitionKey(), r.explicitHashKey(), r.data());
              Key key = new Key(shard, r.offset());
              Long before = recovered.putIfAbsent(key, sum);
              assertThat(before == null ? sum : before).as("%s changed", key).isEqualTo(sum);
              Long acked = acknowledged.get(key);
              assertThat(acked == null ? sum : acked).as("%s content", key).isEqualTo(sum);
            }
          }
          ends[shard] = log.nextOffset();
        }
      }
    }
    for (Key key : acknowledged.keySet()) {
      assertThat(key.offset()).as("acknowledged %s is lost", key).isLessThan(ends[key.shard()]);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
