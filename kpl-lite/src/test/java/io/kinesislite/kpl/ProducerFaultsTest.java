package io.kinesislite.kpl;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.EmbeddedTransport;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ShardEngine;
import io.kinesislite.testkit.StreamContents;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisTransport;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input, full buffers, throttling and outages: every future still completes, correctly. */
class ProducerFaultsTest {
  private ShardEngine engine;
  private KinesisTransport kinesis;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private KinesisTransport open(boolean limits, int shards) {
    engine = ShardEngine.open(EngineConfig.builder().limitsEnabled(limits).build());
    kinesis = EmbeddedTransport.over(engine);
    await(kinesis.createStream("s", shards));
    return kinesis;
  }

  private KinesisProducer producer(ProducerConfig.Builder config, KinesisTransport transport) {
    KinesisProducer producer = KinesisProducer.create(config.build(), transport);
    toClose.add(producer);
    return producer;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (kinesis != null) {
      kinesis.close();
      engine.close();
    }
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** One bad input: what the caller passes, and what it must be told. */
  record BadInput(
      String what,
      String stream,
      String partitionKey,
      String explicitHashKey,
      ByteBuffer data,
      Class<? extends Throwable> error,
      String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<BadInput> badInputs() {
    ByteBuffer ok = bytes("x");
    String tooBigKey = HashKeyRange.MAX_HASH_KEY.add(BigInteger.ONE).toString();
    return Stream.of(
        new BadInput("null stream", null, "k", null, ok, NullPointerException.class, "stream"),
        new BadInput(
            "empty stream name", "", "k", null, ok, InvalidArgumentException.class, "stream"),
        new BadInput(
            "stream name with a space",
            "bad name!",
            "k",
            null,
            ok,
            InvalidArgumentException.class,
            "stream name"),
        new BadInput(
            "stream name of 129 characters",
            "s".repeat(129),
            "k",
            null,
            ok,
            InvalidArgumentException.class,
            "128"),
        new BadInput(
            "null partition key", "s", null, null, ok, NullPointerException.class, "partitionKey"),
        new BadInput(
            "empty partition key",
            "s",
            "",
            null,
            ok,
            InvalidArgumentException.class,
            "partitionKey"),
        new BadInput(
            "partition key of 257 characters",
            "s",
            "k".repeat(257),
            null,
            ok,
            InvalidArgumentException.class,
            "256"),
        new BadInput(
            "negative explicit hash key",
            "s",
            "k",
            "-1",
            ok,
            InvalidArgumentException.class,
            "explicitHashKey"),
        new BadInput(
            "explicit hash key above 2^128-1",
            "s",
            "k",
            tooBigKey,
            ok,
            InvalidArgumentException.class,
            "explicitHashKey"),
        new BadInput(
            "explicit hash key that is not a number",
            "s",
            "k",
            "abc",
            ok,
            InvalidArgumentException.class,
            "explicitHashKey"),
        new BadInput("null data", "s", "k", null, null, NullPointerException.class, "data"),
        new BadInput(
            "data over MaxUserRecordSize",
            "s",
            "k",
            null,
            ByteBuffer.allocate(1025),
            InvalidArgumentException.class,
            "MaxUserRecordSize=1024"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsRefusedAtAddNamingTheFieldAndTheLimitAndNothingAcceptedIsLost(BadInput bad)
      throws Exception {
    KinesisProducer producer =
        producer(ProducerConfig.builder().maxUserRecordSize(1024), open(false, 1));
    CompletableFuture<RecordResult> accepted = producer.add("s", "before", bytes("kept"));

    assertThatThrownBy(
            () -> {
              if (bad.explicitHashKey() == null) {
                producer.add(bad.stream(), bad.partitionKey(), bad.data());
              } else {
                producer.add(bad.stream(), bad.partitionKey(), bad.explicitHashKey(), bad.data());
              }
            })
        .isInstanceOf(bad.error())
        .hasMessageContaining(bad.message());

    producer.flushSync();
    assertThat(accepted.get(10, TimeUnit.SECONDS).attempts()).last().matches(Attempt::isSuccessful);
    assertThat(producer.outstandingRecords()).isZero();
  }

  @Test
  void closeFailsWhatItCannotDeliverWithinCloseTimeoutAndLeavesNoFuturePending() throws Exception {
    FlakyTransport flaky = new FlakyTransport(open(false, 2));
    KinesisProducer producer =
        KinesisProducer.create(
            ProducerConfig.builder().closeTimeout(Duration.ofMillis(300)).build(), flaky);
    producer.add("s", "warm-up", bytes("x")).get(10, TimeUnit.SECONDS); // the shard map is known
    flaky.down(true); // calls hang until the transport comes back, which it never does here
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      futures.add(producer.add("s", "k" + i, bytes("v" + i)));
    }
    producer.flush();

    producer.close();

    assertThat(futures).allMatch(CompletableFuture::isDone);
    for (CompletableFuture<RecordResult> f : futures) {
      assertThat(failure(f)).isInstanceOf(ProducerClosedException.class);
    }
    assertThat(producer.outstandingRecords()).isZero();
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("kinesis-lite-producer"));
    flaky.up(); // the hung calls now finish; their late answers must change nothing
    assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);
  }

  @Test
  void aStreamThatDoesNotExistFailsItsRecordsAndNothingWaitsForever() throws Exception {
    KinesisProducer producer = producer(ProducerConfig.builder(), open(false, 1));
    CompletableFuture<RecordResult> first = producer.add("missing", "k", bytes("x"));
    Throwable cause = failure(first);
    assertThat(cause).isInstanceOf(RecordFailedException.class);
    assertThat(((RecordFailedException) cause).errorCode()).contains("ResourceNotFoundException");
    Throwable later = failure(producer.add("missing", "k", bytes("y")));
    assertThat(later).isInstanceOf(RecordFailedException.class).hasMessageContaining("missing");
  }

  @Test
  void addAfterCloseThrows() {
    KinesisProducer producer = producer(ProducerConfig.builder(), open(false, 1));
    producer.close();
    assertThatThrownBy(() -> producer.add("s", "k", bytes("x")))
        .isInstanceOf(ProducerClosedException.class);
  }

  @Test
  void aFullBufferMakesAddWaitThenFailNamingTheLimit() {
    FlakyTransport flaky = new FlakyTransport(open(false, 1));
    flaky.down(true); // puts hang: nothing frees the buffer
    KinesisProducer producer =
        producer(
            ProducerConfig.builder()
                .maxOutstandingRecords(10)
                .bufferFullWait(Duration.ofMillis(200))
                .recordMaxBufferedTime(Duration.ZERO),
            flaky);
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.add(producer.add("s", "k" + i, bytes("x")));
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> producer.add("s", "k", bytes("x")))
        .isInstanceOf(BufferFullException.class)
        .hasMessageContaining("MaxOutstandingRecords=10");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("it waited for room first")
        .isGreaterThanOrEqualTo(150);
    flaky.up();
    producer.flushSync();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
  }

  @Test
  void outstandingBytesCountsKeysAndDataUntilTheRecordsAreDelivered() {
    FlakyTransport flaky = new FlakyTransport(open(false, 1));
    flaky.down(true); // puts hang: the records stay outstanding
    KinesisProducer producer =
        producer(ProducerConfig.builder().recordMaxBufferedTime(Duration.ZERO), flaky);
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    futures.add(producer.add("s", "k1", ByteBuffer.allocate(3000)));
    futures.add(producer.add("s", "key2", ByteBuffer.allocate(500)));

    assertThat(producer.outstandingRecords()).isEqualTo(2);
    assertThat(producer.outstandingBytes()).as("keys plus data").isEqualTo(2 + 3000 + 4 + 500);
    flaky.up();
    producer.flushSync();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(producer.outstandingBytes()).isZero();
  }

  @Test
  void aZeroWaitFailsAtOnceWhenTheByteLimitIsReached() {
    FlakyTransport flaky = new FlakyTransport(open(false, 1));
    flaky.down(true);
    KinesisProducer producer =
        producer(
            ProducerConfig.builder().maxOutstandingBytes(4096).bufferFullWait(Duration.ZERO),
            flaky);
    producer.add("s", "k", ByteBuffer.allocate(3000));
    assertThatThrownBy(() -> producer.add("s", "k", ByteBuffer.allocate(2000)))
        .isInstanceOf(BufferFullException.class)
        .hasMessageContaining("MaxOutstandingBytes=4096");
    flaky.up();
  }

  @Test
  void withFailIfThrottledAThrottledRecordFailsAtOnceWithItsAttempt() throws Exception {
    KinesisProducer producer =
        producer(
            ProducerConfig.builder()
                .failIfThrottled(true)
                .aggregationEnabled(false)
                .rateLimit(10_000), // let the producer outrun the shard, so the shard throttles
            open(true, 1));
    List<CompletableFuture<RecordResult>> futures = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      futures.add(producer.add("s", "k" + i, bytes("x")));
    }
    producer.flushSync();
    List<RecordFailedException> throttled = new ArrayList<>();
    for (CompletableFuture<RecordResult> f : futures) {
      if (f.isCompletedExceptionally()) {
        throttled.add((RecordFailedException) failure(f));
      }
    }
    assertThat(throttled).isNotEmpty();
    assertThat(throttled)
        .allSatisfy(
            e -> {
              assertThat(e.errorCode()).contains("ProvisionedThroughputExceededException");
              assertThat(e.attempts()).hasSize(1);
            });
  }

