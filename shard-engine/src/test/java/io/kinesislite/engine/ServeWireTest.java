package io.kinesislite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code serve} puts on the wire, seen from a plain HTTP client: the JSON and CBOR encodings
 * of the same calls, stream ARNs in place of names, errors as Kinesis sends them, and the health
 * endpoints.
 */
class ServeWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private KinesisServer server;

  @BeforeEach
  void start() {
    server = KinesisServer.start(ServerConfig.builder().port(0).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void jsonCallsCarryDataInBase64AndTimestampsInEpochSeconds() throws Exception {
    call("CreateStream", json().put("StreamName", "s").put("ShardCount", 1), false);
    JsonNode put =
        call(
            "PutRecord",
            json()
                .put("StreamName", "s")
                .put("PartitionKey", "k")
                .put("Data", Base64.getEncoder().encodeToString("hello".getBytes())),
            false);
    assertThat(put.path("ShardId").asText()).isEqualTo("shardId-000000000000");
    JsonNode iterator =
        call(
            "GetShardIterator",
            json()
                .put("StreamName", "s")
                .put("ShardId", "shardId-000000000000")
                .put("ShardIteratorType", "TRIM_HORIZON"),
            false);
    JsonNode records =
        call(
            "GetRecords",
            json().put("ShardIterator", iterator.path("ShardIterator").asText()),
            false);
    JsonNode record = records.path("Records").get(0);
    assertThat(Base64.getDecoder().decode(record.path("Data").asText()))
        .asString()
        .isEqualTo("hello");
    assertThat(record.path("SequenceNumber").asText())
        .isEqualTo(put.path("SequenceNumber").asText());
    double arrival = record.path("ApproximateArrivalTimestamp").asDouble();
    assertThat(arrival)
        .isBetween(
            System.currentTimeMillis() / 1000.0 - 60, System.currentTimeMillis() / 1000.0 + 60);
  }

  @Test
  void cborCallsCarryDataAsByteStrings() throws Exception {
    call("CreateStream", json().put("StreamName", "c").put("ShardCount", 1), true);
    ObjectNode put = json().put("StreamName", "c").put("PartitionKey", "k");
    put.put("Data", new byte[] {0, (byte) 0xff, 7});
    call("PutRecord", put, true);
    JsonNode iterator =
        call(
            "GetShardIterator",
            json()
                .put("StreamName", "c")
                .put("ShardId", "shardId-000000000000")
                .put("ShardIteratorType", "TRIM_HORIZON"),
            true);
    JsonNode records =
        call(
            "GetRecords",
            json().put("ShardIterator", iterator.path("ShardIterator").asText()),
            true);
    JsonNode data = records.path("Records").get(0).path("Data");
    assertThat(data.isBinary()).isTrue();
    assertThat(data.binaryValue()).containsExactly(0, 0xff, 7);
  }

  @Test
  void aStreamArnNamesTheStreamWhereTheApiAcceptsOne() throws Exception {
    call("CreateStream", json().put("StreamName", "by-arn").put("ShardCount", 2), false);
    String arn =
        call("DescribeStreamSummary", json().put("StreamName", "by-arn"), false)
            .path("StreamDescriptionSummary")
            .path("StreamARN")
            .asText();
    assertThat(arn).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/by-arn");
    JsonNode shards = call("ListShards", json().put("StreamARN", arn), false);
    assertThat(shards.path("Shards")).hasSize(2);
    JsonNode put =
        call(
            "PutRecord",
            json()
                .put("StreamARN", arn)
                .put("PartitionKey", "k")
                .put("Data", Base64.getEncoder().encodeToString(new byte[] {1})),
            false);
    assertThat(put.path("SequenceNumber").asText()).isNotEmpty();
  }

  @Test
  void listShardsPagesWithANextToken() throws Exception {
    call("CreateStream", json().put("StreamName", "p").put("ShardCount", 5), false);
    JsonNode first = call("ListShards", json().put("StreamName", "p").put("MaxResults", 2), false);
    assertThat(first.path("Shards")).hasSize(2);
    String token = first.path("NextToken").asText();
    JsonNode second =
        call("ListShards", json().put("NextToken", token).put("MaxResults", 3), false);
    assertThat(second.path("Shards")).hasSize(3);
    assertThat(second.path("NextToken").isMissingNode()).isTrue();
    assertThat(second.path("Shards").get(0).path("ShardId").asText())
        .isEqualTo("shardId-000000000002");
  }

  @Test
  void atTrimHorizonListsAYoungStreamsFirstShardsAndNotTheirChildren() throws Exception {
    // What the KCL asks for on an empty lease table with TRIM_HORIZON as its initial position.
    call("CreateStream", json().put("StreamName", "th").put("ShardCount", 2), false);
    call(
        "SplitShard",
        json()
            .put("StreamName", "th")
            .put("ShardToSplit", "shardId-000000000000")
            .put("NewStartingHashKey", "1000"),
        false);
    ObjectNode request = json().put("StreamName", "th");
    request.putObject("ShardFilter").put("Type", "AT_TRIM_HORIZON");
    JsonNode shards = call("ListShards", request, false).path("Shards");
    assertThat(shards)
        .extracting(s -> s.path("ShardId").asText())
        .containsExactly("shardId-000000000000", "shardId-000000000001");
  }

  @Test
  void errorsCarryTheKinesisTypeMessageAndStatus() throws Exception {
    HttpResponse<byte[]> missing =
        raw(
            "DescribeStreamSummary",
            JSON.writeValueAsBytes(json().put("StreamName", "nope")),
            false);
    assertThat(missing.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(missing.body());
    assertThat(body.path("__type").asText()).isEqualTo("ResourceNotFoundException");
    assertThat(body.path("message").asText()).contains("nope");
    assertThat(missing.headers().firstValue("x-amzn-ErrorType"))
        .hasValue("ResourceNotFoundException");

    HttpResponse<byte[]> unknown = raw("NoSuchThing", "{}".getBytes(), false);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(unknown.body()).path("__type").asText())
        .isEqualTo("UnknownOperationException");

    HttpResponse<byte[]> garbage = raw("ListStreams", "{not json".getBytes(), false);
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(garbage.body()).path("__type").asText())
        .isEqualTo("SerializationException");

    HttpResponse<byte[]> noKey =
        raw(
            "PutRecord",
            JSON.writeValueAsBytes(json().put("StreamName", "x").put("Data", "AA==")),
            false);
    assertThat(JSON.readTree(noKey.body()).path("__type").asText())
        .isEqualTo("ValidationException");
  }

  @Test
  void healthAndReadinessAnswerGet() throws Exception {
    for (String path : new String[] {"/health", "/ready"}) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
  }

  private static ObjectNode json() {
    return JSON.createObjectNode();
  }

  private JsonNode call(String operation, ObjectNode body, boolean cbor) throws Exception {
    HttpResponse<byte[]> response =
        raw(operation, (cbor ? CBOR : JSON).writeValueAsBytes(body), cbor);
    assertThat(response.statusCode())
        .as("%s answered %s", operation, new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue(cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
    return (cbor ? CBOR : JSON).readTree(response.body());
  }

  private HttpResponse<byte[]> raw(String operation, byte[] body, boolean cbor) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.endpoint())
            .header(
                "Content-Type", cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1")
            .header("X-Amz-Target", "Kinesis_20131202." + operation)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
