package io.kinesislite.kpl.internal;

import io.kinesislite.kpl.ProducerClosedException;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.kpl.RecordFailedException;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.HashKeys;
import io.kinesislite.transport.InvalidArgumentException;
import io.kinesislite.transport.KinesisLiteException;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.internal.NamedThreadFactory;
import io.kinesislite.transport.internal.RequestChecks;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machinery behind {@link io.kinesislite.kpl.KinesisProducer}: checks and buffers records, and
 * owns the sender thread, the callback pool and the per-stream pipelines.
 *
 * <p>Thread-safe.
 */
public final class ProducerPipeline {
  private static final AtomicInteger IDS = new AtomicInteger();

  private final ProducerConfig config;
  private final KinesisTransport transport;
  private final Clock clock;
  private final ProducerMetrics metrics;
  private final ConcurrentMap<String, StreamPipeline> pipelines = new ConcurrentHashMap<>();
  private final BufferLimits limits;
  private final ExecutorService callbacks;
  private final Completions completions;
  private final Responses responses;
  private final Sender sender;
  private final Thread senderThread;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final NamedThreadFactory callbackThreads;

  private ProducerPipeline(
      ProducerConfig config, KinesisTransport transport, ProducerMetrics metrics) {
    int id = IDS.incrementAndGet();
    this.config = config;
    this.transport = transport;
    this.clock = config.clock();
    this.metrics = metrics;
    this.limits = new BufferLimits(config.maxOutstandingRecords(), config.maxOutstandingBytes());
    this.callbackThreads = new NamedThreadFactory("kinesis-lite-producer-callback-" + id);
    this.callbacks =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), callbackThreads);
    this.completions = new Completions(limits, callbacks, metrics);
    // The sender is made below; until then nothing can need waking.
    Runnable wake = () -> sender().wake();
    this.responses = new Responses(config, clock, completions, metrics, wake);
    this.sender =
        new Sender(config, clock, transport, pipelines.values(), responses, completions, metrics);
    this.senderThread =
        new NamedThreadFactory("kinesis-lite-producer-sender-" + id).newThread(sender);
  }

  private Sender sender() {
    return sender;
  }

  public static ProducerPipeline start(
      ProducerConfig config, KinesisTransport transport, ProducerMetrics metrics) {
    ProducerPipeline pipeline = new ProducerPipeline(config, transport, metrics);
    pipeline.senderThread.start();
    return pipeline;
  }

  public ProducerConfig config() {
    return config;
  }

  public CompletableFuture<RecordResult> add(
      String stream, String partitionKey, String explicitHashKey, ByteBuffer data) {
    Objects.requireNonNull(stream, "stream == null");
    Objects.requireNonNull(partitionKey, "partitionKey == null");
    Objects.requireNonNull(data, "data == null");
    if (closed.get()) {
      throw new ProducerClosedException("the producer is closed; add no more records", List.of());
    }
    if (!pipelines.containsKey(stream)) {
      RequestChecks.streamName(stream); // a stream with a pipeline already passed the check
    }
    if (data.remaining() > config.maxUserRecordSize()) {
      throw new InvalidArgumentException(
          "data is "
              + data.remaining()
              + " bytes, over MaxUserRecordSize="
              + config.maxUserRecordSize());
    }
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes); // the record is ours from here; the caller may reuse its buffer
    PutEntry entry =
        explicitHashKey == null
            ? PutEntry.of(partitionKey, bytes)
            : PutEntry.of(partitionKey, explicitHashKey, bytes);
    BigInteger hashKey = HashKeys.effective(partitionKey, entry.explicitHashKey().orElse(null));
    StreamPipeline pipeline = pipelines.computeIfAbsent(stream, this::newPipeline);
    KinesisLiteException missing = pipeline.missing().orElse(null);
    if (missing != null) {
      return CompletableFuture.failedFuture(
          new RecordFailedException(
              "stream " + stream + " does not exist: " + missing.getMessage(),
              missing.errorCode().orElse("ResourceNotFoundException"),
              List.of()));
    }
    limits.acquire(entry.countedSize(), config.bufferFullWait());
    long now = clock.millis();
    long expiry = Millis.plus(now, config.recordTtl().toMillis());
    long deadline = Math.min(Millis.plus(now, config.recordMaxBufferedTime().toMillis()), expiry);
    UserRecord record =
        new UserRecord(sequence.incrementAndGet(), stream, entry, hashKey, now, expiry);
    completions.started(record);
    metrics.userRecordReceived(stream);
    if (closed.get()) {
      // Closed while we waited for room: close may already have failed what it found.
      completions.fail(List.of(record), "unknown", r -> closedException(r));
      return record.future;
    }
    pipeline.route(record, deadline);
    sender.wakeBy(deadline);
    return record.future;
  }

  private StreamPipeline newPipeline(String stream) {
    StreamPipeline pipeline = new StreamPipeline(stream, config, clock, transport, sender::wake);
    pipeline.judge(responses);
    return pipeline;
  }

  /** Flushes one stream, or all when {@code stream} is null. */
  public void flush(String stream) {
    if (stream == null) {
      sender.flushAll(false);
    } else {
      sender.flush(stream);
    }
  }

  public void flushSync() {
    if (Completions.inCallback()) {
      // The futures it would wait for may be completed by this very thread, after this callback.
      throw new IllegalStateException(
          "flushSync must not be called from a record's callback; call flush() there instead");
    }
    List<UserRecord> waiting = completions.outstanding();
    sender.flushAll(false);
    CompletableFuture<?>[] futures = new CompletableFuture<?>[waiting.size()];
    for (int i = 0; i < futures.length; i++) {
      futures[i] = waiting.get(i).future;
    }
    // Failures are the records' business; flushSync only waits for every one to end.
    CompletableFuture.allOf(futures).handle((ignored, error) -> null).join();
  }

  public long outstandingRecords() {
    return limits.records();
  }

  public long outstandingBytes() {
    return limits.bytes();
  }

  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sender.flushAll(true);
    try {
      limits.awaitEmpty(config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.stop();
    try {
      senderThread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    completions.fail(completions.outstanding(), "unknown", this::closedException);
    callbacks.shutdown();
    if (Completions.inCallback()) {
      return; // called from a record's callback: the pool cannot finish while we wait on it
    }
    try {
      // Every future completes before close returns: the pool finishes its queued completions.
      if (callbacks.awaitTermination(10, TimeUnit.SECONDS)) {
        callbackThreads.awaitThreads(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private RuntimeException closedException(UserRecord record) {
    return new ProducerClosedException(
        "the producer closed before the record was put (CloseTimeout="
            + config.closeTimeout().toMillis()
            + " ms)",
        record.attempts());
  }
}
