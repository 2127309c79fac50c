package io.kinesislite.transport.internal;

import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StreamConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ShardFilter;

/**
 * Follows the Kinesis list calls page by page, so that callers get whole lists. Each next page is
 * requested when the previous one arrives; no thread waits. Thread-safe.
 */
public final class SdkPages {
  private static final int LIST_SHARDS_PAGE = 1_000;

  private SdkPages() {}

  /** Lists every stream name. */
  public static CompletableFuture<List<String>> streams(KinesisAsyncClient client) {
    return streamsFrom(client, null, null, new ArrayList<>());
  }

  private static CompletableFuture<List<String>> streamsFrom(
      KinesisAsyncClient client, String nextToken, String lastName, List<String> names) {
    return client
        .listStreams(
            r -> {
              // Older services page by the last name seen; newer ones also give a token.
              if (nextToken != null) {
                r.nextToken(nextToken);
              } else if (lastName != null) {
                r.exclusiveStartStreamName(lastName);
              }
            })
        .thenCompose(
            page -> {
              names.addAll(page.streamNames());
              // Without a token, only a non-empty page tells where the next one starts.
              if (!Boolean.TRUE.equals(page.hasMoreStreams())
                  || (page.nextToken() == null && page.streamNames().isEmpty())) {
                return CompletableFuture.completedFuture(names);
              }
              String last = page.streamNames().get(page.streamNames().size() - 1);
              return streamsFrom(client, page.nextToken(), last, names);
            });
  }

  /** Lists every shard of {@code stream} that passes {@code filter} (null for all). */
  public static CompletableFuture<List<Shard>> shards(
      KinesisAsyncClient client, String stream, ShardFilter filter) {
    ListShardsRequest first =
        ListShardsRequest.builder()
            .streamName(stream)
            .shardFilter(filter)
            .maxResults(LIST_SHARDS_PAGE)
            .build();
    return shardsFrom(client, first, new ArrayList<>());
  }

  private static CompletableFuture<List<Shard>> shardsFrom(
      KinesisAsyncClient client, ListShardsRequest request, List<Shard> shards) {
    return client
        .listShards(request)
        .thenCompose(
            page -> {
              page.shards().forEach(s -> shards.add(SdkModels.shard(s)));
              // A page may be empty and still not the last; only a missing token ends the list.
              // The transport's call deadline bounds a service that never stops paging.
              if (page.nextToken() == null) {
                return CompletableFuture.completedFuture(shards);
              }
              // Kinesis rejects a page request that repeats the stream name next to the token.
              ListShardsRequest next =
                  ListShardsRequest.builder()
                      .nextToken(page.nextToken())
                      .maxResults(LIST_SHARDS_PAGE)
                      .build();
              return shardsFrom(client, next, shards);
            });
  }

  /** Lists every consumer registered on the stream with ARN {@code streamArn}. */
  public static CompletableFuture<List<StreamConsumer>> consumers(
      KinesisAsyncClient client, String streamArn) {
    return consumersFrom(client, streamArn, null, new ArrayList<>());
  }

  private static CompletableFuture<List<StreamConsumer>> consumersFrom(
      KinesisAsyncClient client, String streamArn, String nextToken, List<StreamConsumer> acc) {
    return client
        .listStreamConsumers(r -> r.streamARN(streamArn).nextToken(nextToken))
        .thenCompose(
            page -> {
              page.consumers().forEach(c -> acc.add(SdkModels.consumer(c)));
              if (page.nextToken() == null) {
                return CompletableFuture.completedFuture(acc);
              }
              return consumersFrom(client, streamArn, page.nextToken(), acc);
            });
  }
}
