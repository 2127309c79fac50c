package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.PutFailure;
import io.kinesislite.transport.PutRecordsEntryResult;
import io.kinesislite.transport.PutResult;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The record and consumer operations of the Kinesis API: put, put-many, shard iterators, get
 * records, and stream consumers. Thread-safe.
 */
final class RecordOperations {
  private final KinesisTransport engine;

  RecordOperations(KinesisTransport engine) {
    this.engine = engine;
  }

  CompletableFuture<Reply> putRecord(ApiRequest r) {
    String stream = r.stream();
    PutEntry entry = entry(r.body);
    return engine
        .putRecord(stream, entry)
        .thenApply(
            put ->
                (g, wire) -> {
                  g.writeStringField("ShardId", put.shardId());
                  g.writeStringField("SequenceNumber", put.sequenceNumber());
                  g.writeStringField("EncryptionType", "NONE");
                });
  }

  CompletableFuture<Reply> putRecords(ApiRequest r) {
    String stream = r.stream();
    JsonNode records = r.body.get("Records");
    if (records == null || records.isNull()) {
      throw ApiRequest.missing("Records");
    }
    if (!records.isArray()) {
      throw ApiException.serialization("Field Records must be a list");
    }
    if (records.size() < 1 || records.size() > KinesisTransport.MAX_PUT_RECORDS_ENTRIES) {
      throw ApiException.validation(
          "1 validation error detected: Value '"
              + records.size()
              + " records' at 'records' failed to satisfy constraint: Member must have length"
              + " less than or equal to 500 and greater than or equal to 1");
    }
    List<PutEntry> entries = new ArrayList<>(records.size());
    for (JsonNode e : records) {
      entries.add(entry(e));
    }
    return engine
        .putRecords(stream, entries)
        .thenApply(
            result ->
                (g, wire) -> {
                  g.writeNumberField("FailedRecordCount", result.failedCount());
                  g.writeArrayFieldStart("Records");
                  for (PutRecordsEntryResult e : result.entries()) {
                    g.writeStartObject();
                    if (e instanceof PutResult ok) {
                      g.writeStringField("SequenceNumber", ok.sequenceNumber());
                      g.writeStringField("ShardId", ok.shardId());
                    } else {
                      PutFailure failed = (PutFailure) e;
                      g.writeStringField("ErrorCode", failed.errorCode());
                      g.writeStringField("ErrorMessage", failed.errorMessage());
                    }
                    g.writeEndObject();
                  }
                  g.writeEndArray();
                  g.writeStringField("EncryptionType", "NONE");
                });
  }

  private static PutEntry entry(JsonNode e) {
    if (!e.isObject()) {
      throw ApiException.serialization("A record must be a structure");
    }
    byte[] data = ApiRequest.blob(e, "Data");
    JsonNode key = e.get("PartitionKey");
    if (key == null || !key.isTextual()) {
      throw ApiRequest.missing("PartitionKey");
    }
    JsonNode hash = e.get("ExplicitHashKey");
    if (hash != null && hash.isTextual()) {
      return PutEntry.of(key.asText(), hash.asText(), data);
    }
    return PutEntry.of(key.asText(), data);
  }

  CompletableFuture<Reply> getShardIterator(ApiRequest r) {
    String stream = r.stream();
    String shard = r.required("ShardId");
    StartingPosition position =
        position(
            r,
            r.body,
            r.required("ShardIteratorType"),
            "StartingSequenceNumber",
            "Timestamp",
            "shardIteratorType");
    return engine
        .getShardIterator(stream, shard, position)
        .thenApply(iterator -> (g, wire) -> g.writeStringField("ShardIterator", iterator));
  }

