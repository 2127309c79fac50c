package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Lease;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@link KclMigrationExample} on the embedded default: with no lease in the table it leaves one per
 * shard as a stopped KCL worker would (owner, counter, checkpoint after the first half of the
 * records); kcl-lite then takes the leases after the failover time, starts each shard after its
 * checkpoint, processes exactly the second half, and leaves the leases released and checkpointed at
 * the end.
 */
class KclMigrationExampleTest {
  @Test
  @Timeout(60)
  void kclLiteResumesAStoppedKclWorkersShardsAfterTheirCheckpoints() throws Exception {
    KclMigrationExample example = new KclMigrationExample();
    new CommandLine(example)
        .parseArgs(
            "--application", "kcl-migration-test",
            "--stream", "kcl-migration-test",
            "--records", "20",
            "--failover-seconds", "1",
            "--run-seconds", "40");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    KclMigrationExample.Result result;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      result = example.run(out);
    }

    assertThat(result.seeded()).isTrue();
    assertThat(result.before()).hasSize(2);
    assertThat(result.before().values())
        .allMatch(l -> l.isOwnedBy(KclMigrationExample.KCL_WORKER) && l.counter() == 17);
    Map<String, Checkpoint> seeded = new java.util.TreeMap<>();
    result.before().forEach((k, l) -> seeded.put(k, l.checkpoint()));
    assertThat(result.startedAfter()).isEqualTo(seeded);

    List<String> processed = new ArrayList<>();
    result.processed().values().forEach(processed::addAll);
    assertThat(processed)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(10, 20).mapToObj(i -> "order-" + i).toList());

    for (Lease l : result.after().values()) {
      assertThat(l.owner()).isEmpty(); // released by the graceful shutdown
      assertThat(l.checkpoint()).isNotEqualTo(result.before().get(l.leaseKey()).checkpoint());
    }
  }
}
