package io.kinesislite.agent.internal;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.kpl.KinesisProducer;
import io.kinesislite.kpl.RecordResult;
import io.kinesislite.transport.KinesisLiteException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one flow's records: processes each, picks its keys, adds it to the flow's producer, and
 * when the stream acknowledges it, moves its file's watermark. A record whose future fails (expired
 * while the stream throttled or was unreachable, or refused) is sent again after a backoff, for as
 * long as the agent runs: nothing read is dropped, and the watermark waits for it. While the agent
 * stops, failures are left to the next start, which reads them again.
 *
 * <p>Thread-safe: the reader ships, producer callbacks and the retry thread resend.
 */
final class FlowShipper {
  private static final Logger log = LoggerFactory.getLogger(FlowShipper.class);

  private final FlowConfig flow;
  private final AgentConfig agent;
  private final KinesisProducer producer;
  private final Processing processing;
  private final KeyExtractor partitionKeys;
  private final KeyExtractor explicitHashKeys; // null without one
  private final ByteBudget budget;
  private final ScheduledExecutorService retries;
  private final AgentMetrics.Flow metrics;
  private final String host;
  private final Clock clock;
  private final AtomicLong lastErrorLogMillis = new AtomicLong();
  private volatile boolean stopping;

  FlowShipper(
      FlowConfig flow,
      AgentConfig agent,
      KinesisProducer producer,
      ByteBudget budget,
      ScheduledExecutorService retries,
      AgentMetrics.Flow metrics,
      String host,
      Clock clock) {
    this.flow = flow;
    this.agent = agent;
    this.producer = producer;
    this.budget = budget;
    this.retries = retries;
    this.metrics = metrics;
    this.host = host;
    this.clock = clock;
    ProcessingListener listener =
        new ProcessingListener() {
          @Override
          public void processingError(String step, String reason) {
            metrics.processingError(step);
            log.debug("Flow {}: {} could not process a record: {}", flow.id(), step, reason);
          }

          @Override
          public void keyFallback(String source) {
            metrics.keyFallback(source);
          }
        };
    this.processing = Processing.of(flow.processing(), listener);
    this.partitionKeys = KeyExtractor.of(flow.partitionKey(), listener);
    this.explicitHashKeys =
        flow.explicitHashKey().map(k -> KeyExtractor.of(k, listener)).orElse(null);
  }

  FlowConfig flow() {
    return flow;
  }

  KinesisProducer producer() {
    return producer;
  }

  AgentMetrics.Flow metrics() {
    return metrics;
  }

  /** From now on failed records are not sent again: the next start reads them. */
  void stopping() {
    stopping = true;
  }

  /** Ships one framed record of {@code file}, which spans {@code start} to {@code end}. */
  void ship(TrackedFile file, byte[] raw, long start, long end, boolean truncated) {
    metrics.recordsRead.increment();
    metrics.bytesRead.increment(end - start);
    if (truncated) {
      metrics.recordsTruncated.increment();
    }
    RecordContext context = new RecordContext(file.pathString(), start, host, clock.instant());
    byte[] data;
    try {
      data = processing.apply(raw, context);
    } catch (RuntimeException e) {
      // A defect in a step must not lose the line: it goes on as read, counted.
      metrics.processingError("internal");
      log.warn(
          "Flow {}: processing failed on a record; sending it as read: {}",
          flow.id(),
          e.toString());
      data = raw;
    }
    if (data == null) {
      metrics.recordsDropped.increment();
      file.watermark().skip(end);
      return;
    }
    if (data.length > flow.maxRecordBytes()) {
      data = cut(data); // processing made it longer than a record may be
      metrics.recordsTruncated.increment();
    }
    String partitionKey;
    String explicitHashKey;
    try {
      partitionKey = partitionKeys.key(raw, data, context);
      explicitHashKey =
          explicitHashKeys == null ? null : explicitHashKeys.explicitHashKey(raw, data, context);
    } catch (RuntimeException e) {
      metrics.keyFallback("internal");
      partitionKey = Long.toHexString(ThreadLocalRandom.current().nextLong());
      explicitHashKey = null;
    }
    long ticket = file.watermark().register(end);
    budget.take(data.length);
    send(new Outgoing(file, ticket, partitionKey, explicitHashKey, data), 1);
  }

  private byte[] cut(byte[] data) {
    byte[] terminator =
        flow.truncatedRecordTerminator().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = java.util.Arrays.copyOf(data, flow.maxRecordBytes());
    System.arraycopy(
        terminator, 0, out, flow.maxRecordBytes() - terminator.length, terminator.length);
    return out;
  }

  /** A record on its way, with what is needed to send it again. */
  private record Outgoing(
      TrackedFile file, long ticket, String partitionKey, String explicitHashKey, byte[] data) {}

  private void send(Outgoing record, int attempt) {
    CompletableFuture<RecordResult> future;
    try {
      ByteBuffer data = ByteBuffer.wrap(record.data());
      future =
          record.explicitHashKey() == null
              ? producer.add(flow.stream(), record.partitionKey(), data)
              : producer.add(flow.stream(), record.partitionKey(), record.explicitHashKey(), data);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (result, error) -> {
          if (error == null) {
            record.file().watermark().ack(record.ticket());
            budget.release(record.data().length);
            metrics.recordsSent.increment();
          } else {
            failed(record, attempt, error);
          }
        });
  }

  private void failed(Outgoing record, int attempt, Throwable error) {
    if (stopping || record.file().isReleased()) {
      budget.release(record.data().length); // read again at the next start
      return;
    }
    metrics.recordsRetried.increment();
    String kind =
        error instanceof KinesisLiteException k
            ? k.errorCode().orElse(k.getClass().getSimpleName())
            : error.getClass().getSimpleName();
    metrics.error(kind);
    long now = System.currentTimeMillis();
    long last = lastErrorLogMillis.get();
    if (now - last >= 10_000 && lastErrorLogMillis.compareAndSet(last, now)) {
      log.warn(
          "Flow {}: a record of {} could not be delivered to stream {} (attempt {}), sending it"
              + " again; the file's checkpoint waits for it: {}",
          flow.id(),
          record.file().pathString(),
          flow.stream(),
          attempt,
          error.toString());
    }
    long delay = backoffMillis(attempt);
    try {
      retries.schedule(() -> send(record, attempt + 1), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      budget.release(record.data().length); // stopping: read again at the next start
    }
  }

  private long backoffMillis(int attempt) {
    long initial = agent.retryInitialBackoff().toMillis();
    long max = agent.retryMaxBackoff().toMillis();
    long cap = Math.min(max, initial << Math.min(attempt - 1, 20));
    return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
  }
}
