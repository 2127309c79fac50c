package io.kinesislite.kpl;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Puts user records on Kinesis streams efficiently: aggregated in the KPL wire format, collected
 * into put-many calls, rate-limited per shard, retried, and bounded in memory. {@link
 * KinesisProducer} is the implementation.
 *
 * <p>Every future an {@code add} returns completes: with a {@link RecordResult} once the record is
 * in the stream, or with a {@link RecordFailedException} (carrying every attempt) when it cannot
 * be, at the latest when its time to live runs out or the producer closes.
 *
 * <p>Implementations are thread-safe.
 */
public interface Producer extends AutoCloseable {

  /**
   * Adds a record routed by the MD5 hash of its partition key.
   *
   * @throws io.kinesislite.transport.InvalidArgumentException at once, for a partition key of no
   *     characters or more than 256, or data over the maximum record size
   * @throws BufferFullException if the buffer stays full longer than the configured wait
   * @throws ProducerClosedException after {@link #close()}
   */
  CompletableFuture<RecordResult> add(String stream, String partitionKey, ByteBuffer data);

  /**
   * Adds a record routed by {@code explicitHashKey} (a decimal from 0 to 2^128 - 1); the partition
   * key still travels with it.
   */
  CompletableFuture<RecordResult> add(
      String stream, String partitionKey, String explicitHashKey, ByteBuffer data);

  /** Sends every buffered record now instead of at its buffering deadline; returns at once. */
  void flush();

  /** Sends the buffered records of one stream now; returns at once. */
  void flush(String stream);

  /**
   * Sends every buffered record now and waits until the future of each record added before this
   * call is complete, delivered or failed. Waits on the records themselves, not by polling.
   *
   * @throws IllegalStateException if called from a record's callback, which would wait for itself
   */
  void flushSync();

  /** Returns how many added records have not yet been delivered or failed. */
  long outstandingRecords();

  /**
   * Returns the bytes (partition keys plus data) of the added records not yet delivered or failed:
   * what {@code MaxOutstandingBytes} bounds.
   */
  long outstandingBytes();

  /**
   * Stops taking records, sends what is buffered, and waits up to the configured close timeout for
   * it; then fails whatever is left with {@link ProducerClosedException}. When it returns, every
   * future has completed and the producer's threads have stopped. Idempotent.
   */
  @Override
  void close();
}
