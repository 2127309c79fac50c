package io.kinesislite.reliability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries of {@link HostileRequest}s for {@code serve}: for every operation it serves
 * (and some it does not), a valid body with fields replaced, removed or added (values of the wrong
 * type, out of range, huge, of other streams), encoded as JSON or CBOR; bodies that are not JSON or
 * CBOR at all (random bytes, truncated documents, deep nesting, CBOR announcing huge lengths); and
 * random {@code X-Amz-Target}, {@code Content-Type}, {@code Content-Length} lies and extra headers.
 *
 * <p>Valid names (the stream, its ARN, a shard, a live iterator, a registered consumer) are given
 * at construction, so that many requests get past "not found" into the operations' checks.
 *
 * <p>Immutable once built; thread-safe.
 */
final class ServeRequests {
  static final String JSON_TYPE = "application/x-amz-json-1.1";
  static final String CBOR_TYPE = "application/x-amz-cbor-1.1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  /** Everything serve serves, plus operations it answers as unknown. */
  static final List<String> OPERATIONS =
      List.of(
          "CreateStream",
          "DeleteStream",
          "DescribeStream",
          "DescribeStreamSummary",
          "ListStreams",
          "ListShards",
          "SplitShard",
          "MergeShards",
          "UpdateShardCount",
          "IncreaseStreamRetentionPeriod",
          "DecreaseStreamRetentionPeriod",
          "DescribeLimits",
          "PutRecord",
          "PutRecords",
          "GetShardIterator",
          "GetRecords",
          "RegisterStreamConsumer",
          "DescribeStreamConsumer",
          "DeregisterStreamConsumer",
          "ListStreamConsumers",
          "SubscribeToShard",
          "AddTagsToStream",
          "UpdateStreamMode",
          "StartStreamEncryption");

  private static final List<String> FIELDS =
      List.of(
          "StreamName",
          "StreamARN",
          "StreamId",
          "ShardCount",
          "PartitionKey",
          "Data",
          "ExplicitHashKey",
          "SequenceNumberForOrdering",
          "Records",
          "ShardId",
          "ShardIteratorType",
          "StartingSequenceNumber",
          "Timestamp",
          "ShardIterator",
          "Limit",
          "NextToken",
          "MaxResults",
          "ExclusiveStartShardId",
          "ExclusiveStartStreamName",
          "ShardFilter",
          "Type",
          "ShardToSplit",
          "NewStartingHashKey",
          "ShardToMerge",
          "AdjacentShardToMerge",
          "TargetShardCount",
          "ScalingType",
          "RetentionPeriodHours",
          "ConsumerName",
          "ConsumerARN",
          "StartingPosition",
          "StreamModeDetails",
          "StreamMode",
          "EnforceConsumerDeletion");

  private final Names names;

  /** The names of things that exist on the server under test. */
  record Names(
      String stream,
      String streamArn,
      String shard,
      String iterator,
      String consumerArn,
      String sequenceNumber) {}

  ServeRequests(Names names) {
    this.names = names;
  }

  /** Every kind of request, mostly well framed with a well-formed but wrong body. */
  Arbitrary<HostileRequest> requests() {
    return Combinators.combine(
            Arbitraries.of(OPERATIONS),
            target(),
            contentType(),
            lengthLie(),
            extraHeaders(),
            body())
        .as(
            (operation, target, type, lie, headers, body) -> {
              String targetValue = target.replace("{op}", operation);
              byte[] bytes;
              String kind;
              if (body.template()) {
                Map<String, Object> fields = template(operation);
                body.mutation().apply(fields);
                boolean cbor = type != null && type.contains("cbor");
                bytes = encode(fields, cbor);
                kind = cbor ? "cbor" : "json";
              } else {
                bytes = body.raw();
                kind = body.kind();
              }
              return new HostileRequest(
                  target.equals("<none>") ? null : targetValue, type, lie, headers, bytes, kind);
            });
  }

