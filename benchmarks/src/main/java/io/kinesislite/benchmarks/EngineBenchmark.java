package io.kinesislite.benchmarks;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.engine.SyncPolicy;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StartingPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second through the bundled engine's transport: put-many calls of 500 records and
 * get-records calls of 10,000 records, 100 bytes each, on a 4-shard stream with the throughput
 * limits off, in memory and durable with the INTERVAL and ALWAYS sync policies, with 1 and 4
 * threads. JMH counts one operation per record.
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar EngineBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@State(Scope.Benchmark)
public class EngineBenchmark {
  static final int RECORD_BYTES = 100;
  static final int PUT_BATCH = 500;
  static final int GET_LIMIT = 10_000;
  static final int SHARDS = 4;
  static final int READ_RECORDS_PER_SHARD = 50_000;

  /** Where the engine keeps records: {@code memory}, or a directory synced by that policy. */
  @Param({"memory", "interval", "always"})
  public String storage;

  private Path directory;
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private List<Shard> readShards;
  private final AtomicInteger nextReader = new AtomicInteger();

  @Setup(Level.Trial)
  public void open() throws IOException {
    EngineConfig.Builder config = EngineConfig.builder().limitsEnabled(false);
    if (!storage.equals("memory")) {
      directory = Files.createTempDirectory("kinesis-lite-bench");
      config
          .directory(directory)
          .syncPolicy(storage.equals("always") ? SyncPolicy.ALWAYS : SyncPolicy.INTERVAL);
    }
    engine = ShardEngine.open(config.build());
    kinesis = EmbeddedTransport.over(engine);
    kinesis.createStream("read", SHARDS).join();
    readShards = kinesis.listShards("read").join();
    // Exactly READ_RECORDS_PER_SHARD in each shard, so every read below returns GET_LIMIT.
    for (Shard shard : readShards) {
      List<PutEntry> batch = new ArrayList<>(PUT_BATCH);
      for (int i = 0; i < PUT_BATCH; i++) {
        batch.add(
            PutEntry.of("fill", shard.hashKeyRange().start().toString(), new byte[RECORD_BYTES]));
      }
      for (int n = 0; n < READ_RECORDS_PER_SHARD; n += PUT_BATCH) {
        kinesis.putRecords("read", batch).join();
      }
    }
  }

  /** A fresh write stream per iteration, so that memory use stays flat however fast writes go. */
  @Setup(Level.Iteration)
  public void createWriteStream() {
    kinesis.createStream("write", SHARDS).join();
  }

  @TearDown(Level.Iteration)
  public void deleteWriteStream() {
    kinesis.deleteStream("write").join();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    kinesis.close();
    engine.close();
    if (directory != null) {
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** One writer's batch: 500 records with random partition keys, spread over every shard. */
  @State(Scope.Thread)
  public static class Writer {
    List<PutEntry> batch;

    @Setup(Level.Trial)
    public void prepare() {
      Random random = new Random(Thread.currentThread().getId());
      batch = new ArrayList<>(PUT_BATCH);
      for (int i = 0; i < PUT_BATCH; i++) {
        byte[] data = new byte[RECORD_BYTES];
        random.nextBytes(data);
        batch.add(PutEntry.of("key-" + random.nextLong(), data));
      }
    }
  }

  /** One reader's place: a shard of its own (by thread), read round and round. */
  @State(Scope.Thread)
  public static class Reader {
    String shardId;
    String iterator;
    int pages;
  }

  @Benchmark
  @OperationsPerInvocation(PUT_BATCH)
  @Threads(1)
  public PutRecordsResult putRecords1Thread(Writer writer) {
    return kinesis.putRecords("write", writer.batch).join();
  }

  @Benchmark
  @OperationsPerInvocation(PUT_BATCH)
  @Threads(4)
  public PutRecordsResult putRecords4Threads(Writer writer) {
    return kinesis.putRecords("write", writer.batch).join();
  }

  @Benchmark
  @OperationsPerInvocation(GET_LIMIT)
  @Threads(1)
  public GetRecordsResult getRecords1Thread(Reader reader) {
    return read(reader);
  }

  @Benchmark
  @OperationsPerInvocation(GET_LIMIT)
  @Threads(4)
  public GetRecordsResult getRecords4Threads(Reader reader) {
    return read(reader);
  }

  // Every call returns exactly GET_LIMIT records: each shard holds a multiple of it, and a reader
  // starts again at the trim horizon before it would reach the end.
  private GetRecordsResult read(Reader reader) {
    if (reader.shardId == null) {
      reader.shardId = readShards.get(nextReader.getAndIncrement() % readShards.size()).shardId();
    }
    if (reader.iterator == null || reader.pages == READ_RECORDS_PER_SHARD / GET_LIMIT) {
      reader.iterator =
          kinesis.getShardIterator("read", reader.shardId, StartingPosition.trimHorizon()).join();
      reader.pages = 0;
    }
    GetRecordsResult page = kinesis.getRecords(reader.iterator, GET_LIMIT).join();
    if (page.records().size() != GET_LIMIT) {
      // The score counts GET_LIMIT records per call; a short page would inflate it.
      throw new IllegalStateException(
          "read " + page.records().size() + " records, not " + GET_LIMIT);
    }
    reader.iterator = page.nextShardIterator().orElseThrow();
    reader.pages++;
    return page;
  }
}
