package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kinesislite.transport.ChildShard;
import io.kinesislite.transport.HashKeyRange;
import io.kinesislite.transport.Shard;
import io.kinesislite.transport.StreamConsumer;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.StreamRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Writes the structures Kinesis answers share: shards, records, consumers. Thread-safe. */
final class Shapes {
  private Shapes() {}

  static void shard(JsonGenerator g, Shard s) throws IOException {
    g.writeStartObject();
    g.writeStringField("ShardId", s.shardId());
    if (s.parentShardId().isPresent()) {
      g.writeStringField("ParentShardId", s.parentShardId().get());
    }
    if (s.adjacentParentShardId().isPresent()) {
      g.writeStringField("AdjacentParentShardId", s.adjacentParentShardId().get());
    }
    hashKeyRange(g, s.hashKeyRange());
    g.writeObjectFieldStart("SequenceNumberRange");
    g.writeStringField("StartingSequenceNumber", s.startingSequenceNumber());
    if (s.endingSequenceNumber().isPresent()) {
      g.writeStringField("EndingSequenceNumber", s.endingSequenceNumber().get());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static void shards(JsonGenerator g, String field, List<Shard> shards) throws IOException {
    g.writeArrayFieldStart(field);
    for (Shard s : shards) {
      shard(g, s);
    }
    g.writeEndArray();
  }

  static void hashKeyRange(JsonGenerator g, HashKeyRange range) throws IOException {
    g.writeObjectFieldStart("HashKeyRange");
    g.writeStringField("StartingHashKey", range.start().toString());
    g.writeStringField("EndingHashKey", range.end().toString());
    g.writeEndObject();
  }

  static void records(JsonGenerator g, Wire wire, List<StreamRecord> records) throws IOException {
    g.writeArrayFieldStart("Records");
    for (StreamRecord r : records) {
      g.writeStartObject();
      g.writeStringField("SequenceNumber", r.sequenceNumber());
      wire.writeTimestamp(g, "ApproximateArrivalTimestamp", r.arrivalTime());
      g.writeFieldName("Data");
      ByteBuffer data = r.data();
      if (data.hasArray()) {
        g.writeBinary(data.array(), data.arrayOffset() + data.position(), data.remaining());
      } else {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        g.writeBinary(copy);
      }
      g.writeStringField("PartitionKey", r.partitionKey());
      if (r.explicitHashKey().isPresent()) {
        g.writeStringField("ExplicitHashKey", r.explicitHashKey().get());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void childShards(JsonGenerator g, List<ChildShard> children) throws IOException {
    g.writeArrayFieldStart("ChildShards");
    for (ChildShard c : children) {
      g.writeStartObject();
      g.writeStringField("ShardId", c.shardId());
      g.writeArrayFieldStart("ParentShards");
      for (String p : c.parentShards()) {
        g.writeString(p);
      }
      g.writeEndArray();
      hashKeyRange(g, c.hashKeyRange());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void consumer(JsonGenerator g, Wire wire, StreamConsumer c, String streamArn)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("ConsumerName", c.name());
    g.writeStringField("ConsumerARN", c.arn());
    g.writeStringField("ConsumerStatus", c.status().name());
    wire.writeTimestamp(g, "ConsumerCreationTimestamp", c.createdAt());
    if (streamArn != null) {
      g.writeStringField("StreamARN", streamArn);
    }
    g.writeEndObject();
  }

  static void streamHeader(JsonGenerator g, Wire wire, StreamDescription d) throws IOException {
    g.writeStringField("StreamName", d.name());
    g.writeStringField("StreamARN", d.arn());
    g.writeStringField("StreamStatus", d.status().name());
    g.writeObjectFieldStart("StreamModeDetails");
    g.writeStringField("StreamMode", d.mode().name());
    g.writeEndObject();
    g.writeNumberField("RetentionPeriodHours", d.retention().toHours());
    wire.writeTimestamp(g, "StreamCreationTimestamp", d.createdAt());
    g.writeArrayFieldStart("EnhancedMonitoring");
    g.writeStartObject();
    g.writeArrayFieldStart("ShardLevelMetrics");
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
    g.writeStringField("EncryptionType", "NONE");
  }
}
