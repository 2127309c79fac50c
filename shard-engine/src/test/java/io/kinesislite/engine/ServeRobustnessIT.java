package io.kinesislite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kinesislite.testkit.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feeds {@code serve} what a careless or hostile client sends: bodies that do not parse, unknown
 * and missing targets, fields missing or out of range, bodies over the size limit, requests that
 * are not HTTP, clients that stall or vanish halfway, and thousands of garbage requests. Each must
 * get the error Kinesis would answer, or a closed connection, and none may stop the server from
 * serving everyone else or leave a connection open behind it.
 */
class ServeRobustnessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final String JSON_TYPE = "application/x-amz-json-1.1";
  private static final String CBOR_TYPE = "application/x-amz-cbor-1.1";
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final int GARBAGE_REQUESTS = 2_000;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private KinesisServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        KinesisServer.start(
            ServerConfig.builder().port(0).maxRequestBytes(MAX_REQUEST_BYTES).build());
    assertThat(post("CreateStream", "{\"StreamName\":\"s\",\"ShardCount\":1}").statusCode())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBodyThatIsNotJsonIsASerializationException() throws Exception {
    HttpResponse<byte[]> answer = post("ListStreams", "{\"Limit\": 5,");
    assertError(answer, 400, "SerializationException");
  }

  @Test
  void aBodyThatIsNotCborIsASerializationExceptionInCbor() throws Exception {
    byte[] truncatedMap = {(byte) 0xbf, 0x61, 0x41}; // an indefinite map, a key, then nothing
    HttpResponse<byte[]> answer = send(request("ListStreams", CBOR_TYPE, truncatedMap));
    assertThat(answer.headers().firstValue("Content-Type")).hasValue(CBOR_TYPE);
    JsonNode body = CBOR.readTree(answer.body());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(body.path("__type").asText()).isEqualTo("SerializationException");
    assertThat(body.path("message").asText()).isNotBlank();
  }

  @Test
  void anUnknownOrMissingTargetIsRejectedWith400() throws Exception {
    assertError(post("NoSuchOperation", "{}"), 400, "UnknownOperationException");
    HttpResponse<byte[]> otherService =
        send(
            HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", JSON_TYPE)
                .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertError(otherService, 400, "UnknownOperationException");
    HttpResponse<byte[]> noTarget =
        send(
            HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", JSON_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertError(noTarget, 400, "UnknownOperationException");
  }

  @Test
  void missingOrInvalidFieldsAreValidationErrorsWithTypeAndMessage() throws Exception {
    Map<String, String[]> cases = new TreeMap<>();
    cases.put(
        "a stream name with spaces",
        new String[] {"CreateStream", "{\"StreamName\":\"bad name!\",\"ShardCount\":1}"});
    cases.put("no shard count", new String[] {"CreateStream", "{\"StreamName\":\"t\"}"});
    cases.put(
        "zero shards", new String[] {"CreateStream", "{\"StreamName\":\"t\",\"ShardCount\":0}"});
    cases.put(
        "no partition key", new String[] {"PutRecord", "{\"StreamName\":\"s\",\"Data\":\"AA==\"}"});
    cases.put(
        "no data", new String[] {"PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\"}"});
    cases.put(
        "no stream", new String[] {"PutRecord", "{\"PartitionKey\":\"k\",\"Data\":\"AA==\"}"});
    cases.put(
        "an empty put-many", new String[] {"PutRecords", "{\"StreamName\":\"s\",\"Records\":[]}"});
    cases.put(
        "an unknown iterator type",
        new String[] {
          "GetShardIterator",
          "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"SOON\"}"
        });
    cases.put("no iterator", new String[] {"GetRecords", "{}"});
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      HttpResponse<byte[]> answer = post(c.getValue()[0], c.getValue()[1]);
      JsonNode body = JSON.readTree(answer.body());
      assertThat(answer.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(body.path("__type").asText())
          .as("%s: %s", c.getKey(), body)
          .isIn("ValidationException", "InvalidArgumentException");
      assertThat(body.path("message").asText()).as(c.getKey()).isNotBlank();
    }
    assertError(
        post("PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"not base64!\"}"),
        400,
        "SerializationException");
  }

  @Test
  void anUnknownStreamIsResourceNotFound() throws Exception {
    assertError(
        post("DescribeStreamSummary", "{\"StreamName\":\"nope\"}"),
        400,
        "ResourceNotFoundException");
    assertError(post("ListShards", "{\"StreamName\":\"nope\"}"), 400, "ResourceNotFoundException");
    assertError(
        post("PutRecord", "{\"StreamName\":\"nope\",\"PartitionKey\":\"k\",\"Data\":\"AA==\"}"),
        400,
        "ResourceNotFoundException");
  }

  @Test
  void aBodyOverTheLimitIs413AndTheServerServesOn() throws Exception {
    byte[] big = new byte[MAX_REQUEST_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    assertError(send(request("ListStreams", JSON_TYPE, big)), 413, "ValidationException");

    // Announced but not sent: the server answers from the Content-Length, without waiting.
    try (Socket socket = RawHttp.connect(server.port())) {
      socket.getOutputStream().write(RawHttp.head("PutRecord", CBOR_TYPE, 1L << 30));
      RawHttp.Response answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(413);
      // Typed like every other error, in the request's wire format, so that clients can tell it.
      assertThat(answer.headers().get("content-type")).isEqualTo(CBOR_TYPE);
      assertThat(CBOR.readTree(answer.body()).path("__type").asText())
          .isEqualTo("ValidationException");
      assertThat(CBOR.readTree(answer.body()).path("message").asText()).contains("maxRequestBytes");
    }
    // The same when the client asks to be told before it sends the body.
    try (Socket socket = RawHttp.connect(server.port())) {
      String head =
          new String(RawHttp.head("PutRecord", JSON_TYPE, 1L << 30), StandardCharsets.ISO_8859_1);
      socket
          .getOutputStream()
          .write(
              head.replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(413);
      assertThat(JSON.readTree(answer.body()).path("__type").asText())
          .isEqualTo("ValidationException");
    }
    assertThat(post("ListStreams", "{}").statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestThatIsNotValidHttpIs400AndItsConnectionIsClosed() throws Exception {
    String[] broken = {
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
      "NOT HTTP AT ALL\r\n\r\n"
    };
    byte[] good = RawHttp.call("ListStreams", "{}");
    for (String request : broken) {
      try (Socket socket = RawHttp.connect(server.port())) {
        // A good call behind the broken one on the same connection must not be left hanging.
        socket
            .getOutputStream()
            .write(RawHttp.concat(request.getBytes(StandardCharsets.ISO_8859_1), good));
        InputStream in = socket.getInputStream();
        RawHttp.Response answer = RawHttp.read(in);
        assertThat(answer.status()).as(request).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("__type").asText()).isNotBlank();
        assertThat(in.read()).as("the connection is closed after %s", request).isEqualTo(-1);
      }
    }
    assertThat(post("ListStreams", "{}").statusCode()).isEqualTo(200);
  }

  @Test
  void clientsThatStallOrVanishHalfwayDoNotHoldUpOthers() throws Exception {
    byte[] body =
        "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"AAAA\"}"
            .getBytes(StandardCharsets.UTF_8);
    try (Socket stalled = RawHttp.connect(server.port())) {
      OutputStream out = stalled.getOutputStream();
      out.write(RawHttp.head("PutRecord", JSON_TYPE, body.length));
      out.write(body, 0, body.length / 2);
      out.flush();
      for (int i = 0; i < 20; i++) {
        assertThat(post("ListStreams", "{}").statusCode()).isEqualTo(200);
      }

      Set<Integer> vanished = new HashSet<>();
      for (boolean reset : new boolean[] {true, false}) {
        Socket gone = RawHttp.connect(server.port());
        vanished.add(gone.getLocalPort());
        gone.getOutputStream().write(RawHttp.head("PutRecords", JSON_TYPE, 50_000));
        gone.getOutputStream().write(new byte[1_000]);
        if (reset) {
          gone.setSoLinger(true, 0); // close with a reset instead of a FIN
        }
        gone.close();
      }
      for (int i = 0; i < 20; i++) {
        assertThat(post("ListStreams", "{}").statusCode()).isEqualTo(200);
      }
      Eventually.within(
          Duration.ofSeconds(10),
          "the server closed the connections of the clients that vanished",
          () -> RawHttp.heldByServer(server.port(), vanished) == 0);

      // The stalled client finally sends the rest and is answered as if nothing happened.
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      RawHttp.Response answer = RawHttp.read(stalled.getInputStream());
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()).path("SequenceNumber").asText()).isNotEmpty();
    }
  }

  @Test
  void twoThousandGarbageRequestsLeaveNoConnectionOpenAndTheServerServesOn() throws Exception {
    long seed = Long.getLong("kinesislite.garbage.seed", System.nanoTime()); // to replay a failure
    GarbageRequests garbage = new GarbageRequests(seed);
    Map<Integer, Integer> statuses = new TreeMap<>(); // 0: closed without an HTTP/1.1 answer
    Set<Integer> clientPorts = new HashSet<>();
    int unanswered = 0;
    for (int i = 0; i < GARBAGE_REQUESTS; i++) {
      try (Socket socket = RawHttp.connect(server.port())) {
        clientPorts.add(socket.getLocalPort());
        try {
          socket.getOutputStream().write(garbage.next());
          socket.shutdownOutput();
        } catch (IOException e) {
          // the server may close on the first bad bytes, before all were written
        }
        try {
          byte[] answer = socket.getInputStream().readAllBytes();
          statuses.merge(status(answer), 1, Integer::sum);
        } catch (SocketTimeoutException e) {
          unanswered++;
        } catch (IOException e) {
          statuses.merge(0, 1, Integer::sum); // reset by the server
        }
      }
    }
    System.out.printf(
        "ServeRobustnessIT: %d garbage requests (seed %d): answers by status %s, %d never closed%n",
        GARBAGE_REQUESTS, seed, statuses, unanswered);
    assertThat(unanswered)
        .as("connections the server neither answered nor closed (seed %d)", seed)
        .isZero();
    assertThat(statuses.keySet())
        .as("no garbage makes the server fail inside (seed %d)", seed)
        .allMatch(status -> status < 500);
    Eventually.within(
        Duration.ofSeconds(10),
        "the server holds none of the garbage connections open",
        () -> RawHttp.heldByServer(server.port(), clientPorts) == 0,
        () -> RawHttp.heldByServer(server.port(), clientPorts) + " still open");
    assertThat(post("ListStreams", "{}").statusCode()).isEqualTo(200);
    assertThat(
            post("PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"AA==\"}")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void healthAndReadinessAnswer200() throws Exception {
    for (String path : new String[] {"/health", "/ready"}) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
    }
  }

  /** The status of the first HTTP/1.1 answer in {@code bytes}; 0 if there is none. */
  private static int status(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 12), StandardCharsets.ISO_8859_1);
    return text.startsWith("HTTP/1.1 ") && text.length() == 12
        ? Integer.parseInt(text.substring(9, 12))
        : 0;
  }

  private void assertError(HttpResponse<byte[]> answer, int status, String type)
      throws IOException {
    JsonNode body = JSON.readTree(answer.body());
    assertThat(answer.statusCode()).as("status of %s", body).isEqualTo(status);
    assertThat(body.path("__type").asText()).isEqualTo(type);
    assertThat(body.path("message").asText()).isNotBlank();
    assertThat(answer.headers().firstValue("x-amzn-ErrorType")).hasValue(type);
  }

  private HttpResponse<byte[]> post(String operation, String json) throws Exception {
    return send(request(operation, JSON_TYPE, json.getBytes(StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String operation, String contentType, byte[] body) {
    return HttpRequest.newBuilder(server.endpoint())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .header("X-Amz-Target", "Kinesis_20131202." + operation)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
