package io.kinesislite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing engine with SIGKILL, 20 times over one directory, and checks after each restart
 * that every record the engine acknowledged is there, with its sequence number and data, and that
 * everything in the directory still reads cleanly.
 */
class EngineCrashIT {
  private static final int CYCLES = 20;

  @TempDir Path directory;

  @Test
  void everyAcknowledgedRecordSurvivesSigkillTwentyTimes() throws Exception {
    Map<String, Long> acknowledged = new HashMap<>(); // sequence number -> crc of data
    Random random = new Random(20261122L);
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      int killAfter = 50 + random.nextInt(2_000);
      int seen = runAndKill(cycle, killAfter, acknowledged);
      assertThat(seen).as("cycle %d acknowledged writes before the kill", cycle).isPositive();

      Map<String, Long> stored = readEverything();
      for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
        assertThat(stored)
            .as("cycle %d: acknowledged record %s", cycle, ack.getKey())
            .containsEntry(ack.getKey(), ack.getValue());
      }
    }
    assertThat(acknowledged.size()).isGreaterThan(CYCLES * 50);
  }

  /** Runs the writer until it has acknowledged {@code killAfter} records, then SIGKILLs it. */
  private int runAndKill(int cycle, int killAfter, Map<String, Long> acknowledged)
      throws IOException, InterruptedException {
    Path log = directory.resolveSibling(directory.getFileName() + "-child-" + cycle + ".log");
    Process child =
        new ProcessBuilder(
                javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                directory.toString(),
                String.valueOf(cycle))
            .redirectError(log.toFile())
            .start();
    int seen = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ack ")) {
          String[] parts = line.split(" ");
          acknowledged.put(parts[2], Long.parseLong(parts[3]));
          if (++seen >= killAfter) {
            break;
          }
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    if (seen == 0) {
      throw new AssertionError(
          "the writer acknowledged nothing; its log:\n" + Files.readString(log));
    }
    return seen;
  }

  /** Reopens the directory and reads every shard from the trim horizon to its end. */
  private Map<String, Long> readEverything() {
    Map<String, Long> stored = new HashMap<>();
    try (ShardEngine engine =
        ShardEngine.open(
            EngineConfig.builder().directory(directory).limitsEnabled(false).build())) {
      List<Shard> shards =
          engine.listShards(CrashingWriter.STREAM, io.kinesislite.transport.ShardFilter.all());
      assertThat(shards).hasSize(CrashingWriter.SHARDS);
      for (Shard shard : shards) {
        String iterator =
            engine.getShardIterator(
                CrashingWriter.STREAM, shard.shardId(), StartingPosition.trimHorizon());
        BigInteger previous = BigInteger.valueOf(-1);
        while (true) {
          GetRecordsResult page = engine.getRecords(iterator, 10_000);
          for (StreamRecord r : page.records()) {
            BigInteger sequence = new BigInteger(r.sequenceNumber());
            assertThat(sequence)
                .as("sequence numbers increase in %s", shard.shardId())
                .isGreaterThan(previous);
            previous = sequence;
            stored.put(r.sequenceNumber(), CrashingWriter.crc(r.dataBytes()));
          }
          if (page.records().isEmpty()) {
            break;
          }
          iterator = page.nextShardIterator().orElseThrow();
        }
      }
    }
    return stored;
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