  private static Arbitrary<String> target() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(75, Arbitraries.just("Kinesis_20131202.{op}")),
        net.jqwik.api.Tuple.of(3, Arbitraries.just("<none>")),
        net.jqwik.api.Tuple.of(3, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(3, Arbitraries.just("kinesis_20131202.{op}")),
        net.jqwik.api.Tuple.of(3, Arbitraries.just("DynamoDB_20120810.ListTables")),
        net.jqwik.api.Tuple.of(3, Arbitraries.just("Kinesis_20131202.")),
        net.jqwik.api.Tuple.of(
            5,
            Arbitraries.strings()
                .withCharRange(' ', '~')
                .ofMaxLength(40)
                .map(s -> "Kinesis_20131202." + s)),
        net.jqwik.api.Tuple.of(
            3, Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(30)),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.integers().between(1_000, 20_000).map(n -> "K".repeat(n))));
  }

  private static Arbitrary<String> contentType() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(45, Arbitraries.just(JSON_TYPE)),
        net.jqwik.api.Tuple.of(30, Arbitraries.just(CBOR_TYPE)),
        net.jqwik.api.Tuple.of(
            15,
            Arbitraries.of(
                "application/x-amz-json-1.0",
                "application/json",
                "application/cbor",
                "text/plain",
                "",
                JSON_TYPE + "; charset=utf-8",
                CBOR_TYPE + ";",
                "APPLICATION/X-AMZ-CBOR-1.1",
                "multipart/form-data; boundary=x")),
        net.jqwik.api.Tuple.of(5, Arbitraries.just((String) null)),
        net.jqwik.api.Tuple.of(5, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)));
  }

  private static Arbitrary<HostileRequest.LengthLie> lengthLie() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(80, Arbitraries.just(HostileRequest.LengthLie.TRUE)),
        net.jqwik.api.Tuple.of(20, Arbitraries.of(HostileRequest.LengthLie.class)));
  }

  private static Arbitrary<List<String>> extraHeaders() {
    Arbitrary<String> header =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Connection: close",
                "Connection: keep-alive",
                "Expect: 100-continue",
                "Transfer-Encoding: chunked",
                "Transfer-Encoding: gzip, chunked",
                "Content-Encoding: gzip",
                "Accept: application/cbor",
                "X-Amz-Date: 20990101T000000Z",
                "Authorization: AWS4-HMAC-SHA256 Credential=x/y, SignedHeaders=host, Signature=0",
                "X-Amz-Target: Kinesis_20131202.ListStreams",
                "Content-Type: application/x-amz-cbor-1.1",
                "Host: 127.0.0.1"),
            Combinators.combine(
                    Arbitraries.strings().withCharRange('A', 'z').ofMinLength(1).ofMaxLength(20),
                    Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60))
                .as((name, value) -> name + ": " + value));
    return header.list().ofMaxSize(3);
  }

  /** A body: an operation's valid template with a mutation, or raw bytes of some kind. */
  private record Body(boolean template, Mutation mutation, byte[] raw, String kind) {}

  private Arbitrary<Body> body() {
    Arbitrary<Body> templated = mutation().map(m -> new Body(true, m, null, null));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(75, templated), net.jqwik.api.Tuple.of(25, rawBody()));
  }

  /** Changes to a valid body: fields replaced by other values, removed, or added. */
  private record Mutation(Map<String, Object> replace, List<String> remove) {
    void apply(Map<String, Object> fields) {
      remove.forEach(fields::remove);
      fields.putAll(replace);
    }
  }

  private Arbitrary<Mutation> mutation() {
    Arbitrary<String> field =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, Arbitraries.of(FIELDS)),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.strings().withCharRange(' ', '\u00ff').ofMaxLength(12)));
    Arbitrary<Map<String, Object>> replace =
        Arbitraries.maps(field, value(0)).ofMaxSize(3).map(m -> new LinkedHashMap<>(m));
    return Combinators.combine(replace, Arbitraries.of(FIELDS).list().ofMaxSize(2))
        .as(Mutation::new);
  }

  /** Any JSON/CBOR value, nested at most two deep; many are names that exist on the server. */
  private Arbitrary<Object> value(int depth) {
    List<Arbitrary<Object>> kinds = new ArrayList<>();
    kinds.add(
        Arbitraries.<Object>of(
            names.stream(),
            names.streamArn(),
            names.shard(),
            names.iterator(),
            names.consumerArn(),
            names.sequenceNumber(),
            "nope",
            "arn:aws:kinesis:us-east-1:000000000000:stream/nope",
            "arn:aws:kinesis:us-east-1:000000000000:stream/" + names.stream() + "/consumer/x:1",
            "shardId-999999999999",
            "shardId-",
            "TRIM_HORIZON",
            "LATEST",
            "AT_SEQUENCE_NUMBER",
            "AFTER_SEQUENCE_NUMBER",
            "AT_TIMESTAMP",
            "AT_LATEST",
            "ON_DEMAND",
            "PROVISIONED",
            "UNIFORM_SCALING",
            "340282366920938463463374607431768211455",
            "340282366920938463463374607431768211456",
            "-1",
            "",
            "AAAA",
            "not base64!"));
    kinds.add(
        Arbitraries.strings()
            .withCharRange('\u0000', '\ud7ff')
            .withCharRange('\ue000', '\uffff')
            .ofMaxLength(40)
            .map(s -> s));
    kinds.add(Arbitraries.longs().map(n -> n));
    kinds.add(Arbitraries.integers().between(-3, 600).map(n -> n));
    kinds.add(
        Arbitraries.bigIntegers()
            .between(java.math.BigInteger.TEN.pow(40).negate(), java.math.BigInteger.TEN.pow(40))
            .map(n -> n));
    kinds.add(Arbitraries.doubles().withSpecialValue(Double.NaN).map(d -> d));
    kinds.add(Arbitraries.of(true, false).map(b -> b));
    kinds.add(Arbitraries.just(NullNode.getInstance()).map(n -> n));
    kinds.add(Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> b));
    kinds.add(Arbitraries.integers().between(0, 200_000).map(n -> (Object) "A".repeat(n)));
    if (depth < 2) {
      kinds.add(value(depth + 1).list().ofMaxSize(4).map(l -> l));
      kinds.add(
          Arbitraries.maps(Arbitraries.of(FIELDS), value(depth + 1))
              .ofMaxSize(4)
              .map(m -> (Object) m));
    }
    return Arbitraries.oneOf(kinds);
  }

  private static Arbitrary<Body> rawBody() {
    return Arbitraries.oneOf(
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(2_000)
            .map(b -> new Body(false, null, b, "random bytes")),
        Arbitraries.integers()
            .between(1, 5_000)
            .map(n -> new Body(false, null, ascii("[".repeat(n)), "deep JSON nesting")),
        Arbitraries.integers()
            .between(1, 5_000)
            .map(n -> new Body(false, null, deepCbor(n), "deep CBOR nesting")),
        Arbitraries.of(
                "{}",
                "[]",
                "null",
                "\"x\"",
                "1e999999",
                "{\"StreamName\":\"a\",\"StreamName\":{}}",
                "{\"Limit\":99999999999999999999999999999}",
                "{\"StreamName\":\"\\ud800\"}",
                "{\"StreamName\":\"a\"",
                "{\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"k\"}",
                "{'StreamName':'single quotes'}",
                "{\"StreamName\":NaN}",
                "\uFEFF{}",
                "{\"a\":1}garbage")
            .map(s -> new Body(false, null, s.getBytes(StandardCharsets.UTF_8), "broken JSON")),
        Arbitraries.of(
                new byte[] {(byte) 0xbf, 0x61, 0x41},
                new byte[] {(byte) 0x5b, 0x7f, -1, -1, -1, -1, -1, -1, -1},
                new byte[] {(byte) 0xa1, 0x7b, 0x7f, -1, -1, -1, -1, -1, -1, -1, 0x00},
                new byte[] {(byte) 0x9b, 0x7f, -1, -1, -1, -1, -1, -1, -1},
                new byte[] {(byte) 0xbb, 0x7f, -1, -1, -1, -1, -1, -1, -1},
                new byte[] {(byte) 0xa1, 0x61, 0x41, (byte) 0xc1, 0x1b, 0x7f, -1, -1, -1, -1},
                new byte[] {(byte) 0xa1, 0x61, 0x41, (byte) 0xfb, 0x7f, (byte) 0xf8, 0, 0},
                new byte[] {(byte) 0xff},
                new byte[] {(byte) 0xa1, (byte) 0xf7, (byte) 0xf7},
                new byte[] {(byte) 0xa1, 0x60, (byte) 0xd9, (byte) 0xd9, (byte) 0xf7, 0x01})
            .map(b -> new Body(false, null, b, "broken CBOR")),
        Arbitraries.just(new Body(false, null, new byte[0], "empty")));
  }

  /** A valid body for {@code operation}, or {@code {}} for one without a template. */
  private Map<String, Object> template(String operation) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (operation) {
      case "CreateStream" -> {
        m.put("StreamName", "fuzz-created");
        m.put("ShardCount", 1);
      }
      case "PutRecord" -> {
        m.put("StreamName", names.stream());
        m.put("PartitionKey", "k");
        m.put("Data", new byte[] {1, 2, 3});
      }
      case "PutRecords" -> {
        m.put("StreamName", names.stream());
        m.put(
            "Records",
            List.of(
                Map.of("PartitionKey", "a", "Data", new byte[] {1}),
                Map.of("PartitionKey", "b", "Data", new byte[] {2}, "ExplicitHashKey", "7")));
      }
      case "GetShardIterator" -> {
        m.put("StreamName", names.stream());
        m.put("ShardId", names.shard());
        m.put("ShardIteratorType", "AT_SEQUENCE_NUMBER");
        m.put("StartingSequenceNumber", names.sequenceNumber());
      }
      case "GetRecords" -> {
        m.put("ShardIterator", names.iterator());
        m.put("Limit", 10);
      }
      case "ListShards" -> {
        m.put("StreamName", names.stream());
        m.put("ShardFilter", Map.of("Type", "AT_TRIM_HORIZON"));
      }
      case "SplitShard" -> {
        m.put("StreamName", names.stream());
        m.put("ShardToSplit", names.shard());
        m.put("NewStartingHashKey", "1");
      }
      case "MergeShards" -> {
        m.put("StreamName", names.stream());
        m.put("ShardToMerge", names.shard());
        m.put("AdjacentShardToMerge", "shardId-000000000001");
      }
      case "UpdateShardCount" -> {
        m.put("StreamName", names.stream());
        m.put("TargetShardCount", 3);
        m.put("ScalingType", "UNIFORM_SCALING");
      }
      case "IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod" -> {
        m.put("StreamName", names.stream());
        m.put("RetentionPeriodHours", 24);
      }
      case "RegisterStreamConsumer", "DescribeStreamConsumer", "DeregisterStreamConsumer" -> {
        m.put("StreamARN", names.streamArn());
        m.put("ConsumerName", "fuzz-consumer-2");
      }
      case "ListStreamConsumers" -> m.put("StreamARN", names.streamArn());
      case "SubscribeToShard" -> {
        m.put("ConsumerARN", names.consumerArn());
        m.put("ShardId", names.shard());
        m.put("StartingPosition", Map.of("Type", "LATEST"));
      }
      case "ListStreams", "DescribeLimits" -> m.put("Limit", 5);
      case "DeleteStream" -> m.put("StreamName", "fuzz-created");
      default -> m.put("StreamName", names.stream());
    }
    return m;
  }

  private static byte[] encode(Map<String, Object> fields, boolean cbor) {
    try {
      return (cbor ? CBOR : JSON).writeValueAsBytes(fields);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode a fuzz body " + fields.keySet(), e);
    }
  }

  private static byte[] deepCbor(int depth) {
    byte[] b = new byte[depth];
    java.util.Arrays.fill(b, (byte) 0x81); // an array of one element, nested depth times
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
