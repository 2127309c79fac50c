package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.ShardFilter;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamMode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The stream and shard operations of the Kinesis API: create, delete, describe, list, reshard,
 * retention and limits, answered from a {@link KinesisTransport} over the engine. Thread-safe.
 */
final class StreamOperations {
  private final KinesisTransport engine;
  private final int shardLimit;

  StreamOperations(KinesisTransport engine, int shardLimit) {
    this.engine = engine;
    this.shardLimit = shardLimit;
  }

  CompletableFuture<Reply> createStream(ApiRequest r) {
    String stream = r.required("StreamName");
    JsonNode mode = r.body.path("StreamModeDetails").path("StreamMode");
    if (mode.isTextual() && mode.asText().equals("ON_DEMAND")) {
      return Reply.empty(engine.createOnDemandStream(stream));
    }
    if (mode.isTextual() && !mode.asText().equals("PROVISIONED")) {
      throw ApiException.validation(
          "1 validation error detected: Value '"
              + mode.asText()
              + "' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must"
              + " satisfy enum value set: [PROVISIONED, ON_DEMAND]");
    }
    int shards = r.requiredInt("ShardCount", 1, 100_000);
    return Reply.empty(engine.createStream(stream, shards));
  }

  CompletableFuture<Reply> deleteStream(ApiRequest r) {
    return Reply.empty(engine.deleteStream(r.stream(), r.flag("EnforceConsumerDeletion")));
  }

  CompletableFuture<Reply> describeStream(ApiRequest r) {
    String stream = r.stream();
    int limit = r.integer("Limit", 1, 10_000).orElse(100);
    Optional<String> after = r.text("ExclusiveStartShardId");
    return engine
        .describeStream(stream)
        .thenCombine(
            engine.listShards(stream),
            (d, shards) -> {
              List<Shard> page = after(shards, after.orElse(null));
              boolean more = page.size() > limit;
              List<Shard> shown = more ? page.subList(0, limit) : page;
              return (g, wire) -> {
                g.writeObjectFieldStart("StreamDescription");
                Shapes.streamHeader(g, wire, d);
                Shapes.shards(g, "Shards", shown);
                g.writeBooleanField("HasMoreShards", more);
                g.writeEndObject();
              };
            });
  }

  CompletableFuture<Reply> describeStreamSummary(ApiRequest r) {
    return engine
        .describeStream(r.stream())
        .thenApply(
            d ->
                (g, wire) -> {
                  g.writeObjectFieldStart("StreamDescriptionSummary");
                  Shapes.streamHeader(g, wire, d);
                  g.writeNumberField("OpenShardCount", d.openShardCount());
                  g.writeNumberField("ConsumerCount", d.consumerCount());
                  g.writeEndObject();
                });
  }

