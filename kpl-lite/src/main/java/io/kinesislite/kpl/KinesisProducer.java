package io.kinesislite.kpl;

import io.kinesislite.kpl.internal.MicrometerProducerMetrics;
import io.kinesislite.kpl.internal.ProducerMetrics;
import io.kinesislite.kpl.internal.ProducerPipeline;
import io.kinesislite.transport.KinesisTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A pure-Java replacement for the Kinesis Producer Library: no native process, the KPL's
 * aggregation format and settings, on any {@link KinesisTransport}.
 *
 * <p>Records are predicted onto shards with the stream's shard map, aggregated per shard in the KPL
 * wire format (readable by the KCL and kcl-lite), collected into put-many calls of up to 500
 * entries and 5 MiB, and sent by one background thread within each shard's rate limit, which slows
 * down when the stream throttles. Failed entries alone are retried, with backoff, until the
 * record's time to live. Memory is bounded: {@code add} waits, then fails, when the configured
 * outstanding records or bytes are reached. With {@link ProducerConfig.Builder#strictOrdering} the
 * records of each partition key stay in order, retries included.
 *
 * <pre>{@code
 * try (KinesisTransport kinesis = Transports.open("aws:us-east-1");
 *     KinesisProducer producer = KinesisProducer.create(ProducerConfig.defaults(), kinesis)) {
 *   producer.add("orders", "customer-17", ByteBuffer.wrap(json))
 *       .whenComplete((result, error) -> {
 *         if (error != null) log.warn("order lost: {}", error.getMessage());
 *       });
 *   producer.flushSync();
 * }
 * }</pre>
 *
 * <p>Thread-safe. It runs one thread, {@code kinesis-lite-producer-sender-<n>}, and completes
 * futures on a small pool, {@code kinesis-lite-producer-callback-<n>-*}; {@link #close()} stops
 * both. Closing the producer does not close the transport, which the caller owns.
 */
public final class KinesisProducer implements Producer {
  private final ProducerPipeline pipeline;

  private KinesisProducer(ProducerPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** Starts a producer that reports no metrics. */
  public static KinesisProducer create(ProducerConfig config, KinesisTransport transport) {
    return create(config, transport, ProducerMetrics.NONE);
  }

  /**
   * Starts a producer that reports the KPL's metrics ({@code <MetricsNamespace>.UserRecordsPut} and
   * the rest, at the configured level and granularity) to {@code registry}.
   */
  public static KinesisProducer create(
      ProducerConfig config, KinesisTransport transport, MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    return create(config, transport, MicrometerProducerMetrics.of(registry, config));
  }

  static KinesisProducer create(
      ProducerConfig config, KinesisTransport transport, ProducerMetrics metrics) {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(transport, "transport == null");
    return new KinesisProducer(ProducerPipeline.start(config, transport, metrics));
  }

  @Override
  public CompletableFuture<RecordResult> add(String stream, String partitionKey, ByteBuffer data) {
    return pipeline.add(stream, partitionKey, null, data);
  }

  @Override
  public CompletableFuture<RecordResult> add(
      String stream, String partitionKey, String explicitHashKey, ByteBuffer data) {
    Objects.requireNonNull(explicitHashKey, "explicitHashKey == null");
    return pipeline.add(stream, partitionKey, explicitHashKey, data);
  }

  @Override
  public void flush() {
    pipeline.flush(null);
  }

  @Override
  public void flush(String stream) {
    pipeline.flush(Objects.requireNonNull(stream, "stream == null"));
  }

  @Override
  public void flushSync() {
    pipeline.flushSync();
  }

  @Override
  public long outstandingRecords() {
    return pipeline.outstandingRecords();
  }

  @Override
  public long outstandingBytes() {
    return pipeline.outstandingBytes();
  }

  @Override
  public void close() {
    pipeline.close();
  }

  /** Returns the configuration the producer runs with. */
  public ProducerConfig config() {
    return pipeline.config();
  }
}