  @Test
  void anOutageFailsRecordsAfterTheirTtlWithTheCauseAndTheProducerRecovers() throws Exception {
    FlakyTransport flaky = new FlakyTransport(open(false, 2));
    KinesisProducer producer =
        producer(
            ProducerConfig.builder()
                .recordTtl(Duration.ofMillis(800))
                .recordMaxBufferedTime(Duration.ofMillis(10)),
            flaky);
    await(producer.add("s", "warm", bytes("up"))); // the shard map is known
    flaky.down(false);
    List<CompletableFuture<RecordResult>> during = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      during.add(producer.add("s", "k" + i, bytes("lost")));
    }
    for (CompletableFuture<RecordResult> f : during) {
      Throwable cause = failure(f);
      assertThat(cause).isInstanceOf(RecordExpiredException.class);
      RecordExpiredException expired = (RecordExpiredException) cause;
      assertThat(expired.attempts()).isNotEmpty();
      assertThat(expired.attempts().get(0).errorCode()).contains("TransportIoException");
      assertThat(expired.getCause())
          .as("the failed call is the cause")
          .isInstanceOf(io.kinesislite.transport.TransportIoException.class);
    }
    flaky.up();
    RecordResult after = await(producer.add("s", "k", bytes("back")));
    assertThat(after.attempts()).last().matches(Attempt::isSuccessful);
  }

  private static Throwable failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected the record to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void recordsWhoseCallbacksCannotRunYetStillHoldTheirRoomSoCompletionsCannotPileUp()
      throws Exception {
    FlakyTransport flaky = new FlakyTransport(open(false, 1));
    KinesisProducer producer =
        producer(
            ProducerConfig.builder()
                .maxOutstandingRecords(4)
                .bufferFullWait(Duration.ZERO)
                .aggregationEnabled(false)
                .recordMaxBufferedTime(Duration.ZERO),
            flaky);
    // Occupy every callback thread with a callback that waits for the test. The blockers' puts
    // are held until every callback is attached: a future already complete when whenComplete is
    // called runs its callback on the caller, which would block the test itself.
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    int callbackThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.CountDownLatch started =
        new java.util.concurrent.CountDownLatch(callbackThreads);
    List<CompletableFuture<RecordResult>> all = new ArrayList<>();
    flaky.down(true);
    for (int t = 0; t < callbackThreads; t++) {
      CompletableFuture<RecordResult> blocker = producer.add("s", "block" + t, bytes("b"));
      all.add(blocker);
      blocker.whenComplete(
          (r, e) -> {
            started.countDown();
            try {
              release.await();
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          });
    }
    flaky.up();
    assertThat(started.await(30, TimeUnit.SECONDS))
        .as("every blocking callback runs, each on a callback thread of its own")
        .isTrue();

    // Two records are stored, but their completions cannot run: they keep counting.
    all.add(producer.add("s", "k1", bytes("1")));
    all.add(producer.add("s", "k2", bytes("2")));
    testkitEventually(() -> StreamContents.read(kinesis, "s").size() == callbackThreads + 2);
    all.add(producer.add("s", "k3", bytes("3")));
    all.add(producer.add("s", "k4", bytes("4")));
    assertThatThrownBy(() -> producer.add("s", "k5", bytes("5")))
        .as("4 records are outstanding: 2 waiting for their callbacks, 2 new")
        .isInstanceOf(BufferFullException.class)
        .hasMessageContaining("MaxOutstandingRecords=4");

    release.countDown();
    producer.flushSync();
    assertThat(all).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    await(producer.add("s", "k5", bytes("5"))); // room again
  }

  private static void testkitEventually(java.util.function.BooleanSupplier condition) {
    io.kinesislite.testkit.Eventually.within(
        Duration.ofSeconds(30), "the records are in the stream", condition);
  }
}