  CompletableFuture<Reply> listStreams(ApiRequest r) {
    int limit = r.integer("Limit", 1, 10_000).orElse(100);
    Optional<String> start =
        r.text("NextToken")
            .map(StreamOperations::untoken)
            .or(() -> r.text("ExclusiveStartStreamName"));
    return engine
        .listStreams()
        .thenCompose(
            names -> {
              List<String> sorted =
                  names.stream()
                      .sorted()
                      .filter(n -> start.isEmpty() || n.compareTo(start.get()) > 0)
                      .toList();
              boolean more = sorted.size() > limit;
              List<String> page = more ? sorted.subList(0, limit) : sorted;
              List<CompletableFuture<StreamDescription>> described = new ArrayList<>();
              for (String name : page) {
                described.add(engine.describeStream(name));
              }
              return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new))
                  .handle((ignored, error) -> summaries(page, described, more));
            });
  }

  private static Reply summaries(
      List<String> page, List<CompletableFuture<StreamDescription>> described, boolean more) {
    return (g, wire) -> {
      g.writeArrayFieldStart("StreamNames");
      for (String name : page) {
        g.writeString(name);
      }
      g.writeEndArray();
      g.writeBooleanField("HasMoreStreams", more);
      if (more) {
        g.writeStringField("NextToken", token(page.get(page.size() - 1)));
      }
      g.writeArrayFieldStart("StreamSummaries");
      for (CompletableFuture<StreamDescription> f : described) {
        if (f.isCompletedExceptionally()) {
          continue; // deleted between listing and describing
        }
        StreamDescription d = f.join();
        g.writeStartObject();
        g.writeStringField("StreamName", d.name());
        g.writeStringField("StreamARN", d.arn());
        g.writeStringField("StreamStatus", d.status().name());
        g.writeObjectFieldStart("StreamModeDetails");
        g.writeStringField("StreamMode", d.mode().name());
        g.writeEndObject();
        wire.writeTimestamp(g, "StreamCreationTimestamp", d.createdAt());
        g.writeEndObject();
      }
      g.writeEndArray();
    };
  }

  CompletableFuture<Reply> listShards(ApiRequest r) {
    Optional<String> next = r.text("NextToken");
    String stream;
    String after;
    ShardFilter filter;
    if (next.isPresent()) {
      if (r.text("StreamName").isPresent() || r.text("StreamARN").isPresent()) {
        throw ApiException.invalidArgument("NextToken and StreamName cannot be provided together.");
      }
      String[] parts = untoken(next.get()).split("\n", -1);
      if (parts.length != 5) {
        throw ApiException.invalidArgument("Invalid ShardIterator or NextToken.");
      }
      stream = parts[0];
      after = parts[1].isEmpty() ? null : parts[1];
      filter = filter(parts[2], parts[3].isEmpty() ? null : parts[3], parts[4]);
    } else {
      stream = r.stream();
      after = r.text("ExclusiveStartShardId").orElse(null);
      JsonNode f = r.body.get("ShardFilter");
      if (f == null || f.isNull()) {
        filter = ShardFilter.all();
      } else {
        String type = f.path("Type").asText("");
        String shardId = f.path("ShardId").isTextual() ? f.path("ShardId").asText() : null;
        Optional<Instant> t = r.timestamp(f, "Timestamp");
        filter = filter(type, shardId, t.map(i -> Long.toString(i.toEpochMilli())).orElse(""));
      }
    }
    int max = r.integer("MaxResults", 1, 10_000).orElse(1_000);
    String token = filterToken(filter);
    return engine
        .listShards(stream, filter)
        .thenApply(
            shards -> {
              List<Shard> page = after(shards, after);
              boolean more = page.size() > max;
              List<Shard> shown = more ? page.subList(0, max) : page;
              return (g, wire) -> {
                Shapes.shards(g, "Shards", shown);
                if (more) {
                  String last = shown.get(shown.size() - 1).shardId();
                  g.writeStringField("NextToken", token(stream + "\n" + last + "\n" + token));
                }
              };
            });
  }

  private static ShardFilter filter(String type, String shardId, String millis) {
    Instant at = millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    switch (type) {
      case "", "ALL":
        return ShardFilter.all();
      case "AFTER_SHARD_ID":
        if (shardId == null) {
          throw ApiException.invalidArgument("ShardFilter AFTER_SHARD_ID needs a ShardId.");
        }
        return ShardFilter.afterShardId(shardId);
      case "AT_TRIM_HORIZON":
        return ShardFilter.atTrimHorizon();
      case "FROM_TRIM_HORIZON":
        return ShardFilter.fromTrimHorizon();
      case "AT_LATEST":
        return ShardFilter.atLatest();
      case "AT_TIMESTAMP", "FROM_TIMESTAMP":
        if (at == null) {
          throw ApiException.invalidArgument("ShardFilter " + type + " needs a Timestamp.");
        }
        return type.equals("AT_TIMESTAMP")
            ? ShardFilter.atTimestamp(at)
            : ShardFilter.fromTimestamp(at);
      default:
        throw ApiException.validation(
            "1 validation error detected: Value '"
                + type
                + "' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum"
                + " value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST,"
                + " AT_TIMESTAMP, FROM_TIMESTAMP]");
    }
  }

  private static String filterToken(ShardFilter f) {
    String type = f.type() == ShardFilter.Type.ALL ? "" : f.type().name();
    return type
        + "\n"
        + f.shardId().orElse("")
        + "\n"
        + f.timestamp().map(t -> Long.toString(t.toEpochMilli())).orElse("");
  }

  CompletableFuture<Reply> splitShard(ApiRequest r) {
    String shard = r.required("ShardToSplit");
    String key = r.required("NewStartingHashKey");
    BigInteger hashKey;
    try {
      hashKey = new BigInteger(key);
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument("NewStartingHashKey " + key + " is not a decimal number.");
    }
    return Reply.empty(engine.splitShard(r.stream(), shard, hashKey));
  }

  CompletableFuture<Reply> mergeShards(ApiRequest r) {
    return Reply.empty(
        engine.mergeShards(
            r.stream(), r.required("ShardToMerge"), r.required("AdjacentShardToMerge")));
  }

  CompletableFuture<Reply> updateShardCount(ApiRequest r) {
    String stream = r.stream();
    int target = r.requiredInt("TargetShardCount", 1, 100_000);
    r.text("ScalingType")
        .filter(t -> !t.equals("UNIFORM_SCALING"))
        .ifPresent(
            t -> {
              throw ApiException.validation(
                  "1 validation error detected: Value '"
                      + t
                      + "' at 'scalingType' failed to satisfy constraint: Member must satisfy"
                      + " enum value set: [UNIFORM_SCALING]");
            });
    return engine
        .describeStream(stream)
        .thenCompose(
            before ->
                engine
                    .updateShardCount(stream, target)
                    .thenApply(
                        ignored ->
                            (g, wire) -> {
                              g.writeStringField("StreamName", stream);
                              g.writeNumberField("CurrentShardCount", before.openShardCount());
                              g.writeNumberField("TargetShardCount", target);
                              g.writeStringField("StreamARN", before.arn());
                            }));
  }

  CompletableFuture<Reply> increaseRetention(ApiRequest r) {
    int hours = r.requiredInt("RetentionPeriodHours", 1, 8_760);
    return Reply.empty(engine.increaseRetention(r.stream(), Duration.ofHours(hours)));
  }

  CompletableFuture<Reply> decreaseRetention(ApiRequest r) {
    int hours = r.requiredInt("RetentionPeriodHours", 1, 8_760);
    return Reply.empty(engine.decreaseRetention(r.stream(), Duration.ofHours(hours)));
  }

  CompletableFuture<Reply> describeLimits(ApiRequest r) {
    return engine
        .listStreams()
        .thenCompose(
            names -> {
              List<CompletableFuture<StreamDescription>> all = new ArrayList<>();
              for (String n : names) {
                all.add(engine.describeStream(n));
              }
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .handle(
                      (ignored, error) -> {
                        int open = 0;
                        int onDemand = 0;
                        for (CompletableFuture<StreamDescription> f : all) {
                          if (!f.isCompletedExceptionally()) {
                            open += f.join().openShardCount();
                            onDemand += f.join().mode() == StreamMode.ON_DEMAND ? 1 : 0;
                          }
                        }
                        int openShards = open;
                        int onDemandStreams = onDemand;
                        return (g, wire) -> {
                          g.writeNumberField("ShardLimit", shardLimit);
                          g.writeNumberField("OpenShardCount", openShards);
                          g.writeNumberField("OnDemandStreamCount", onDemandStreams);
                          g.writeNumberField("OnDemandStreamCountLimit", 50);
                        };
                      });
            });
  }

  private static List<Shard> after(List<Shard> shards, String exclusiveStart) {
    if (exclusiveStart == null) {
      return shards;
    }
    return shards.stream().filter(s -> s.shardId().compareTo(exclusiveStart) > 0).toList();
  }

  static String token(String value) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static String untoken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidArgument("Invalid NextToken.");
    }
  }
}
