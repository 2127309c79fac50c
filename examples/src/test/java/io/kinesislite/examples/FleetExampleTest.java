package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link FleetExample} end to end on the embedded default: two worker JVMs over a 4-shard stream
 * served by this JVM, sharing one lease-table file. They balance 2 + 2; after one is killed the
 * other holds all 4; every record written (half before the kill, half after) was processed by one
 * of them at least once; the survivor stops gracefully on SIGTERM (its shutdown hook ran and
 * released its leases).
 */
class FleetExampleTest {
  @TempDir Path dir;

  @Test
  @Timeout(90)
  void twoWorkerProcessesBalanceAndTheSurvivorTakesTheKilledOnesShardsAndEveryRecord()
      throws Exception {
    FleetExample example = new FleetExample();
    new CommandLine(example)
        .parseArgs(
            "--workers", "2",
            "--shards", "4",
            "--records", "200",
            "--failover-seconds", "2",
            "--wait-seconds", "40",
            "--dir", dir.toString());
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    FleetExample.Report report;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      report = example.run(out);
    } finally {
      System.out.print(printed.toString(StandardCharsets.UTF_8));
    }

    assertThat(report.balanced()).isEqualTo(Map.of("member-1", 2, "member-2", 2));
    assertThat(report.killed()).isEqualTo("member-1");
    assertThat(report.afterKill()).isEqualTo(Map.of("member-2", 4));
    assertThat(report.produced()).isEqualTo(200);
    assertThat(report.processedDistinct()).isEqualTo(200);
    assertThat(report.stoppedGracefully()).isEqualTo(Map.of("member-2", true));
    // The table the two processes shared, left with no owner by the graceful stop.
    String table = Files.readString(dir.resolve("leases").resolve("fleet-example.json"));
    assertThat(table).contains("shardId-000000000003").doesNotContain("leaseOwner");
  }
}
