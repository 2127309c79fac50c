package io.kinesislite.benchmarks.compare;

import io.kinesislite.kcl.Checkpoint;
import io.kinesislite.kcl.Checkpointer;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.ConsumerRecord;
import io.kinesislite.kcl.DynamoDbLeaseStore;
import io.kinesislite.kcl.InitialPosition;
import io.kinesislite.kcl.LeaseStore;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.kcl.RecordProcessor;
import io.kinesislite.kcl.Worker;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One kcl-lite worker in a JVM of its own, for {@link ConsumerComparison}: consumes a stream on
 * {@code serve} with its leases in DynamoDB (through the comparison's counting proxy), at
 * kcl-lite's defaults but for the failover time and shard-sync interval the comparison passes; its
 * processors count records and checkpoint after every batch, and it prints {@link WorkerReport}
 * lines. It runs until it is killed or its standard input ends.
 *
 * <p>Arguments: kinesis endpoint, DynamoDB endpoint, application (lease table) name, stream, worker
 * id, trickle output file, failover time in ms, shard-sync interval in ms.
 */
public final class KclLiteWorkerMain {
  private KclLiteWorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: KclLiteWorkerMain <kinesis endpoint> <dynamodb endpoint> <application> <stream>"
              + " <worker id> <trickle file> <failover ms> <shard sync ms>");
      System.exit(2);
    }
    WorkerReport report = new WorkerReport(Path.of(args[5]));
    report.start();
    // Nothing is closed: the process ends by SIGKILL or by halt.
    KinesisTransport kinesis =
        Transports.open(TransportConfig.builder().selection(args[0]).build());
    LeaseStore leases =
        DynamoDbLeaseStore.create(
            LeaseStoreConfig.builder()
                .tableName(args[2])
                .endpoint(URI.create(args[1]))
                .credentials(CredentialsSource.staticKeys("AKIDLOCAL", "secret"))
                .build());
    Worker worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(args[2])
                .streamName(args[3])
                .workerId(args[4])
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(Duration.ofMillis(Long.parseLong(args[6])))
                .shardSyncInterval(Duration.ofMillis(Long.parseLong(args[7])))
                .build(),
            kinesis,
            leases,
            shardId -> new CountingProcessor(report));
    worker.start();
    new CountDownLatch(1).await(); // the worker's threads are daemons: keep the JVM up
  }

  /** Counts each batch, writes its trickle records out, checkpoints it. */
  private static final class CountingProcessor implements RecordProcessor {
    private final WorkerReport report;
    private String shardId;

    CountingProcessor(WorkerReport report) {
      this.report = report;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
      report.initialized(shardId);
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      if (records.isEmpty()) {
        return;
      }
      List<Long> trickle = new ArrayList<>();
      for (ConsumerRecord r : records) {
        long index = WorkerReport.trickleIndex(r.data());
        if (index >= 0) {
          trickle.add(index);
        }
      }
      report.processed(
          shardId, records.size(), records.get(records.size() - 1).sequenceNumber(), trickle);
      try {
        checkpointer.checkpoint();
      } catch (RuntimeException e) {
        // lease lost meanwhile: the next owner processes the batch again, as the KCL's would
      }
    }

    @Override
    public void leaseLost() {
      report.ended(shardId);
    }

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      report.ended(shardId);
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      report.ended(shardId);
      checkpointer.checkpoint();
    }
  }
}
