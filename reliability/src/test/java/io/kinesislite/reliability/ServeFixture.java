package io.kinesislite.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sets up what the fuzz campaign's requests refer to on a {@code serve} under test: a stream of two
 * shards with a record in it, a live shard iterator and a registered fan-out consumer, all through
 * plain JSON calls over {@link SocketExchange}. Stateless; thread-safe.
 */
final class ServeFixture {
  static final String STREAM = "fuzz";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServeFixture() {}

  /** Creates the stream, a record, an iterator and a consumer; returns their names. */
  static ServeRequests.Names prepare(int port) throws IOException {
    call(port, "CreateStream", "{\"StreamName\":\"" + STREAM + "\",\"ShardCount\":2}");
    String arn =
        call(port, "DescribeStreamSummary", "{\"StreamName\":\"" + STREAM + "\"}")
            .path("StreamDescriptionSummary")
            .path("StreamARN")
            .asText();
    String shard = "shardId-000000000000";
    String sequence =
        call(
                port,
                "PutRecord",
                "{\"StreamName\":\""
                    + STREAM
                    + "\",\"PartitionKey\":\"k\",\"Data\":\"AA==\",\"ExplicitHashKey\":\"0\"}")
            .path("SequenceNumber")
            .asText();
    String iterator =
        call(
                port,
                "GetShardIterator",
                "{\"StreamName\":\""
                    + STREAM
                    + "\",\"ShardId\":\""
                    + shard
                    + "\",\"ShardIteratorType\":\"TRIM_HORIZON\"}")
            .path("ShardIterator")
            .asText();
    String consumer =
        call(
                port,
                "RegisterStreamConsumer",
                "{\"StreamARN\":\"" + arn + "\",\"ConsumerName\":\"fuzz-consumer\"}")
            .path("Consumer")
            .path("ConsumerARN")
            .asText();
    return new ServeRequests.Names(STREAM, arn, shard, iterator, consumer, sequence);
  }

  /** A valid PutRecord body for the fixture's stream. */
  static String putBody(ServeRequests.Names names) {
    return "{\"StreamName\":\"" + names.stream() + "\",\"PartitionKey\":\"k\",\"Data\":\"AQID\"}";
  }

  /**
   * Makes a JSON call and returns the answer's body.
   *
   * @throws IOException if the call is not answered with 200
   */
  static JsonNode call(int port, String operation, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    HostileRequest request =
        new HostileRequest(
            "Kinesis_20131202." + operation,
            ServeRequests.JSON_TYPE,
            HostileRequest.LengthLie.TRUE,
            java.util.List.of(),
            body,
            "json");
    SocketExchange.Outcome o =
        SocketExchange.exchange(port, request.bytes(), Duration.ofSeconds(10));
    if (o.kind() != SocketExchange.Outcome.Kind.ANSWERED || o.status() != 200) {
      throw new IOException(operation + " failed: " + o);
    }
    return JSON.readTree(o.body());
  }
}
