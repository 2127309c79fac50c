package io.kinesislite.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Puts {@link AwsSdkTransport} in front of a scripted HTTP stub, to count what it sends: what the
 * SDK retries, how pages are requested, when a call gives up. The stub speaks the Kinesis JSON 1.1
 * protocol, so CBOR is switched off for this class.
 */
class AwsSdkTransportStubTest {
  private static final String PTE =
      "{\"__type\":\"ProvisionedThroughputExceededException\",\"message\":\"Rate exceeded\"}";

  private static String previousCbor;
  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Answer> script = r -> new Answer(200, "{}");
  private KinesisTransport transport;

  record Request(String target, String body) {}

  record Answer(int status, String body) {
    static final Answer DROP = new Answer(-1, "");
  }

  @BeforeAll
  static void jsonProtocol() {
    previousCbor = System.setProperty("aws.cborEnabled", "false");
  }

  @AfterAll
  static void restoreProtocol() {
    if (previousCbor == null) {
      System.clearProperty("aws.cborEnabled");
    } else {
      System.setProperty("aws.cborEnabled", previousCbor);
    }
  }

  void start(Duration callTimeout) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", this::handle);
    server.start();
    transport =
        Transports.open(
            TransportConfig.builder()
                .selection("http://127.0.0.1:" + server.getAddress().getPort())
                .callTimeout(callTimeout)
                .connectTimeout(Duration.ofMillis(500))
                .build());
  }

  private void handle(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Request request = new Request(target.substring(target.indexOf('.') + 1), body);
    requests.add(request);
    Answer answer = script.apply(request);
    if (answer == Answer.DROP) {
      // Took the request, then the connection dies before an answer: the handler throws and the
      // server closes the connection.
      throw new IOException("dropping the connection on purpose");
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @AfterEach
  void stop() {
    if (transport != null) {
      transport.close();
    }
    if (server != null) {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  @Test
  void throttlingReachesTheCallerAfterOneRequest() throws IOException {
    start(Duration.ofSeconds(10));
    script = r -> new Answer(400, PTE);
    Throwable failure = failure(transport.putRecord("s", PutEntry.of("k", new byte[] {1})));
    assertThat(failure).isInstanceOf(ThrottledException.class);
    assertThat(((ThrottledException) failure).errorCode())
        .contains("ProvisionedThroughputExceededException");
    assertThat(requests).hasSize(1);
  }

  @Test
  void serviceFailuresReachTheCallerAfterOneRequest() throws IOException {
    start(Duration.ofSeconds(10));
    script = r -> new Answer(500, "{\"__type\":\"InternalFailure\",\"message\":\"oops\"}");
    assertThat(failure(transport.putRecords("s", List.of(PutEntry.of("k", new byte[] {1})))))
        .isInstanceOf(ServiceFailureException.class);
    assertThat(requests).hasSize(1);
  }

  @Test
  void aPutWhoseConnectionDiesAfterSendingIsNotRepeated() throws IOException {
    start(Duration.ofSeconds(10));
    script = r -> Answer.DROP;
    Throwable failure = failure(transport.putRecord("s", PutEntry.of("k", new byte[] {1})));
    assertThat(failure).isInstanceOf(TransportIoException.class);
    assertThat(requests).as("a retry could write the record twice").hasSize(1);
  }

  @Test
  void listShardsFollowsEveryPageWithTheTokenAlone() throws IOException {
    start(Duration.ofSeconds(10));
    script =
        r -> {
          if (!r.body().contains("NextToken")) {
            return new Answer(200, "{\"Shards\":[" + shard(0) + "],\"NextToken\":\"t1\"}");
          }
          if (r.body().contains("\"t1\"")) {
            return new Answer(200, "{\"Shards\":[],\"NextToken\":\"t2\"}"); // empty, not last
          }
          return new Answer(200, "{\"Shards\":[" + shard(1) + "]}");
        };
    List<Shard> shards = await(transport.listShards("s", ShardFilter.atLatest()));
    assertThat(shards)
        .extracting(Shard::shardId)
        .containsExactly("shardId-000000000000", "shardId-000000000001");
    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).body()).contains("\"StreamName\":\"s\"").contains("AT_LATEST");
    for (Request next : requests.subList(1, 3)) {
      assertThat(next.body()).contains("NextToken").doesNotContain("StreamName");
    }
  }

  @Test
  void listStreamsFollowsEveryPage() throws IOException {
    start(Duration.ofSeconds(10));
    script =
        r ->
            r.body().contains("NextToken")
                ? new Answer(200, "{\"StreamNames\":[\"c\"],\"HasMoreStreams\":false}")
                : new Answer(
                    200,
                    "{\"StreamNames\":[\"a\",\"b\"],\"HasMoreStreams\":true,\"NextToken\":\"n\"}");
    assertThat(await(transport.listStreams())).containsExactly("a", "b", "c");
    assertThat(requests).hasSize(2);
  }

  @Test
  void aCallOfManyRequestsStillEndsWithinTheCallTimeout() throws IOException {
    start(Duration.ofSeconds(3));
    // Connect and warm up first, so that a loaded machine still fits many pages in the timeout.
    script = r -> new Answer(200, "{\"StreamNames\":[],\"HasMoreStreams\":false}");
    await(transport.listStreams());
    requests.clear();
    // A service that never stops paging: each page alone is quick, the whole call never ends.
    script = r -> new Answer(200, "{\"Shards\":[],\"NextToken\":\"again\"}");
    Throwable failure = failure(transport.listShards("s"));
    assertThat(failure).isInstanceOf(TransportTimeoutException.class);
    assertThat(requests.size()).isGreaterThan(1);
  }

  @Test
  void aNullArgumentThrowsAtOnce() throws IOException {
    start(Duration.ofSeconds(10));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.describeStream(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(requests).isEmpty();
  }

  @Test
  void closingStopsEveryThreadTheTransportStarted() throws Exception {
    start(Duration.ofSeconds(10));
    script = r -> new Answer(200, "{\"StreamNames\":[],\"HasMoreStreams\":false}");
    await(transport.listStreams());
    assertThat(transportThreads()).isNotEmpty();
    transport.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!transportThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(transportThreads()).isEmpty();
  }

  private static List<String> transportThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("kinesis-lite-"))
        .toList();
  }

  private static String shard(int i) {
    return "{\"ShardId\":\"shardId-00000000000"
        + i
        + "\",\"HashKeyRange\":{\"StartingHashKey\":\""
        + i
        + "\",\"EndingHashKey\":\""
        + i
        + "\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"1\"}}";
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
