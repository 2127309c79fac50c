package io.kinesislite.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.benchmarks.compare.WorkerReport.Line;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerReportTest {
  @Test
  void parsesAProgressLine() {
    Line line =
        Line.parse(
            "PROGRESS t=5 cpu=7 first=1 last=4 total=12 held=shardId-000000000001"
                + " shards=shardId-000000000000:2:49,shardId-000000000001:10:-");

    assertThat(line.nanos()).isEqualTo(5);
    assertThat(line.cpuNanos()).isEqualTo(7);
    assertThat(line.total()).isEqualTo(12);
    assertThat(line.held()).isEqualTo(Set.of("shardId-000000000001"));
    assertThat(line.count("shardId-000000000001")).isEqualTo(10);
    assertThat(line.reached("shardId-000000000000", BigInteger.valueOf(49))).isTrue();
    assertThat(line.reached("shardId-000000000000", BigInteger.valueOf(50))).isFalse();
    assertThat(line.reached("shardId-000000000001", BigInteger.ONE)).isFalse();
  }

  @Test
  void logLinesAndCutLinesAreNotProgress() {
    assertThat(Line.parse("[main] INFO something")).isNull();
    assertThat(Line.parse("PROGRESS t=5 cpu=")).isNull();
  }

  @Test
  void trickleRecordsCarryTheirIndexAndBacklogRecordsNone() {
    ByteBuffer trickle = ByteBuffer.allocate(100);
    trickle.put(0, WorkerReport.TRICKLE).putLong(1, 42);
    ByteBuffer backlog = ByteBuffer.allocate(100);

    assertThat(WorkerReport.trickleIndex(trickle)).isEqualTo(42);
    assertThat(WorkerReport.trickleIndex(backlog)).isEqualTo(-1);
  }

  @Test
  void countsOnlyRecordsTheSurvivorProcessedAgainAfterTheKill(@TempDir Path dir) throws Exception {
    Path victim = dir.resolve("victim");
    Path survivor = dir.resolve("survivor");
    Files.writeString(victim, "s1 1\ns1 2\ns1 3\ns1 4 half", StandardCharsets.UTF_8);
    String beforeKill = "s0 10\ns0 11\n";
    Files.writeString(survivor, beforeKill + "s1 3\ns1 4\ns0 11\ns0 12\n", StandardCharsets.UTF_8);

    assertThat(WorkerReport.readTrickle(victim, 0, Long.MAX_VALUE)).isEqualTo(List.of(1L, 2L, 3L));
    // 3 again (the killed worker's), 11 again (the survivor's own, before the kill); 4 was only
    // half written by the killed worker.
    assertThat(ConsumerComparison.duplicatesAfter(victim, survivor, beforeKill.length()))
        .isEqualTo(2);
  }

  @Test
  void aShardStaysHeldWhileAnyOfItsProcessorsRuns(@TempDir Path dir) throws Exception {
    // A worker took a lease back and started a new processor before the old one ended.
    WorkerReport report = new WorkerReport(dir.resolve("trickle"));
    report.initialized("shardId-000000000000");
    report.initialized("shardId-000000000000");
    report.ended("shardId-000000000000");

    assertThat(Line.parse(report.progressLine()).held()).containsExactly("shardId-000000000000");

    report.ended("shardId-000000000000");
    assertThat(Line.parse(report.progressLine()).held()).isEmpty();
  }
}
