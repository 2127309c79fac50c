package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutRecordsResult;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.TransportIoException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Strict ordering where it is hardest: reshards with puts in flight, aggregates that land on an
 * unexpected shard, keys in a gap of the map, and backlogs routed when the map arrives.
 */
class ProducerStrictOrderingTest {
  private static final BigInteger MID = HashKeyRange.MAX_HASH_KEY.shiftRight(1);

  private ShardEngine engine;
  private KinesisTransport real;
  // Test controls of the gated transport.
  private volatile CompletableFuture<Void> listGate = CompletableFuture.completedFuture(null);
  private volatile boolean failLists;
  private volatile boolean hideUpperShards;
  private volatile String holdPutsOf; // a partition key whose next put waits for putGate
  private final CompletableFuture<Void> putGate = new CompletableFuture<>();
  private final CompletableFuture<Void> putHeld =
      new CompletableFuture<>(); // the held put was made
  private final AtomicInteger putCalls = new AtomicInteger();

  @BeforeEach
  void open() {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(false).build());
    real = EmbeddedTransport.over(engine);
  }

  @AfterEach
  void close() {
    putGate.complete(null);
    real.close();
    engine.close();
  }

  /** The real transport, with list-shards and puts that the test can hold, fail or trim. */
  @SuppressWarnings("unchecked")
  private KinesisTransport gated() {
    return (KinesisTransport)
        Proxy.newProxyInstance(
            KinesisTransport.class.getClassLoader(),
            new Class<?>[] {KinesisTransport.class},
            (proxy, method, args) -> {
              java.util.function.Supplier<CompletableFuture<Object>> call =
                  () -> {
                    try {
                      return (CompletableFuture<Object>) method.invoke(real, args);
                    } catch (IllegalAccessException | InvocationTargetException e) {
                      throw new IllegalStateException(e);
                    }
                  };
              switch (method.getName()) {
                case "listShards":
                  if (failLists) {
                    return CompletableFuture.failedFuture(new TransportIoException("down (test)"));
                  }
                  CompletableFuture<Void> gate = listGate;
                  return gate.thenCompose(
                      v ->
                          call.get()
                              .thenApply(
                                  shards ->
                                      hideUpperShards
                                          ? ((List<Shard>) shards)
                                              .stream()
                                                  .filter(
                                                      s -> s.hashKeyRange().start().signum() == 0)
                                                  .toList()
                                          : shards));
                case "putRecords":
                  putCalls.incrementAndGet();
                  String held = holdPutsOf;
                  if (held != null
                      && ((List<PutEntry>) args[1])
                          .stream().anyMatch(e -> e.partitionKey().equals(held))) {
                    holdPutsOf = null;
                    putHeld.complete(null);
                    return putGate.thenCompose(v -> call.get());
                  }
                  return call.get();
                default:
                  return method.invoke(real, args);
              }
            });
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static BigInteger seq(RecordResult r) {
    return new BigInteger(r.sequenceNumber());
  }

  // Stored earlier in the shard: a lower sequence number, or the same aggregate and a lower index.
  private static boolean before(RecordResult a, RecordResult b) {
    int bySequence = seq(a).compareTo(seq(b));
    return bySequence != 0 ? bySequence < 0 : a.subSequenceNumber() < b.subSequenceNumber();
  }

  private static void notWithin(CompletableFuture<?> f, long millis) {
    assertThatThrownBy(() -> f.get(millis, TimeUnit.MILLISECONDS))
        .as("must wait for the older record of its key")
        .isInstanceOf(TimeoutException.class);
  }

  private ProducerConfig.Builder strict() {
    return ProducerConfig.builder()
        .strictOrdering(true)
        .recordMaxBufferedTime(Duration.ofMillis(20));
  }

  @Test
  void anAggregateThatLandedOnAChildKeepsItsKeysNewerRecordsWaiting() throws Exception {
    await(real.createStream("s", 1));
    try (KinesisProducer producer = KinesisProducer.create(strict().build(), gated())) {
      producer.add("s", "warm", "5", bytes("w")).get(10, TimeUnit.SECONDS);
      Shard parent = await(real.listShards("s")).get(0);
      await(real.splitShard("s", parent.shardId(), MID));
      listGate = new CompletableFuture<>(); // the refresh the mis-route asks for waits
      int putsBefore = putCalls.get();
      CompletableFuture<RecordResult> a1 = producer.add("s", "kA", "1", bytes("a1"));
      CompletableFuture<RecordResult> x =
          producer.add("s", "kX", MID.add(BigInteger.TEN).toString(), bytes("x"));
      producer.flush(); // one aggregate for the parent; it lands on the lower child
      CompletableFuture<RecordResult> a2 = producer.add("s", "kA", "1", bytes("a2"));
      producer.flush();

      notWithin(a2, 300);
      assertThat(putCalls.get() - putsBefore).as("only the aggregate went").isEqualTo(1);
      listGate.complete(null);
      RecordResult r1 = a1.get(10, TimeUnit.SECONDS);
      RecordResult r2 = a2.get(10, TimeUnit.SECONDS);
      x.get(10, TimeUnit.SECONDS);
      assertThat(r2.shardId()).isEqualTo(r1.shardId());
      assertThat(before(r1, r2)).as("kA#1 %s, kA#2 %s", r1, r2).isTrue();
    }
  }

  @Test
  void recordsRoutedAnewAfterAReshardWaitForTheClosedShardsPutInFlight() throws Exception {
    await(real.createStream("s", 2));
    try (KinesisProducer producer =
        KinesisProducer.create(strict().aggregationEnabled(false).build(), gated())) {
      producer.add("s", "warm", "5", bytes("w")).get(10, TimeUnit.SECONDS);
      holdPutsOf = "kA";
      CompletableFuture<RecordResult> a1 = producer.add("s", "kA", "1", bytes("a1"));
      producer.flush();
      putHeld.get(10, TimeUnit.SECONDS); // kA#1 is on its way, and its answer is held back
      CompletableFuture<RecordResult> a2 = producer.add("s", "kA", "1", bytes("a2"));
      producer.flush();
      for (Shard s : await(real.listShards("s"))) {
        HashKeyRange r = s.hashKeyRange();
        await(real.splitShard("s", s.shardId(), r.start().add(r.end()).shiftRight(1)));
      }
      // A record of the other shard lands on a child: the map is refreshed, kA's shard retired.
      producer
          .add("s", "kB", MID.add(BigInteger.TWO).toString(), bytes("b"))
          .get(10, TimeUnit.SECONDS);

      notWithin(a2, 300);
      putGate.complete(null);
      RecordResult r1 = a1.get(10, TimeUnit.SECONDS);
      RecordResult r2 = a2.get(10, TimeUnit.SECONDS);
      assertThat(before(r1, r2)).as("kA#1 %s, kA#2 %s", r1, r2).isTrue();
    }
  }

  @Test
  void aParkedAggregateExpiresWhenNoMapCanJudgeIt() throws Exception {
    await(real.createStream("s", 1));
    ProducerConfig config =
        ProducerConfig.builder()
            .recordTtl(Duration.ofMillis(500))
            .recordMaxBufferedTime(Duration.ofMillis(20))
            .build();
    try (KinesisProducer producer = KinesisProducer.create(config, gated())) {
      producer.add("s", "warm", "5", bytes("w")).get(10, TimeUnit.SECONDS);
      Shard parent = await(real.listShards("s")).get(0);
      await(real.splitShard("s", parent.shardId(), MID));
      failLists = true;
      CompletableFuture<RecordResult> a1 = producer.add("s", "kA", "1", bytes("a1"));
      producer.add("s", "kX", MID.add(BigInteger.TEN).toString(), bytes("x"));
      producer.flush();

      assertThatThrownBy(() -> a1.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(RecordExpiredException.class);
      failLists = false;
    }
  }

  @Test
  void underStrictOrderAKeyInAGapOfTheMapIsStillSent() throws Exception {
    await(real.createStream("s", 2));
    hideUpperShards = true; // the map the producer gets lacks the upper half of the key space
    try (KinesisProducer producer = KinesisProducer.create(strict().build(), gated())) {
      producer.add("s", "warm", "5", bytes("w")).get(10, TimeUnit.SECONDS);
      BigInteger upper = HashKeyRange.MAX_HASH_KEY.subtract(BigInteger.TEN);
      RecordResult r =
          producer.add("s", "kB", upper.toString(), bytes("b")).get(10, TimeUnit.SECONDS);
      assertThat(r.attempts()).last().matches(Attempt::isSuccessful);
    }
  }

  @Test
  void aBacklogThatWaitedForTheFirstMapIsAggregatedNotSentOneByOne() throws Exception {
    await(real.createStream("s", 1));
    listGate = new CompletableFuture<>();
    try (KinesisProducer producer = KinesisProducer.create(strict().build(), gated())) {
      List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        futures.add(producer.add("s", "k" + (i % 50), bytes("v" + i)));
      }
      listGate.complete(null);
      for (CompletableFuture<RecordResult> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(putCalls.get()).as("aggregated, not one put per record").isLessThan(50);
      for (int i = 50; i < futures.size(); i++) {
        assertThat(before(futures.get(i - 50).join(), futures.get(i).join()))
            .as("record %d of key k%d before record %d", i - 50, i % 50, i)
            .isTrue();
      }
    }
  }

  /**
   * The transport over the real engine, failing (InternalFailure) every third entry it is sent the
   * first time; the rest of each call is stored for real. Records the partition keys of every call.
   */
  @SuppressWarnings("unchecked")
  private KinesisTransport failingEveryThirdEntry(List<List<String>> keysByCall) {
    AtomicInteger entries = new AtomicInteger();
    java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return (KinesisTransport)
        Proxy.newProxyInstance(
            KinesisTransport.class.getClassLoader(),
            new Class<?>[] {KinesisTransport.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("putRecords")) {
                return method.invoke(real, args);
              }
              List<PutEntry> sent = (List<PutEntry>) args[1];
              keysByCall.add(sent.stream().map(PutEntry::partitionKey).toList());
              List<Boolean> fail = new ArrayList<>();
              List<PutEntry> stored = new ArrayList<>();
              for (PutEntry e : sent) {
                // Each record fails at most once, so retries do not back off for long.
                boolean f =
                    entries.incrementAndGet() % 3 == 0
                        && failedOnce.add(new String(e.data(), StandardCharsets.UTF_8));
                fail.add(f);
                if (!f) {
                  stored.add(e);
                }
              }
              CompletableFuture<PutRecordsResult> written =
                  stored.isEmpty()
                      ? CompletableFuture.completedFuture(new PutRecordsResult(List.of()))
                      : real.putRecords((String) args[0], stored);
              return written.thenApply(
                  r -> {
                    List<PutRecordsEntryResult> out = new ArrayList<>();
                    int next = 0;
                    for (boolean f : fail) {
                      out.add(
                          f ? new PutFailure("InternalFailure", "test") : r.entries().get(next++));
                    }
                    return new PutRecordsResult(out);
                  });
            });
  }

  @Test
  void aStrictPutCarriesManyKeysButNeverTwoRecordsOfOneAndKeepsOrderThroughPartialFailures() {
    await(real.createStream("s", 1));
    List<List<String>> keysByCall = new java.util.concurrent.CopyOnWriteArrayList<>();
    int keys = 50;
    int perKey = 20;
    List<List<CompletableFuture<RecordResult>>> byKey = new ArrayList<>();
    try (KinesisProducer producer =
        KinesisProducer.create(
            strict().aggregationEnabled(false).build(), failingEveryThirdEntry(keysByCall))) {
      for (int k = 0; k < keys; k++) {
        byKey.add(new ArrayList<>());
      }
      for (int i = 0; i < perKey; i++) {
        for (int k = 0; k < keys; k++) {
          byKey.get(k).add(producer.add("s", "key-" + k, bytes(k + ":" + i)));
        }
      }
      producer.flushSync();
    }
    for (List<CompletableFuture<RecordResult>> futures : byKey) {
      List<RecordResult> results = futures.stream().map(f -> await(f)).toList();
      for (int i = 1; i < results.size(); i++) {
        assertThat(before(results.get(i - 1), results.get(i)))
            .as("record %d of its key is stored after record %d", i, i - 1)
            .isTrue();
      }
    }
    assertThat(keysByCall)
        .as("no put carries two records of one key")
        .allSatisfy(call -> assertThat(call).doesNotHaveDuplicates());
    assertThat(keysByCall.stream().mapToInt(List::size).max().orElse(0))
        .as("puts carry records of many keys at once, not one record per round trip")
        .isGreaterThan(10);
    assertThat(keysByCall.size())
        .as("%d records in far fewer puts than records", keys * perKey)
        .isLessThan(keys * perKey / 4);
  }
}
