package io.kinesislite.benchmarks.compare;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * One worker of the real KCL 3.5.1 in a JVM of its own (with the peers' jars), for {@link
 * ConsumerComparison}: the twin of {@link KclLiteWorkerMain}, configured as the KCL was measured
 * before ({@code shared/reference/kcl-baseline.md}): a {@link Scheduler} at its defaults (3.x
 * client version, worker-utilization-aware assignment, graceful hand-off) but for the failover time
 * and shard-sync interval the comparison passes; polling retrieval at its defaults; metrics off;
 * Netty HTTP/1.1 clients. Its processors count records and checkpoint after every batch.
 *
 * <p>Arguments: as {@link KclLiteWorkerMain}'s.
 */
public final class KclWorkerMain {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret"));

  private KclWorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: KclWorkerMain <kinesis endpoint> <dynamodb endpoint> <application> <stream>"
              + " <worker id> <trickle file> <failover ms> <shard sync ms>");
      System.exit(2);
    }
    WorkerReport report = new WorkerReport(Path.of(args[5]));
    report.start();
    String stream = args[3];
    // Nothing is closed: the process ends by SIGKILL or by halt.
    KinesisAsyncClient kinesis =
        KinesisAsyncClient.builder()
            .endpointOverride(URI.create(args[0]))
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
            .build();
    DynamoDbAsyncClient dynamo =
        DynamoDbAsyncClient.builder()
            .endpointOverride(URI.create(args[1]))
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
            .build();
    // Required by the ConfigsBuilder; with the NullMetricsFactory it is never called.
    CloudWatchAsyncClient cloudWatch =
        CloudWatchAsyncClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .build();
    ConfigsBuilder configs =
        new ConfigsBuilder(
            new SingleStreamTracker(
                stream,
                InitialPositionInStreamExtended.newInitialPosition(
                    InitialPositionInStream.TRIM_HORIZON)),
            args[2], // application name = lease table name
            kinesis,
            dynamo,
            cloudWatch,
            args[4],
            () -> new CountingProcessor(report));
    LeaseManagementConfig leases =
        configs
            .leaseManagementConfig()
            .failoverTimeMillis(Long.parseLong(args[6]))
            .shardSyncIntervalMillis(Long.parseLong(args[7]));
    Scheduler scheduler =
        new Scheduler(
            configs.checkpointConfig(),
            configs.coordinatorConfig(),
            leases,
            configs.lifecycleConfig(),
            configs
                .metricsConfig()
                .metricsLevel(MetricsLevel.NONE)
                .metricsFactory(new NullMetricsFactory()),
            configs.processorConfig(),
            configs.retrievalConfig().retrievalSpecificConfig(new PollingConfig(stream, kinesis)));
    Thread thread = new Thread(scheduler, "kcl-scheduler");
    thread.start();
    thread.join();
  }

  /** The KCL twin of {@link KclLiteWorkerMain}'s processor. */
  private static final class CountingProcessor implements ShardRecordProcessor {
    private final WorkerReport report;
    private String shardId;

    CountingProcessor(WorkerReport report) {
      this.report = report;
    }

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.shardId();
      report.initialized(shardId);
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      List<KinesisClientRecord> records = input.records();
      if (records.isEmpty()) {
        return;
      }
      List<Long> trickle = new ArrayList<>();
      for (KinesisClientRecord r : records) {
        long index = WorkerReport.trickleIndex(r.data());
        if (index >= 0) {
          trickle.add(index);
        }
      }
      report.processed(
          shardId, records.size(), records.get(records.size() - 1).sequenceNumber(), trickle);
      try {
        input.checkpointer().checkpoint();
      } catch (KinesisClientLibException | RuntimeException e) {
        // lease lost meanwhile: the next owner processes the batch again
      }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      report.ended(shardId);
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      report.ended(shardId);
      try {
        input.checkpointer().checkpoint();
      } catch (KinesisClientLibException | RuntimeException e) {
        // the next owner finds the shard ended without a checkpoint
      }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      report.ended(shardId);
      try {
        input.checkpointer().checkpoint();
      } catch (KinesisClientLibException | RuntimeException e) {
        // as above
      }
    }
  }
}
