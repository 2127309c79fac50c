package io.kinesislite.transport;

import io.kinesislite.transport.internal.RequestChecks;
import io.kinesislite.transport.internal.SdkClients;
import io.kinesislite.transport.internal.SdkErrors;
import io.kinesislite.transport.internal.SdkModels;
import io.kinesislite.transport.internal.SdkPages;
import io.kinesislite.transport.internal.ShardEventPublisher;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The {@link KinesisTransport} for real Kinesis and any Kinesis-compatible endpoint, built on the
 * AWS SDK for Java v2 asynchronous client over Netty (HTTP/2, which SubscribeToShard needs).
 *
 * <p>Every call is bounded by the configured call timeout. The SDK retries only connections that
 * failed before the service answered; throttling and service errors reach the caller as typed
 * exceptions. Thread-safe.
 *
 * <pre>{@code
 * TransportConfig config = TransportConfig.builder().selection("aws:eu-west-1").build();
 * try (KinesisTransport kinesis = AwsSdkTransport.create(config)) {
 *   kinesis.listStreams().join().forEach(System.out::println);
 * }
 * }</pre>
 */
public final class AwsSdkTransport implements KinesisTransport {

  private final TransportConfig config;
  private final SdkClients clients;
  private final KinesisAsyncClient client;
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
  // A stream's ARN never changes, even when the stream is deleted and made again.
  private final ConcurrentMap<String, String> streamArns = new ConcurrentHashMap<>();
  // Consumer ARNs, keyed by stream and consumer name, so that opening a subscription does not
  // spend a DescribeStreamConsumer call (5 per second per stream) each time. Dropped when the
  // consumer is deregistered or a subscription finds it gone.
  private final ConcurrentMap<String, String> consumerArns = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private AwsSdkTransport(TransportConfig config) {
    this.config = config;
    this.clients = SdkClients.create(config);
    this.client = clients.calls();
  }

  /**
   * Opens a transport for an {@code aws:} or {@code http(s)://} selection.
   *
   * @throws IllegalArgumentException if the selection is {@code embedded:}
   */
  public static AwsSdkTransport create(TransportConfig config) {
    Objects.requireNonNull(config, "config == null");
    if (config.selection().kind() == TransportSelection.Kind.EMBEDDED) {
      throw new IllegalArgumentException(
          "AwsSdkTransport serves aws: and http(s):// selections, not '"
              + config.selection()
              + "'");
    }
    return new AwsSdkTransport(config);
  }

  /** Returns the configuration this transport was opened with. */
  public TransportConfig config() {
    return config;
  }

  // ---- streams ----

