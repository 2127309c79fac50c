package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Lease;
import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Transports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs ConsumerExample on a durable embedded engine (so that its lease table is a file the test can
 * read afterwards): in this JVM, stopped as --duration would stop it, and in a JVM of its own,
 * stopped with SIGTERM.
 */
class ConsumerExampleTest {
  private static final Pattern SHARD_LINE =
      Pattern.compile("shard (\\S+): (\\d+) records, (\\d+) checkpoints");

  @TempDir Path dir;

  /** Per shard in the summary: {records, checkpoints}. */
  private static Map<String, long[]> summary(String out) {
    Map<String, long[]> shards = new TreeMap<>();
    Matcher m = SHARD_LINE.matcher(out);
    while (m.find()) {
      shards.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
    }
    return shards;
  }

  /**
   * Asserts that each shard's lease is released and checkpointed exactly after the records the
   * summary says were processed: the first n of the shard, in shard order.
   */
  private void assertCheckpointsMatch(String stream, String app, Map<String, long[]> processed) {
    try (KinesisTransport kinesis = Transports.open("embedded:" + dir);
        EmbeddedLeaseStore leases = EmbeddedLeaseStore.inDirectory(dir, app)) {
      Map<String, List<StreamContents.Stored>> stored =
          StreamContents.read(kinesis, stream).stream()
              .collect(Collectors.groupingBy(StreamContents.Stored::shardId));
      List<Lease> all = leases.list();
      assertThat(all).hasSize(stored.size());
      for (Lease lease : all) {
        long n = processed.get(lease.leaseKey())[0];
        List<StreamContents.Stored> shard = stored.get(lease.leaseKey());
        StreamContents.Stored last = shard.get((int) n - 1);
        assertThat(lease.owner()).as("released").isEmpty();
        assertThat(lease.checkpoint())
            .as("checkpoint of %s after %d records", lease.leaseKey(), n)
            .isEqualTo(Checkpoint.at(last.sequenceNumber(), last.subSequenceNumber()));
      }
    }
  }

  @Test
  void checkpointsEveryNRecordsAndAtShutdownThenResumesAfterTheCheckpoint() throws Exception {
    String stream = UniqueNames.stream("consumer");
    String app = UniqueNames.table("consumer-app");
    String[] args = {"--transport", "embedded:" + dir, "--stream", stream, "--application", app};
    ConsumerExample consumer = new ConsumerExample();
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(consumer).setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> command.execute(concat(args, "--seed", "1000", "--checkpoint-every", "100")));
    Eventually.within(
        Duration.ofSeconds(30),
        "1000 records processed",
        () -> consumer.recordsProcessed() == 1000,
        out::toString);
    consumer.requestStop();
    assertThat(exit.get(60, TimeUnit.SECONDS)).as(out.toString()).isZero();

    assertThat(out.toString()).contains("processed 1000 records from 2 shards");
    Map<String, long[]> shards = summary(out.toString());
    assertThat(shards).hasSize(2);
    shards.forEach(
        (shard, c) ->
            assertThat(c[1]).as("checkpoints of %s", shard).isGreaterThanOrEqualTo(c[0] / 100));
    assertCheckpointsMatch(stream, app, shards);

    // Again, with nothing new: it resumes after the checkpoints, and stops by itself.
    StringWriter again = new StringWriter();
    int code =
        new CommandLine(new ConsumerExample())
            .setOut(new PrintWriter(again, true))
            .execute(concat(args, "--seed", "0", "--duration", "1s"));
    assertThat(code).as(again.toString()).isZero();
    assertThat(again.toString()).contains("processed 0 records");
  }

  @Test
  void sigtermCheckpointsWhatWasProcessedBeforeExiting() throws Exception {
    String stream = UniqueNames.stream("consumer-sigterm");
    String app = UniqueNames.table("consumer-sigterm-app");
    Path log = dir.resolve("consumer.log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ConsumerExample.class.getName(),
                "--transport",
                "embedded:" + dir.resolve("engine"),
                "--stream",
                stream,
                "--application",
                app,
                "--seed",
                "500",
                // no checkpoint but the one at shutdown
                "--checkpoint-every",
                "1000000",
                "--checkpoint-interval",
                "1h")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Eventually.within(
          Duration.ofSeconds(60),
          "both shards processing",
          () -> read(log).split("first record:", -1).length == 3,
          () -> read(log));
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(read(log)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
    String out = read(log);
    assertThat(out).contains("processed ");
    Map<String, long[]> shards = summary(out);
    assertThat(shards).hasSize(2).allSatisfy((shard, c) -> assertThat(c[1]).isEqualTo(1));
    dir = dir.resolve("engine");
    assertCheckpointsMatch(stream, app, shards);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
