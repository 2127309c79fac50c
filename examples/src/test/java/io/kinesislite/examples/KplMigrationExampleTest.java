package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kpl.ProducerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link KplMigrationExample} on the embedded default with the bundled KPL file: the file loads
 * unchanged, its producer keys become the producer's settings, the native-only keys come back as
 * notes, and records sent with the KPL's call shape are all stored, aggregated.
 */
class KplMigrationExampleTest {
  @Test
  void theSampleKplFileLoadsUnchangedAndRecordsAreStoredAggregated() throws Exception {
    KplMigrationExample example = new KplMigrationExample();
    new CommandLine(example).parseArgs("--stream", "kpl-migration-test", "--records", "50");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    KplMigrationExample.Result result;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      result = example.run(out);
    }

    ProducerConfig producer = result.kpl().producerConfig();
    assertThat(producer.aggregationEnabled()).isTrue();
    assertThat(producer.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(200));
    assertThat(producer.rateLimit()).isEqualTo(100);
    assertThat(producer.recordTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(producer.metricsLevel()).isEqualTo(ProducerConfig.MetricsLevel.SUMMARY);
    // Region = us-east-1: the file points at real Kinesis; the example sent to embedded: instead.
    assertThat(result.kpl().transportConfig().orElseThrow().selection().toString())
        .isEqualTo("aws:us-east-1");
    assertThat(result.notes())
        .anyMatch(n -> n.startsWith("NativeExecutable=/opt/kpl/bin/kinesis_producer is not used"))
        .anyMatch(n -> n.startsWith("ThreadingModel=POOLED is not used"))
        .anyMatch(n -> n.startsWith("TempDirectory is not used"))
        .noneMatch(n -> n.startsWith("RecordMaxBufferedTime") || n.startsWith("RateLimit"));

    assertThat(result.stored()).isEqualTo(50);
    assertThat(result.failed()).isZero();
    assertThat(result.kinesisRecords()).isBetween(1, 10); // 50 small records, aggregated per shard
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("50 records stored in " + result.kinesisRecords() + " Kinesis records");
  }
}