  static StartingPosition position(
      ApiRequest r,
      JsonNode parent,
      String type,
      String sequenceField,
      String timestampField,
      String typeName) {
    switch (type) {
      case "TRIM_HORIZON":
        return StartingPosition.trimHorizon();
      case "LATEST":
        return StartingPosition.latest();
      case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER":
        {
          JsonNode seq = parent.get(sequenceField);
          if (seq == null || !seq.isTextual()) {
            throw ApiException.invalidArgument(
                "The StartingSequenceNumber is required for " + type + ".");
          }
          return type.equals("AT_SEQUENCE_NUMBER")
              ? StartingPosition.atSequenceNumber(seq.asText())
              : StartingPosition.afterSequenceNumber(seq.asText());
        }
      case "AT_TIMESTAMP":
        {
          Optional<Instant> t = r.timestamp(parent, timestampField);
          if (t.isEmpty()) {
            throw ApiException.invalidArgument(
                "The timestampInMillis parameter cannot be null for AT_TIMESTAMP.");
          }
          return StartingPosition.atTimestamp(t.get());
        }
      default:
        throw ApiException.validation(
            "1 validation error detected: Value '"
                + type
                + "' at '"
                + typeName
                + "' failed to satisfy constraint: Member must satisfy enum value set:"
                + " [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON,"
                + " LATEST]");
    }
  }

  CompletableFuture<Reply> getRecords(ApiRequest r) {
    String iterator = r.required("ShardIterator");
    int limit = r.integer("Limit", 1, KinesisTransport.MAX_GET_RECORDS_LIMIT).orElse(10_000);
    return engine.getRecords(iterator, limit).thenApply(RecordOperations::records);
  }

  private static Reply records(GetRecordsResult result) {
    return (g, wire) -> {
      Shapes.records(g, wire, result.records());
      if (result.nextShardIterator().isPresent()) {
        g.writeStringField("NextShardIterator", result.nextShardIterator().get());
      }
      g.writeNumberField("MillisBehindLatest", result.millisBehindLatest());
      if (!result.childShards().isEmpty()) {
        Shapes.childShards(g, result.childShards());
      }
    };
  }

  CompletableFuture<Reply> registerConsumer(ApiRequest r) {
    String stream = Arns.streamName(r.required("StreamARN"));
    return engine
        .registerConsumer(stream, r.required("ConsumerName"))
        .thenApply(
            c ->
                (g, wire) -> {
                  g.writeFieldName("Consumer");
                  Shapes.consumer(g, wire, c, null);
                });
  }

  CompletableFuture<Reply> describeConsumer(ApiRequest r) {
    String[] names = consumerNames(r);
    return engine
        .describeConsumer(names[0], names[1])
        .thenApply(
            c ->
                (g, wire) -> {
                  g.writeFieldName("ConsumerDescription");
                  Shapes.consumer(g, wire, c, streamArnOf(c));
                });
  }

  CompletableFuture<Reply> deregisterConsumer(ApiRequest r) {
    String[] names = consumerNames(r);
    return Reply.empty(engine.deregisterConsumer(names[0], names[1]));
  }

  CompletableFuture<Reply> listConsumers(ApiRequest r) {
    String stream = Arns.streamName(r.required("StreamARN"));
    int max = r.integer("MaxResults", 1, 10_000).orElse(100);
    Optional<String> after = r.text("NextToken").map(StreamOperations::untoken);
    return engine
        .listConsumers(stream)
        .thenApply(
            all -> {
              List<StreamConsumer> sorted =
                  all.stream()
                      .sorted(java.util.Comparator.comparing(StreamConsumer::name))
                      .filter(c -> after.isEmpty() || c.name().compareTo(after.get()) > 0)
                      .toList();
              boolean more = sorted.size() > max;
              List<StreamConsumer> page = more ? sorted.subList(0, max) : sorted;
              return (g, wire) -> {
                g.writeArrayFieldStart("Consumers");
                for (StreamConsumer c : page) {
                  Shapes.consumer(g, wire, c, null);
                }
                g.writeEndArray();
                if (more) {
                  g.writeStringField(
                      "NextToken", StreamOperations.token(page.get(page.size() - 1).name()));
                }
              };
            });
  }

  /** The stream and consumer names a call gives by ConsumerARN, or by StreamARN and name. */
  static String[] consumerNames(ApiRequest r) {
    Optional<String> arn = r.text("ConsumerARN");
    if (arn.isPresent()) {
      return Arns.consumer(arn.get());
    }
    Optional<String> stream = r.text("StreamARN");
    Optional<String> name = r.text("ConsumerName");
    if (stream.isEmpty() || name.isEmpty()) {
      throw ApiException.invalidArgument(
          "Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
    }
    return new String[] {Arns.streamName(stream.get()), name.get()};
  }

  private static String streamArnOf(StreamConsumer c) {
    int at = c.arn().indexOf("/consumer/");
    return at > 0 ? c.arn().substring(0, at) : c.arn();
  }
}
