package io.kinesislite.examples.quickstart;

import io.kinesislite.kcl.Lease;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.transport.AggregateDecoder;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamRecord;
import io.kinesislite.transport.UserRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * When a run lost lines, finds out where they are: reads every shard of the stream from its start
 * and reports, per shard, how many of the missing lines it holds, the first one's sequence number,
 * and the shard's lease (owner and checkpoint), then how many are in no shard at all. A line in a
 * shard whose checkpoint is past it was skipped by the consumers; one before the checkpoint was not
 * reached; one in no shard never reached the stream. Best effort: a failure to read is printed,
 * never thrown, so the run's own result stands. Not thread-safe; used once, after the run.
 */
final class LossReport {
  private static final Duration READ_BUDGET = Duration.ofSeconds(30);
  private static final int SHOWN = 5;

  private LossReport() {}

  static void print(
      PrintStream out,
      KinesisTransport kinesis,
      String stream,
      LeaseStore leases,
      List<Long> lost) {
    out.printf(
        "%n  where the %,d lost lines are (the first %d: %s)%n", lost.size(), SHOWN, first(lost));
    try {
      Set<Long> wanted = new HashSet<>(lost);
      Map<String, Lease> byShard = new HashMap<>();
      for (Lease lease : leases.list()) {
        byShard.put(lease.leaseKey(), lease);
      }
      long deadline = System.nanoTime() + READ_BUDGET.toNanos();
      Set<Long> found = new HashSet<>();
      Map<String, Shard> shards = new TreeMap<>();
      for (Shard shard : kinesis.listShards(stream).get(10, TimeUnit.SECONDS)) {
        shards.put(shard.shardId(), shard);
      }
      for (Shard shard : shards.values()) {
        Map<Long, String> here = new TreeMap<>();
        String iterator =
            kinesis
                .getShardIterator(stream, shard.shardId(), StartingPosition.trimHorizon())
                .get(10, TimeUnit.SECONDS);
        while (iterator != null && System.nanoTime() < deadline) {
          GetRecordsResult page = kinesis.getRecords(iterator, 10_000).get(10, TimeUnit.SECONDS);
          for (StreamRecord r : page.records()) {
            for (byte[] line : lines(r)) {
              long n = LogGenerator.sequenceOf(line);
              if (wanted.contains(n)) {
                here.putIfAbsent(n, r.sequenceNumber());
              }
            }
          }
          if (page.isShardEnd() || (page.records().isEmpty() && page.millisBehindLatest() == 0)) {
            break;
          }
          iterator = page.nextShardIterator().orElse(null);
        }
        found.addAll(here.keySet());
        Lease lease = byShard.get(shard.shardId());
        out.printf(
            "  %s%s: %,d of them%s; lease %s%n",
            shard.shardId(),
            shard.parentShardId().map(p -> " (child of " + p + ")").orElse(""),
            here.size(),
            here.isEmpty()
                ? ""
                : ", the first, line "
                    + here.keySet().iterator().next()
                    + ", at "
                    + here.values().iterator().next(),
            lease == null
                ? "none"
                : "owner " + lease.owner().orElse("none") + ", checkpoint " + lease.checkpoint());
      }
      long nowhere = lost.stream().filter(n -> !found.contains(n)).count();
      out.printf("  in no shard: %,d%n", nowhere);
    } catch (Exception e) {
      out.printf("  could not read the stream or the lease table: %s%n", e);
    }
  }

  private static List<byte[]> lines(StreamRecord r) {
    byte[] data = r.dataBytes();
    if (!AggregateDecoder.isAggregated(data)) {
      return List.of(data);
    }
    return AggregateDecoder.decode(data).stream().map(UserRecord::dataBytes).toList();
  }

  private static String first(List<Long> lost) {
    return lost.subList(0, Math.min(SHOWN, lost.size())).toString();
  }
}
