package io.kinesislite.kcl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.testkit.DynamoDbLocal;
import io.kinesislite.testkit.DynamoDbLocalExtension;
import io.kinesislite.testkit.KinesisMock;
import io.kinesislite.testkit.KinesisMockExtension;
import io.kinesislite.testkit.UniqueNames;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.CoordinatorConfig;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.exceptions.KinesisClientLibException;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsConfig;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalConfig;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The real KCL 3.5.1 {@code Scheduler} and a kcl-lite {@link Worker} take turns on one lease table
 * in DynamoDB Local (application name = table name) for a 2-shard stream on kinesis-mock: the KCL
 * consumes first and is stopped gracefully, kcl-lite takes its leases once they expire and
 * continues from its checkpoints, shuts down gracefully (releasing the leases), and a new KCL
 * scheduler continues from kcl-lite's checkpoints. kcl-lite's lease store creates the table and the
 * two leases first (see {@link #createLeases()}), so the KCL starts on kcl-lite's rows.
 *
 * <p>The KCL runs in {@code CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X}: the 2.x lease taker, which
 * takes expired and unowned leases by itself, instead of the 3.x leader that only assigns leases to
 * workers publishing worker-metrics rows. Polling, metrics off, worker metrics and graceful
 * hand-off off, and every interval the KCL lets us set made short.
 *
 * <p>kcl-lite takes over the way the KCL's 2.x taker would: a live-looking owner holding more than
 * its share loses one lease to a steal at once, the rest are taken once their counters stood still
 * for the failover time (the KCL does not release leases on a graceful shutdown).
 *
 * <p>Records are written by kpl-lite with aggregation, and every processor checkpoints each batch
 * at its second-to-last user record, usually inside an aggregate, and not at all on shutdown. So
 * each successor must resume at a sub-sequence number inside an aggregate: it gets exactly the
 * records after its predecessor's last checkpoint, some of them a second time, and none before it.
 */
@ExtendWith({KinesisMockExtension.class, DynamoDbLocalExtension.class})
class KclWorkerInteropIT {
  private static final Duration FAILOVER = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int RECORDS_PER_BATCH = 150;
  private static final int KEYS = 30;
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret"));

  /** Where a user record is: its shard and its position there. */
  private record Position(String shardId, Checkpoint at) {}

  /** One delivery of a user record to a processor of the consumer {@code consumer}. */
  private record Delivery(String consumer, String shardId, Checkpoint at) {}

  private KinesisMock mock;
  private DynamoDbLocal dynamo;
  private String stream;
  private String table;
  private KinesisTransport transport;
  private KinesisProducer producer;
  private DynamoDbClient syncDynamo;
  private DynamoDbLeaseStore leaseView; // reads the shared table
  private final List<Kcl> kcls = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final List<LeaseStore> stores = new ArrayList<>();

  /** Every user record produced, by its data ("batch-i"). */
  private final Map<String, Position> produced = new ConcurrentHashMap<>();

  /** Every delivery of every user record, by its data. */
  private final Map<String, List<Delivery>> deliveries = new ConcurrentHashMap<>();

  /** Per consumer: the position each shard's processor was initialized at. */
  private final Map<String, Map<String, Checkpoint>> startedAt = new ConcurrentHashMap<>();

  /** Per consumer: the last checkpoint each shard's processor wrote successfully. */
  private final Map<String, Map<String, Checkpoint>> checkpointed = new ConcurrentHashMap<>();

  /** Per consumer: the processor events other than records, in order. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final Phases phases = new Phases();

  @BeforeEach
  void setUp(KinesisMock mock, DynamoDbLocal dynamo) {
    this.mock = mock;
    this.dynamo = dynamo;
    stream = UniqueNames.stream("kcl-worker");
    table = UniqueNames.table("kcl-worker");
    transport =
        Transports.open(
            TransportConfig.builder().selection(mock.httpEndpoint().toString()).build());
    await(transport.createStream(stream, 2));
    await(transport.awaitStreamActive(stream, Duration.ofSeconds(30)));
    producer =
        KinesisProducer.create(
            ProducerConfig.builder()
                .aggregationEnabled(true)
                .recordMaxBufferedTime(Duration.ofMillis(20))
                .build(),
            transport);
    syncDynamo = DynamoDbLeaseStoreIT.client(dynamo);
    leaseView = DynamoDbLeaseStore.create(syncDynamo, table);
  }

  @AfterEach
  void tearDown() {
    phases.print();
    workers.forEach(Worker::close);
    kcls.forEach(Kcl::stopNow);
    stores.forEach(LeaseStore::close);
    if (producer != null) {
      producer.close();
    }
    if (transport != null) {
      await(transport.deleteStream(stream)); // gives its shards back to the shared mock
      transport.close();
    }
    if (leaseView != null) {
      try {
        printTableShape();
      } catch (RuntimeException e) {
        System.out.println("[KclWorkerInteropIT] cannot describe the lease table: " + e);
      }
      leaseView.close();
    }
    if (syncDynamo != null) {
      try {
        syncDynamo.deleteTable(r -> r.tableName(table));
      } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
        // never created
      }
      syncDynamo.close();
    }
  }

  @Test
  void leasesAndCheckpointsMoveFromTheKclToKclLiteAndBack() throws Exception {
    createLeases();
    produce("a");
    phases.mark("stream, lease table and leases created, batch a produced");

    // ---- 1. the KCL consumes first
    Kcl kcl1 = startKcl("kcl-1");
    eventually(
        "kcl-1 processed batch a", () -> processedBy("kcl-1").containsAll(batch("a")), this::state);
    phases.mark("kcl-1: started, processed batch a");
    produce("b");
    eventually(
        "kcl-1 processed batch b", () -> processedBy("kcl-1").containsAll(batch("b")), this::state);
    phases.mark("kcl-1: processed batch b (produced while it ran)");
    assertThat(kcl1.shutdownGracefully()).as("kcl-1's graceful shutdown succeeded").isTrue();
    phases.mark("kcl-1: graceful shutdown");
    Map<String, Lease> afterKcl = leases();
    assertThat(rawKeys())
        .as("the KCL keeps its client-version state in the lease table")
        .contains("Migration3.0");
    assertThat(afterKcl)
        .as("kcl-lite reads the lease rows only")
        .containsOnlyKeys(rawKeys().stream().filter(k -> k.startsWith("shardId-")).toList());
    System.out.println("[KclWorkerInteropIT] leases after kcl-1 stopped: " + afterKcl.values());
    Map<String, Checkpoint> kclCheckpoints = checkpointsOf(afterKcl);
    assertThat(kclCheckpoints)
        .as("the table holds kcl-1's last checkpoints, as kcl-lite reads them")
        .isEqualTo(checkpointed.get("kcl-1"));
    produce("c");

    // ---- 2. kcl-lite takes over once the KCL's leases expire
    Worker lite = startLite("lite-1");
    eventually("lite-1 holds both shards", () -> lite.heldShards().size() == 2, this::state);
    phases.mark("lite-1: started, holds both of kcl-1's leases");
    eventually(
        "lite-1 processed every record after kcl-1's checkpoints",
        () -> processedBy("lite-1").containsAll(after(kclCheckpoints)),
        this::state);
    phases.mark("lite-1: caught up from kcl-1's checkpoints");
    produce("d");
    eventually(
        "lite-1 processed batch d",
        () -> processedBy("lite-1").containsAll(batch("d")),
        this::state);
    assertHandedOver("kcl-1", "lite-1", kclCheckpoints);
    lite.shutdown().get(30, TimeUnit.SECONDS);
    lite.close();
    phases.mark("lite-1: graceful shutdown");
    Map<String, Lease> afterLite = leases();
    System.out.println("[KclWorkerInteropIT] leases after lite-1 stopped: " + afterLite.values());
    assertThat(afterLite.values())
        .as("kcl-lite released its leases on graceful shutdown")
        .allMatch(l -> l.owner().isEmpty());
    Map<String, Checkpoint> liteCheckpoints = checkpointsOf(afterLite);
    assertThat(liteCheckpoints)
        .as("the table holds lite-1's last checkpoints")
        .isEqualTo(checkpointed.get("lite-1"));
    produce("e");

    // ---- 3. a new KCL scheduler takes the released leases and continues
    startKcl("kcl-2");
    eventually(
        "kcl-2 processed every record after lite-1's checkpoints",
        () -> processedBy("kcl-2").containsAll(after(liteCheckpoints)),
        this::state);
    phases.mark("kcl-2: started, took the released leases, caught up");
    assertHandedOver("lite-1", "kcl-2", liteCheckpoints);

    assertThat(deliveries.keySet()).as("every record processed").containsAll(produced.keySet());
    assertThat(deliveries.keySet())
        .as("nothing processed that was not produced")
        .hasSameSizeAs(produced.keySet());
    assertEachConsumerSawEachShardInOrder();
  }

  // ---------------------------------------------------------------- assertions

  /**
   * The successor started each shard at the predecessor's last checkpoint, got exactly the records
   * after it, and the records both got all lie after it.
   */
  private void assertHandedOver(
      String predecessor, String successor, Map<String, Checkpoint> checkpoints) {
    assertThat(startedAt.get(successor))
        .as("%s initialized each shard at %s's last checkpoint", successor, predecessor)
        .isEqualTo(checkpoints);
    Set<String> expected = after(checkpoints);
    assertThat(processedBy(successor))
        .as("%s processed exactly the records after %s's checkpoints", successor, predecessor)
        .containsExactlyInAnyOrderElementsOf(expected);
    Set<String> both = processedBy(predecessor);
    both.retainAll(processedBy(successor));
    assertThat(expected)
        .as("records processed by both %s and %s lie after the checkpoint", predecessor, successor)
        .containsAll(both);
    System.out.printf(
        "[KclWorkerInteropIT] %s -> %s: %d records processed again (after the checkpoints %s)%n",
        predecessor, successor, both.size(), checkpoints);
  }

  private void assertEachConsumerSawEachShardInOrder() {
    Map<String, List<Delivery>> byConsumerAndShard = new TreeMap<>();
    deliveries.values().stream()
        .flatMap(List::stream)
        .forEach(
            d ->
                byConsumerAndShard
                    .computeIfAbsent(d.consumer() + "/" + d.shardId(), k -> new ArrayList<>())
                    .add(d));
    byConsumerAndShard.forEach(
        (key, list) -> {
          List<Checkpoint> positions = list.stream().map(Delivery::at).sorted().toList();
          assertThat(positions).as("%s: no record delivered twice", key).doesNotHaveDuplicates();
        });
  }

  // ---------------------------------------------------------------- records

  /** Produces {@value #RECORDS_PER_BATCH} records "name-i" through kpl-lite, aggregated. */
  private void produce(String name) {
    List<CompletableFuture<RecordResult>> results = new ArrayList<>();
    for (int i = 0; i < RECORDS_PER_BATCH; i++) {
      results.add(
          producer.add(
              stream,
              "key-" + i % KEYS,
              ByteBuffer.wrap((name + "-" + i).getBytes(StandardCharsets.UTF_8))));
    }
    producer.flushSync();
    for (int i = 0; i < RECORDS_PER_BATCH; i++) {
      RecordResult r = await(results.get(i));
      produced.put(
          name + "-" + i,
          new Position(r.shardId(), Checkpoint.at(r.sequenceNumber(), r.subSequenceNumber())));
    }
  }

  private Set<String> batch(String name) {
    return produced.keySet().stream()
        .filter(id -> id.startsWith(name + "-"))
        .collect(Collectors.toSet());
  }

  /** The records produced so far that lie after the checkpoint of their shard. */
  private Set<String> after(Map<String, Checkpoint> checkpoints) {
    return produced.entrySet().stream()
        .filter(e -> e.getValue().at().compareTo(checkpoints.get(e.getValue().shardId())) > 0)
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private Set<String> processedBy(String consumer) {
    return deliveries.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(d -> d.consumer().equals(consumer)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private void delivered(String consumer, String shardId, Checkpoint at, ByteBuffer data) {
    String id = StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    deliveries
        .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
        .add(new Delivery(consumer, shardId, at));
    phases.firstRecord(consumer);
  }

  private void started(String consumer, String shardId, Checkpoint at) {
    startedAt.computeIfAbsent(consumer, k -> new ConcurrentHashMap<>()).put(shardId, at);
    events.add(consumer + " initialize " + shardId + " at " + at);
  }

  private void wroteCheckpoint(String consumer, String shardId, Checkpoint at) {
    checkpointed.computeIfAbsent(consumer, k -> new ConcurrentHashMap<>()).put(shardId, at);
  }

  // ---------------------------------------------------------------- lease table

  /**
   * Creates the lease table and a TRIM_HORIZON lease per shard, as a kcl-lite worker's shard sync
   * does. The KCL would create them too, but on an empty table its Scheduler first waits a random 1
   * to 30 s (Scheduler.MIN/MAX_WAIT_TIME_FOR_LEASE_TABLE_CHECK_MILLIS, not configurable) for other
   * workers to create them; on a table with leases it starts at once.
   */
  private void createLeases() {
    leaseView.ensureTable();
    for (Shard shard : await(transport.listShards(stream))) {
      Set<String> parents = new java.util.HashSet<>();
      shard.parentShardId().ifPresent(parents::add);
      shard.adjacentParentShardId().ifPresent(parents::add);
      assertThat(
              leaseView.createIfAbsent(
                  Lease.newLease(
                      shard.shardId(), Checkpoint.TRIM_HORIZON, parents, shard.hashKeyRange())))
          .isTrue();
    }
  }

  private Map<String, Lease> leases() {
    return leaseView.list().stream()
        .collect(Collectors.toMap(Lease::leaseKey, l -> l, (x, y) -> x, TreeMap::new));
  }

  private static Map<String, Checkpoint> checkpointsOf(Map<String, Lease> leases) {
    Map<String, Checkpoint> checkpoints = new TreeMap<>();
    leases.forEach((key, lease) -> checkpoints.put(key, lease.checkpoint()));
    return checkpoints;
  }

  private List<String> rawKeys() {
    return syncDynamo.scan(r -> r.tableName(table).consistentRead(true)).items().stream()
        .map(row -> row.get("leaseKey").s())
        .toList();
  }

  /** Prints what the KCL left in the table besides leases: extra rows and indexes. */
  private void printTableShape() {
    List<GlobalSecondaryIndexDescription> indexes =
        syncDynamo.describeTable(r -> r.tableName(table)).table().globalSecondaryIndexes();
    System.out.println(
        "[KclWorkerInteropIT] lease table GSIs: "
            + indexes.stream().map(GlobalSecondaryIndexDescription::indexName).toList());
    for (Map<String, AttributeValue> row :
        syncDynamo.scan(r -> r.tableName(table).consistentRead(true)).items()) {
      if (row.containsKey("entityType") && !row.get("entityType").s().equals("LEASE")) {
        System.out.println("[KclWorkerInteropIT] non-lease row: " + row);
      }
    }
  }

  private String state() {
    StringBuilder s = new StringBuilder();
    s.append("produced ").append(produced.size());
    for (String consumer : List.of("kcl-1", "lite-1", "kcl-2")) {
      s.append(", ").append(consumer).append(" processed ").append(processedBy(consumer).size());
    }
    try {
      s.append("\nleases: ").append(leases().values());
    } catch (RuntimeException e) {
      s.append("\nleases: ").append(e);
    }
    s.append("\nevents: ").append(events);
    for (Kcl kcl : kcls) {
      s.append("\n")
          .append(kcl.workerId)
          .append(" scheduler thread alive: ")
          .append(kcl.thread.isAlive());
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- kcl-lite

  private Worker startLite(String workerId) {
    DynamoDbLeaseStore store = DynamoDbLeaseStore.create(syncDynamo, table);
    stores.add(store);
    Worker worker =
        Worker.create(
            ConsumerConfig.builder()
                .applicationName(table)
                .streamName(stream)
                .workerId(workerId)
                .initialPosition(InitialPosition.trimHorizon())
                .failoverTime(FAILOVER)
                .takeInterval(Duration.ofMillis(200))
                .idleWait(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(20))
                .build(),
            transport,
            store,
            shardId -> new LiteRecorder(workerId));
    workers.add(worker);
    worker.start();
    phases.started(workerId);
    return worker;
  }

  /** Records every record; checkpoints each batch at its second-to-last record. */
  private final class LiteRecorder implements RecordProcessor {
    private final String consumer;
    private String shardId;

    LiteRecorder(String consumer) {
      this.consumer = consumer;
    }

    @Override
    public void initialize(String shardId, Checkpoint startingPosition) {
      this.shardId = shardId;
      started(consumer, shardId, startingPosition);
    }

    @Override
    public void processRecords(
        List<ConsumerRecord> records, Checkpointer checkpointer, long millisBehind) {
      for (ConsumerRecord r : records) {
        delivered(consumer, shardId, r.checkpoint(), r.data());
      }
      if (records.size() >= 2) {
        Checkpoint at = records.get(records.size() - 2).checkpoint();
        try {
          checkpointer.checkpoint(at);
          wroteCheckpoint(consumer, shardId, at);
        } catch (LeaseLostException e) {
          events.add(consumer + " checkpoint failed on " + shardId + ": " + e);
        }
      }
    }

    @Override
    public void leaseLost() {
      events.add(consumer + " leaseLost " + shardId);
    }

    @Override
    public void shardEnded(Checkpointer checkpointer) {
      events.add(consumer + " shardEnded " + shardId);
      checkpointer.checkpoint();
    }

    @Override
    public void shutdownRequested(Checkpointer checkpointer) {
      events.add(consumer + " shutdownRequested " + shardId);
    }
  }

  // ---------------------------------------------------------------- the KCL

  private Kcl startKcl(String workerId) {
    Kcl kcl = new Kcl(workerId);
    kcls.add(kcl);
    phases.started(workerId);
    kcl.thread.start();
    return kcl;
  }

  /** One KCL scheduler with its own clients, running on its own thread. */
  private final class Kcl {
    final String workerId;
    final DynamoDbAsyncClient dynamoClient;
    final KinesisAsyncClient kinesisClient;
    final CloudWatchAsyncClient cloudWatchClient;
    final Scheduler scheduler;
    final Thread thread;

    Kcl(String workerId) {
      this.workerId = workerId;
      dynamoClient =
          DynamoDbAsyncClient.builder()
              .endpointOverride(dynamo.endpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(NettyNioAsyncHttpClient.builder())
              .build();
      kinesisClient =
          KinesisAsyncClient.builder()
              .endpointOverride(mock.httpEndpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
              .build();
      // Required by the ConfigsBuilder; with the NullMetricsFactory it is never called.
      cloudWatchClient =
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
              table, // application name = lease table name
              kinesisClient,
              dynamoClient,
              cloudWatchClient,
              workerId,
              () -> new KclRecorder(workerId));
      LeaseManagementConfig leases =
          configs
              .leaseManagementConfig()
              // renew every 975 ms, take every 6,050 ms ((failover + epsilon) * 2)
              .failoverTimeMillis(FAILOVER.toMillis())
              .shardSyncIntervalMillis(1_000);
      // No CPU probes (EC2 IMDS, 5 s timeouts off EC2); no 3.x hand-off, which 2.x takers ignore.
      leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true);
      leases.gracefulLeaseHandoffConfig().isGracefulLeaseHandoffEnabled(false);
      CoordinatorConfig coordinator =
          configs
              .coordinatorConfig()
              .clientVersionConfig(
                  CoordinatorConfig.ClientVersionConfig.CLIENT_VERSION_CONFIG_COMPATIBLE_WITH_2X)
              .shardConsumerDispatchPollIntervalMillis(100)
              .parentShardPollIntervalMillis(1_000)
              .schedulerInitializationBackoffTimeMillis(200);
      RetrievalConfig retrieval =
          configs
              .retrievalConfig()
              .retrievalSpecificConfig(
                  new PollingConfig(stream, kinesisClient).idleTimeBetweenReadsInMillis(200));
      MetricsConfig metrics =
          configs
              .metricsConfig()
              .metricsLevel(MetricsLevel.NONE)
              .metricsFactory(new NullMetricsFactory());
      scheduler =
          new Scheduler(
              configs.checkpointConfig(),
              coordinator,
              leases,
              configs.lifecycleConfig(),
              metrics,
              configs.processorConfig(),
              retrieval);
      thread = new Thread(scheduler, "kcl-scheduler-" + workerId);
      thread.setDaemon(true);
    }

    /** Shuts the scheduler down gracefully and waits for its thread; closes the clients. */
    boolean shutdownGracefully() throws Exception {
      boolean done = scheduler.startGracefulShutdown().get(30, TimeUnit.SECONDS);
      thread.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(thread.isAlive()).as("%s's scheduler thread ended", workerId).isFalse();
      closeClients();
      return done;
    }

    void stopNow() {
      if (thread.isAlive()) {
        scheduler.shutdown();
        try {
          thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      closeClients();
    }

    private void closeClients() {
      dynamoClient.close();
      kinesisClient.close();
      cloudWatchClient.close();
    }
  }

  /** The KCL twin of {@link LiteRecorder}. */
  private final class KclRecorder implements ShardRecordProcessor {
    private final String consumer;
    private String shardId;

    KclRecorder(String consumer) {
      this.consumer = consumer;
    }

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.shardId();
      started(consumer, shardId, checkpoint(input.extendedSequenceNumber()));
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      List<KinesisClientRecord> records = input.records();
      for (KinesisClientRecord r : records) {
        delivered(
            consumer, shardId, Checkpoint.at(r.sequenceNumber(), r.subSequenceNumber()), r.data());
      }
      if (records.size() >= 2) {
        KinesisClientRecord r = records.get(records.size() - 2);
        try {
          input.checkpointer().checkpoint(r.sequenceNumber(), r.subSequenceNumber());
          wroteCheckpoint(
              consumer, shardId, Checkpoint.at(r.sequenceNumber(), r.subSequenceNumber()));
        } catch (KinesisClientLibException e) {
          events.add(consumer + " checkpoint failed on " + shardId + ": " + e);
        }
      }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      events.add(consumer + " leaseLost " + shardId);
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      events.add(consumer + " shardEnded " + shardId);
      try {
        input.checkpointer().checkpoint();
      } catch (KinesisClientLibException e) {
        events.add(consumer + " checkpoint at shard end failed on " + shardId + ": " + e);
      }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      events.add(consumer + " shutdownRequested " + shardId);
    }
  }

  private static Checkpoint checkpoint(ExtendedSequenceNumber n) {
    return n.isSentinelCheckpoint()
        ? new Checkpoint(n.sequenceNumber(), 0)
        : Checkpoint.at(n.sequenceNumber(), n.subSequenceNumber());
  }

  // ---------------------------------------------------------------- waiting and timing

  private static void eventually(String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + WAIT.toSeconds()
                + " s waiting until "
                + what
                + "\n"
                + state.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Wall times of the test's phases, and of each consumer's start to its first record. */
  private static final class Phases {
    private final long start = System.nanoTime();
    private long last = start;
    private final Map<String, Long> lines = new LinkedHashMap<>();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> firstRecordAt = new ConcurrentHashMap<>();

    synchronized void mark(String phase) {
      long now = System.nanoTime();
      lines.put(phase, now - last);
      last = now;
    }

    void started(String consumer) {
      startedAt.put(consumer, System.nanoTime());
    }

    void firstRecord(String consumer) {
      firstRecordAt.putIfAbsent(consumer, System.nanoTime());
    }

    synchronized void print() {
      StringBuilder s = new StringBuilder("[KclWorkerInteropIT] phases:\n");
      lines.forEach(
          (phase, nanos) -> s.append(String.format("  %6.1f s  %s%n", nanos / 1e9, phase)));
      startedAt.forEach(
          (consumer, at) -> {
            Long first = firstRecordAt.get(consumer);
            s.append(
                String.format(
                    "  %s: start to first record %s%n",
                    consumer, first == null ? "-" : String.format("%.1f s", (first - at) / 1e9)));
          });
      s.append(String.format("  total %.1f s%n", (System.nanoTime() - start) / 1e9));
      System.out.print(s);
    }
  }
}
