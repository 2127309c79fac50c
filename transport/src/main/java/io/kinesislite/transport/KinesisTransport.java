package io.kinesislite.transport;

import io.kinesislite.transport.internal.Polling;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The one way kinesis-lite reaches a stream: real Kinesis through the AWS SDK, any
 * Kinesis-compatible endpoint, or the bundled engine. kpl-lite, kcl-lite and log-agent are written
 * against this interface only.
 *
 * <p>Every call is asynchronous and returns a future that always completes: with the result, or
 * exceptionally with a {@link KinesisLiteException} whose {@link KinesisLiteException#isRetriable()
 * retriable} flag says whether trying again can help. No call hangs: each completes within the
 * transport's configured call timeout ({@link TransportTimeoutException} otherwise). Bad arguments
 * fail the future with {@link InvalidArgumentException} before anything is sent; null arguments
 * throw {@link NullPointerException} at once.
 *
 * <p>Implementations are thread-safe. {@link #close()} fails every call still outstanding with
 * {@link TransportIoException} and releases threads and connections.
 *
 * <pre>{@code
 * try (KinesisTransport transport = Transports.open("http://127.0.0.1:4567")) {
 *   transport.createStream("orders", 4).join();
 *   transport.awaitStreamActive("orders", Duration.ofSeconds(30)).join();
 *   PutResult put = transport.putRecord("orders", PutEntry.of("order-1", bytes)).join();
 *   String iterator = transport.getShardIterator("orders", put.shardId(),
 *       StartingPosition.atSequenceNumber(put.sequenceNumber())).join();
 *   GetRecordsResult page = transport.getRecords(iterator, 100).join();
 * }
 * }</pre>
 */
public interface KinesisTransport extends AutoCloseable {

  /** The most records one {@link #putRecords} call may carry, as in Kinesis. */
  int MAX_PUT_RECORDS_ENTRIES = 500;

  /** The most bytes (partition keys plus data) one {@link #putRecords} call may carry: 5 MiB. */
  int MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;

  /** The most records one {@link #getRecords} call may return, as in Kinesis. */
  int MAX_GET_RECORDS_LIMIT = 10_000;

  // ---- streams ----

  /**
   * Creates a provisioned stream with {@code shardCount} shards that evenly tile the hash-key
   * space. The future completes when the request is accepted; the stream is {@link
   * StreamStatus#CREATING} until {@link #awaitStreamActive} says otherwise.
   *
   * <p>Fails with {@link ResourceInUseException} if the stream exists, {@link ThrottledException}
   * if the account's shard or stream limit is reached.
   */
  CompletableFuture<Void> createStream(String stream, int shardCount);

  /** Creates an on-demand stream, whose shard count the service manages. */
  CompletableFuture<Void> createOnDemandStream(String stream);

  /**
   * Deletes a stream and its records. Fails with {@link ResourceInUseException} while enhanced
   * fan-out consumers are registered; see {@link #deleteStream(String, boolean)}.
   */
  default CompletableFuture<Void> deleteStream(String stream) {
    return deleteStream(stream, false);
  }

  /**
   * Deletes a stream and its records; with {@code enforceConsumerDeletion}, also its registered
   * consumers.
   */
  CompletableFuture<Void> deleteStream(String stream, boolean enforceConsumerDeletion);

  /** Describes a stream. Fails with {@link ResourceNotFoundException} if it does not exist. */
  CompletableFuture<StreamDescription> describeStream(String stream);

  /** Lists the names of every stream, all pages of them. */
  CompletableFuture<List<String>> listStreams();

  /**
   * Completes once the stream is {@link StreamStatus#ACTIVE}, polling {@link #describeStream}.
   * Fails with {@link TransportTimeoutException} if it is not active within {@code timeout}.
   */
  default CompletableFuture<StreamDescription> awaitStreamActive(String stream, Duration timeout) {
    return Polling.until(
        () -> describeStream(stream),
        description -> description.status() == StreamStatus.ACTIVE,
        timeout,
        "stream " + stream + " to become ACTIVE");
  }

  // ---- shards ----

  /** Lists every shard the stream still knows, open or closed; all pages of them. */
  default CompletableFuture<List<Shard>> listShards(String stream) {
    return listShards(stream, ShardFilter.all());
  }

  /** Lists the shards that pass {@code filter}; all pages of them. */
  CompletableFuture<List<Shard>> listShards(String stream, ShardFilter filter);

  /**
   * Splits an open shard in two: the first child owns the parent's hash keys below {@code
   * newStartingHashKey}, the second the rest. The parent closes.
   */
  CompletableFuture<Void> splitShard(String stream, String shardId, BigInteger newStartingHashKey);

  /** Merges two open shards with adjacent hash-key ranges into one; both parents close. */
  CompletableFuture<Void> mergeShards(String stream, String shardId, String adjacentShardId);

  /** Reshards the stream to {@code targetShardCount} shards of even size (uniform scaling). */
  CompletableFuture<Void> updateShardCount(String stream, int targetShardCount);

  /** Raises how long the stream keeps records; whole hours from 24 h to 8,760 h. */
  CompletableFuture<Void> increaseRetention(String stream, Duration retention);

  /** Lowers how long the stream keeps records; whole hours from 24 h to 8,760 h. */
  CompletableFuture<Void> decreaseRetention(String stream, Duration retention);

  // ---- writing ----

  /** Writes one record and reports the shard and sequence number it got. */
  CompletableFuture<PutResult> putRecord(String stream, PutEntry entry);

  /**
   * Writes up to {@value #MAX_PUT_RECORDS_ENTRIES} records and up to 5 MiB (partition keys plus
   * data) in one call. Entries succeed or fail one by one: the result holds one outcome per entry,
   * in order. The future fails as a whole only when the call itself fails.
   */
  CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries);

  // ---- reading ----

  /** Returns an iterator for reading {@code shardId} from {@code position}; valid five minutes. */
  CompletableFuture<String> getShardIterator(
      String stream, String shardId, StartingPosition position);

  /**
   * Reads up to {@code limit} records (1 to {@value #MAX_GET_RECORDS_LIMIT}) from an iterator.
   * Fails with {@link ExpiredIteratorException} when the iterator is too old.
   */
  CompletableFuture<GetRecordsResult> getRecords(String shardIterator, int limit);

  // ---- enhanced fan-out ----

  /** Registers an enhanced fan-out consumer; it is {@link ConsumerStatus#CREATING} at first. */
  CompletableFuture<StreamConsumer> registerConsumer(String stream, String consumerName);

  /** Describes a registered consumer. */
  CompletableFuture<StreamConsumer> describeConsumer(String stream, String consumerName);

  /** Lists the stream's registered consumers, all pages of them. */
  CompletableFuture<List<StreamConsumer>> listConsumers(String stream);

  /** Deregisters a consumer; its subscriptions end. */
  CompletableFuture<Void> deregisterConsumer(String stream, String consumerName);

  /**
   * Completes once the consumer is {@link ConsumerStatus#ACTIVE}, polling {@link
   * #describeConsumer}. Fails with {@link TransportTimeoutException} after {@code timeout}.
   */
  default CompletableFuture<StreamConsumer> awaitConsumerActive(
      String stream, String consumerName, Duration timeout) {
    return Polling.until(
        () -> describeConsumer(stream, consumerName),
        consumer -> consumer.status() == ConsumerStatus.ACTIVE,
        timeout,
        "consumer " + consumerName + " of stream " + stream + " to become ACTIVE");
  }

  /**
   * Subscribes a registered consumer to a shard. Nothing is sent until a subscriber subscribes;
   * each subscriber gets its own subscription. Events flow only as the subscriber requests them
   * (back-pressure). As in Kinesis, a subscription ends normally after about five minutes or at the
   * end of a closed shard; resubscribe from the last event's continuation sequence number. Errors
   * arrive through {@link Flow.Subscriber#onError} as {@link KinesisLiteException}s.
   */
  Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position);

  /**
   * Fails every outstanding call with {@link TransportIoException} and releases threads and
   * connections. Calls made after close fail the same way. Idempotent.
   */
  @Override
  void close();
}