  @Override
  public CompletableFuture<Void> createStream(String stream, int shardCount) {
    return call(
        "CreateStream " + stream,
        () ->
            client.createStream(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .shardCount(RequestChecks.shardCount(shardCount))),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> createOnDemandStream(String stream) {
    return call(
        "CreateStream " + stream,
        () ->
            client.createStream(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> deleteStream(String stream, boolean enforceConsumerDeletion) {
    return call(
        "DeleteStream " + stream,
        () ->
            client.deleteStream(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .enforceConsumerDeletion(enforceConsumerDeletion)),
        ignored -> null);
  }

  @Override
  public CompletableFuture<StreamDescription> describeStream(String stream) {
    return call(
        "DescribeStreamSummary " + stream,
        () -> client.describeStreamSummary(r -> r.streamName(RequestChecks.streamName(stream))),
        response -> {
          StreamDescription description =
              SdkModels.streamDescription(response.streamDescriptionSummary());
          streamArns.put(stream, description.arn());
          return description;
        });
  }

  @Override
  public CompletableFuture<List<String>> listStreams() {
    return call("ListStreams", () -> SdkPages.streams(client), l -> l);
  }

  // ---- shards ----

  @Override
  public CompletableFuture<List<Shard>> listShards(String stream, ShardFilter filter) {
    Objects.requireNonNull(filter, "filter == null");
    return call(
        "ListShards " + stream,
        () ->
            SdkPages.shards(
                client, RequestChecks.streamName(stream), SdkModels.shardFilter(filter)),
        l -> l);
  }

  @Override
  public CompletableFuture<Void> splitShard(
      String stream, String shardId, BigInteger newStartingHashKey) {
    return call(
        "SplitShard " + stream + " " + shardId,
        () ->
            client.splitShard(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .shardToSplit(RequestChecks.shardId(shardId))
                        .newStartingHashKey(
                            RequestChecks.hashKey("newStartingHashKey", newStartingHashKey)
                                .toString())),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> mergeShards(
      String stream, String shardId, String adjacentShardId) {
    return call(
        "MergeShards " + stream + " " + shardId + " " + adjacentShardId,
        () ->
            client.mergeShards(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .shardToMerge(RequestChecks.shardId(shardId))
                        .adjacentShardToMerge(RequestChecks.shardId(adjacentShardId))),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> updateShardCount(String stream, int targetShardCount) {
    return call(
        "UpdateShardCount " + stream,
        () ->
            client.updateShardCount(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .targetShardCount(RequestChecks.shardCount(targetShardCount))
                        .scalingType(ScalingType.UNIFORM_SCALING)),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> increaseRetention(String stream, Duration retention) {
    return changeRetention("IncreaseStreamRetentionPeriod", stream, retention, true);
  }

  @Override
  public CompletableFuture<Void> decreaseRetention(String stream, Duration retention) {
    return changeRetention("DecreaseStreamRetentionPeriod", stream, retention, false);
  }

  private CompletableFuture<Void> changeRetention(
      String operation, String stream, Duration retention, boolean increase) {
    return call(
        operation + " " + stream,
        () -> {
          String name = RequestChecks.streamName(stream);
          int hours = RequestChecks.retentionHours(retention);
          return increase
              ? client
                  .increaseStreamRetentionPeriod(
                      r -> r.streamName(name).retentionPeriodHours(hours))
                  .thenApply(ignored -> null)
              : client
                  .decreaseStreamRetentionPeriod(
                      r -> r.streamName(name).retentionPeriodHours(hours))
                  .thenApply(ignored -> null);
        },
        ignored -> null);
  }

  // ---- writing ----

  @Override
  public CompletableFuture<PutResult> putRecord(String stream, PutEntry entry) {
    Objects.requireNonNull(entry, "entry == null");
    return call(
        "PutRecord " + stream,
        () -> {
          RequestChecks.entry(entry, config.maxRecordSize());
          return client.putRecord(
              r ->
                  r.streamName(RequestChecks.streamName(stream))
                      .partitionKey(entry.partitionKey())
                      .explicitHashKey(entry.explicitHashKey().orElse(null))
                      .data(SdkBytes.fromByteArrayUnsafe(entry.data())));
        },
        response -> new PutResult(response.shardId(), response.sequenceNumber()));
  }

  @Override
  public CompletableFuture<PutRecordsResult> putRecords(String stream, List<PutEntry> entries) {
    Objects.requireNonNull(entries, "entries == null");
    return call(
        "PutRecords " + stream,
        () -> {
          RequestChecks.entries(entries, config.maxRecordSize());
          List<PutRecordsRequestEntry> sdkEntries = new ArrayList<>(entries.size());
          for (PutEntry e : entries) {
            sdkEntries.add(
                PutRecordsRequestEntry.builder()
                    .partitionKey(e.partitionKey())
                    .explicitHashKey(e.explicitHashKey().orElse(null))
                    .data(SdkBytes.fromByteArrayUnsafe(e.data()))
                    .build());
          }
          return client.putRecords(
              r -> r.streamName(RequestChecks.streamName(stream)).records(sdkEntries));
        },
        response -> {
          List<PutRecordsResultEntry> results = response.records();
          if (results.size() != entries.size()) {
            throw new ServiceFailureException(
                "PutRecords "
                    + stream
                    + " answered "
                    + results.size()
                    + " results for "
                    + entries.size()
                    + " entries");
          }
          List<PutRecordsEntryResult> outcomes = new ArrayList<>(results.size());
          for (PutRecordsResultEntry r : results) {
            outcomes.add(
                r.errorCode() == null && r.sequenceNumber() != null
                    ? new PutResult(r.shardId(), r.sequenceNumber())
                    : new PutFailure(
                        r.errorCode() != null ? r.errorCode() : "UnknownError", r.errorMessage()));
          }
          return new PutRecordsResult(outcomes);
        });
  }

  // ---- reading ----

  @Override
  public CompletableFuture<String> getShardIterator(
      String stream, String shardId, StartingPosition position) {
    Objects.requireNonNull(position, "position == null");
    return call(
        "GetShardIterator " + stream + " " + shardId,
        () ->
            client.getShardIterator(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .shardId(RequestChecks.shardId(shardId))
                        .shardIteratorType(SdkModels.iteratorType(position.type()))
                        .startingSequenceNumber(position.sequenceNumber().orElse(null))
                        .timestamp(position.timestamp().orElse(null))),
        response -> response.shardIterator());
  }

  @Override
  public CompletableFuture<GetRecordsResult> getRecords(String shardIterator, int limit) {
    Objects.requireNonNull(shardIterator, "shardIterator == null");
    return call(
        "GetRecords",
        () ->
            client.getRecords(
                r -> r.shardIterator(shardIterator).limit(RequestChecks.getRecordsLimit(limit))),
        response ->
            new GetRecordsResult(
                SdkModels.records(response.records()),
                java.util.Optional.ofNullable(response.nextShardIterator()),
                response.millisBehindLatest() != null ? response.millisBehindLatest() : 0L,
                SdkModels.childShards(response.childShards())));
  }

  // ---- enhanced fan-out ----

  @Override
  public CompletableFuture<StreamConsumer> registerConsumer(String stream, String consumerName) {
    return call(
        "RegisterStreamConsumer " + stream + " " + consumerName,
        () ->
            streamArn(stream)
                .thenCompose(
                    arn ->
                        client.registerStreamConsumer(
                            r ->
                                r.streamARN(arn)
                                    .consumerName(RequestChecks.consumerName(consumerName)))),
        response -> rememberConsumer(stream, SdkModels.consumer(response.consumer())));
  }

  @Override
  public CompletableFuture<StreamConsumer> describeConsumer(String stream, String consumerName) {
    return call(
        "DescribeStreamConsumer " + stream + " " + consumerName,
        () ->
            streamArn(stream)
                .thenCompose(
                    arn ->
                        client.describeStreamConsumer(
                            r ->
                                r.streamARN(arn)
                                    .consumerName(RequestChecks.consumerName(consumerName)))),
        response -> rememberConsumer(stream, SdkModels.consumer(response.consumerDescription())));
  }

  private StreamConsumer rememberConsumer(String stream, StreamConsumer consumer) {
    consumerArns.put(consumerKey(stream, consumer.name()), consumer.arn());
    return consumer;
  }

  private static String consumerKey(String stream, String consumerName) {
    return stream + '/' + consumerName;
  }

  @Override
  public CompletableFuture<List<StreamConsumer>> listConsumers(String stream) {
    return call(
        "ListStreamConsumers " + stream,
        () -> streamArn(stream).thenCompose(arn -> SdkPages.consumers(client, arn)),
        l -> l);
  }

  @Override
  public CompletableFuture<Void> deregisterConsumer(String stream, String consumerName) {
    return call(
        "DeregisterStreamConsumer " + stream + " " + consumerName,
        () ->
            streamArn(stream)
                .thenCompose(
                    arn ->
                        client.deregisterStreamConsumer(
                            r ->
                                r.streamARN(arn)
                                    .consumerName(RequestChecks.consumerName(consumerName))))
                .whenComplete(
                    (ignored, error) -> consumerArns.remove(consumerKey(stream, consumerName))),
        ignored -> null);
  }

  @Override
  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position) {
    Objects.requireNonNull(stream, "stream == null");
    Objects.requireNonNull(consumerName, "consumerName == null");
    Objects.requireNonNull(shardId, "shardId == null");
    Objects.requireNonNull(position, "position == null");
    String operation = "SubscribeToShard " + stream + " " + consumerName + " " + shardId;
    return new ShardEventPublisher(
        operation,
        config.callTimeout(),
        handler -> subscribe(stream, consumerName, shardId, position, handler));
  }

  private CompletableFuture<Void> subscribe(
      String stream,
      String consumerName,
      String shardId,
      StartingPosition position,
      SubscribeToShardResponseHandler handler) {
    if (closed.get()) {
      throw closedException("SubscribeToShard");
    }
    RequestChecks.streamName(stream);
    RequestChecks.consumerName(consumerName);
    RequestChecks.shardId(shardId);
    String key = consumerKey(stream, consumerName);
    String knownArn = consumerArns.get(key);
    CompletableFuture<String> consumerArn =
        knownArn != null
            ? CompletableFuture.completedFuture(knownArn)
            : describeConsumer(stream, consumerName).thenApply(StreamConsumer::arn);
    CompletableFuture<Void> call =
        consumerArn
            .thenCompose(
                arn ->
                    clients
                        .subscriptions()
                        .subscribeToShard(
                            r ->
                                r.consumerARN(arn)
                                    .shardId(shardId)
                                    .startingPosition(SdkModels.startingPosition(position))
                                    .overrideConfiguration(
                                        o ->
                                            o.apiCallTimeout(SdkClients.SUBSCRIPTION_LIFETIME)
                                                .apiCallAttemptTimeout(
                                                    SdkClients.SUBSCRIPTION_LIFETIME)),
                            handler))
            .whenComplete(
                (ignored, error) -> {
                  if (error != null
                      && SdkErrors.translate(error, "") instanceof ResourceNotFoundException) {
                    consumerArns.remove(key);
                  }
                });
    track(call);
    return call;
  }

  // ---- plumbing ----

  private CompletableFuture<String> streamArn(String stream) {
    RequestChecks.streamName(stream);
    String known = streamArns.get(stream);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return client
        .describeStreamSummary(r -> r.streamName(stream))
        .thenApply(
            response -> {
              String arn = response.streamDescriptionSummary().streamARN();
              streamArns.put(stream, arn);
              return arn;
            });
  }

  /**
   * Runs one SDK call: checks arguments (inside {@code sdkCall}), translates every failure to a
   * typed exception, and tracks the future so that {@link #close()} can fail it.
   */
  private <R, T> CompletableFuture<T> call(
      String operation, Supplier<CompletableFuture<R>> sdkCall, Function<R, T> convert) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedException(operation));
      return result;
    }
    CompletableFuture<R> pending;
    try {
      pending = sdkCall.get();
    } catch (NullPointerException e) {
      throw e; // a null argument: the contract says it throws at once
    } catch (RuntimeException e) {
      result.completeExceptionally(SdkErrors.translate(e, operation));
      return result;
    }
    track(result);
    // One deadline for the whole call: paged lists and ARN lookups make several SDK requests,
    // each bounded only by itself. It also ends the call whatever the SDK does.
    CompletableFuture<R> bounded = new CompletableFuture<>();
    bounded.orTimeout(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    pending.whenComplete(
        (response, error) -> {
          if (error != null) {
            bounded.completeExceptionally(error);
          } else {
            bounded.complete(response);
          }
        });
    bounded.whenComplete(
        (response, error) -> {
          if (error != null) {
            if (error instanceof TimeoutException) {
              pending.cancel(false);
            }
            result.completeExceptionally(SdkErrors.translate(error, operation));
            return;
          }
          try {
            result.complete(convert.apply(response));
          } catch (RuntimeException e) {
            result.completeExceptionally(SdkErrors.translate(e, operation));
          }
        });
    return result;
  }

  private void track(CompletableFuture<?> future) {
    outstanding.add(future);
    future.whenComplete((ignored, error) -> outstanding.remove(future));
    if (closed.get()) {
      // close() may have swept the set just before the add above.
      future.completeExceptionally(closedException("call"));
    }
  }

  private static TransportClosedException closedException(String operation) {
    return new TransportClosedException(operation + " failed: the transport is closed");
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (CompletableFuture<?> future : List.copyOf(outstanding)) {
      future.completeExceptionally(closedException("call"));
    }
    clients.close();
  }

  @Override
  public String toString() {
    return "AwsSdkTransport{" + config.selection() + "}";
  }
}
