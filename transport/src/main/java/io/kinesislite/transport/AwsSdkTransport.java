package io.kinesislite.transport;

import io.kinesislite.transport.internal.RequestChecks;
import io.kinesislite.transport.internal.SdkClients;
import io.kinesislite.transport.internal.SdkErrors;
import io.kinesislite.transport.internal.SdkModels;
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
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
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
  private static final int LIST_SHARDS_PAGE = 1_000;

  private final TransportConfig config;
  private final KinesisAsyncClient client;
  private final SdkAsyncHttpClient http;
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
  // A stream's ARN never changes, even when the stream is deleted and made again.
  private final ConcurrentMap<String, String> streamArns = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private AwsSdkTransport(TransportConfig config) {
    this.config = config;
    SdkClients.Clients clients = SdkClients.kinesis(config);
    this.client = clients.kinesis();
    this.http = clients.http();
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
    return call("ListStreams", () -> listStreamsFrom(null, null, new ArrayList<>()), l -> l);
  }

  private CompletableFuture<List<String>> listStreamsFrom(
      String nextToken, String lastName, List<String> names) {
    return client
        .listStreams(
            r -> {
              if (nextToken != null) {
                r.nextToken(nextToken);
              } else if (lastName != null) {
                r.exclusiveStartStreamName(lastName);
              }
            })
        .thenCompose(
            (ListStreamsResponse page) -> {
              names.addAll(page.streamNames());
              if (!Boolean.TRUE.equals(page.hasMoreStreams()) || page.streamNames().isEmpty()) {
                return CompletableFuture.completedFuture(names);
              }
              String last = page.streamNames().get(page.streamNames().size() - 1);
              return listStreamsFrom(page.nextToken(), last, names);
            });
  }

  // ---- shards ----

  @Override
  public CompletableFuture<List<Shard>> listShards(String stream, ShardFilter filter) {
    Objects.requireNonNull(filter, "filter == null");
    return call(
        "ListShards " + stream,
        () -> {
          ListShardsRequest first =
              ListShardsRequest.builder()
                  .streamName(RequestChecks.streamName(stream))
                  .shardFilter(SdkModels.shardFilter(filter))
                  .maxResults(LIST_SHARDS_PAGE)
                  .build();
          return listShardsFrom(first, new ArrayList<>());
        },
        l -> l);
  }

  private CompletableFuture<List<Shard>> listShardsFrom(
      ListShardsRequest request, List<Shard> acc) {
    return client
        .listShards(request)
        .thenCompose(
            (ListShardsResponse page) -> {
              page.shards().forEach(s -> acc.add(SdkModels.shard(s)));
              if (page.nextToken() == null || page.shards().isEmpty()) {
                return CompletableFuture.completedFuture(acc);
              }
              // Kinesis rejects a page request that repeats the stream name next to the token.
              ListShardsRequest next =
                  ListShardsRequest.builder()
                      .nextToken(page.nextToken())
                      .maxResults(LIST_SHARDS_PAGE)
                      .build();
              return listShardsFrom(next, acc);
            });
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
    return call(
        "IncreaseStreamRetentionPeriod " + stream,
        () ->
            client.increaseStreamRetentionPeriod(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .retentionPeriodHours(RequestChecks.retentionHours(retention))),
        ignored -> null);
  }

  @Override
  public CompletableFuture<Void> decreaseRetention(String stream, Duration retention) {
    return call(
        "DecreaseStreamRetentionPeriod " + stream,
        () ->
            client.decreaseStreamRetentionPeriod(
                r ->
                    r.streamName(RequestChecks.streamName(stream))
                        .retentionPeriodHours(RequestChecks.retentionHours(retention))),
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
        response -> SdkModels.consumer(response.consumer()));
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
        response -> SdkModels.consumer(response.consumerDescription()));
  }

  @Override
  public CompletableFuture<List<StreamConsumer>> listConsumers(String stream) {
    return call(
        "ListStreamConsumers " + stream,
        () -> streamArn(stream).thenCompose(arn -> listConsumersFrom(arn, null, new ArrayList<>())),
        l -> l);
  }

  private CompletableFuture<List<StreamConsumer>> listConsumersFrom(
      String streamArn, String nextToken, List<StreamConsumer> acc) {
    return client
        .listStreamConsumers(r -> r.streamARN(streamArn).nextToken(nextToken))
        .thenCompose(
            (ListStreamConsumersResponse page) -> {
              page.consumers().forEach(c -> acc.add(SdkModels.consumer(c)));
              if (page.nextToken() == null || page.consumers().isEmpty()) {
                return CompletableFuture.completedFuture(acc);
              }
              return listConsumersFrom(streamArn, page.nextToken(), acc);
            });
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
                                    .consumerName(RequestChecks.consumerName(consumerName)))),
        ignored -> null);
  }

  @Override
  public Flow.Publisher<ShardEvent> subscribeToShard(
      String stream, String consumerName, String shardId, StartingPosition position) {
    Objects.requireNonNull(position, "position == null");
    String operation = "SubscribeToShard " + stream + " " + consumerName + " " + shardId;
    return new ShardEventPublisher(
        operation, handler -> subscribe(stream, consumerName, shardId, position, handler));
  }

  private CompletableFuture<Void> subscribe(
      String stream,
      String consumerName,
      String shardId,
      StartingPosition position,
      SubscribeToShardResponseHandler handler) {
    checkOpen();
    RequestChecks.shardId(shardId);
    CompletableFuture<Void> call =
        describeConsumer(stream, consumerName)
            .thenCompose(
                consumer ->
                    client.subscribeToShard(
                        r ->
                            r.consumerARN(consumer.arn())
                                .shardId(shardId)
                                .startingPosition(SdkModels.startingPosition(position))
                                // A subscription lives up to five minutes by design; the call
                                // timeout bounds opening it, this bounds its whole life.
                                .overrideConfiguration(
                                    o ->
                                        o.apiCallTimeout(SUBSCRIPTION_LIFETIME)
                                            .apiCallAttemptTimeout(SUBSCRIPTION_LIFETIME)),
                        handler));
    track(call);
    return call;
  }

  private static final Duration SUBSCRIPTION_LIFETIME = Duration.ofMinutes(6);

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
    if (closed) {
      result.completeExceptionally(closedException(operation));
      return result;
    }
    CompletableFuture<R> pending;
    try {
      pending = sdkCall.get();
    } catch (RuntimeException e) {
      result.completeExceptionally(SdkErrors.translate(e, operation));
      return result;
    }
    track(result);
    pending.whenComplete(
        (response, error) -> {
          if (error != null) {
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
    if (closed) {
      // close() may have swept the set just before the add above.
      future.completeExceptionally(closedException("call"));
    }
  }

  private void checkOpen() {
    if (closed) {
      throw closedException("call");
    }
  }

  private static TransportIoException closedException(String operation) {
    return new TransportIoException(operation + " failed: the transport is closed");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (CompletableFuture<?> future : List.copyOf(outstanding)) {
      future.completeExceptionally(closedException("call"));
    }
    client.close();
    http.close();
  }

  @Override
  public String toString() {
    return "AwsSdkTransport{" + config.selection() + "}";
  }
}
