package io.kinesislite.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.EmbeddedLeaseStore;
import io.kinesislite.kcl.Lease;
import io.kinesislite.transport.AggregateEncoder;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LossReportTest {
  @Test
  void findsLostLinesInTheirShardAggregatedOrNotAndCountsThoseInNoShard() throws Exception {
    try (KinesisTransport kinesis = Transports.open("embedded:");
        EmbeddedLeaseStore leases = EmbeddedLeaseStore.inMemory()) {
      kinesis.createStream("s", 1).join();
      kinesis.awaitStreamActive("s", Duration.ofSeconds(10)).join();
      kinesis.putRecord("s", PutEntry.of("k", line(1))).join();
      AggregateEncoder aggregate = new AggregateEncoder();
      aggregate.add("k", null, line(2));
      aggregate.add("k", null, line(3));
      kinesis.putRecord("s", PutEntry.of("k", aggregate.encode())).join();
      Shard shard = kinesis.listShards("s").join().get(0);
      leases.ensureTable();
      leases.createIfAbsent(
          Lease.newLease(shard.shardId(), Checkpoint.TRIM_HORIZON, Set.of(), shard.hashKeyRange()));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      LossReport.print(
          new PrintStream(bytes, true, StandardCharsets.UTF_8),
          kinesis,
          "s",
          leases,
          List.of(1L, 3L, 99L));

      String report = bytes.toString(StandardCharsets.UTF_8);
      assertThat(report)
          .contains("where the 3 lost lines are (the first 5: [1, 3, 99])")
          .containsPattern(
              shard.shardId() + ": 2 of them, the first, line 1, at \\d+; lease owner none")
          .contains("in no shard: 1");
    }
  }

  private static byte[] line(long n) {
    return (n + " GET /index.html 200").getBytes(StandardCharsets.UTF_8);
  }
}
