package io.kinesislite.engine;

import static io.kinesislite.testkit.TransportAssertions.assertFailsWith;
import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.transport.AccessDeniedException;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.Transports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve} with SigV4 checks on, against the AWS SDK transport: the right keys work, and a
 * wrong secret, an unknown key id, a date out of the allowed skew and an unsigned request each fail
 * with the error code Kinesis sends, which the transport passes on in {@code errorCode()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeSignatureIT {
  private static final String KEY_ID = "AKIDTEST";
  private static final String SECRET = "secret";

  private KinesisServer server;
  private KinesisServer aheadServer; // its clock runs an hour ahead of the clients'

  @BeforeAll
  void start() {
    server = KinesisServer.start(ServerConfig.builder().port(0).accessKey(KEY_ID, SECRET).build());
    aheadServer =
        KinesisServer.start(
            ServerConfig.builder()
                .port(0)
                .accessKey(KEY_ID, SECRET)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
                .build());
  }

  @AfterAll
  void stop() {
    server.close();
    aheadServer.close();
  }

  @Test
  void theConfiguredKeysAreAccepted() {
    try (KinesisTransport kinesis = open(server, KEY_ID, SECRET)) {
      await(kinesis.createStream("signed", 1));
      await(kinesis.awaitStreamActive("signed", Duration.ofSeconds(30)));
      assertThat(
              await(
                      kinesis.putRecord(
                          "signed", PutEntry.of("k", "v".getBytes(StandardCharsets.UTF_8))))
                  .sequenceNumber())
          .isNotEmpty();
      assertThat(await(kinesis.listStreams())).contains("signed");
    }
  }

  @Test
  void aWrongSecretIsAnInvalidSignature() {
    try (KinesisTransport kinesis = open(server, KEY_ID, "not-the-secret")) {
      AccessDeniedException e = assertFailsWith(kinesis.listStreams(), AccessDeniedException.class);
      assertThat(e.errorCode()).hasValue("InvalidSignatureException");
      assertThat(e.isRetriable()).isFalse();
    }
  }

  @Test
  void anUnknownKeyIdIsAnUnrecognizedClient() {
    try (KinesisTransport kinesis = open(server, "AKIDUNKNOWN", SECRET)) {
      AccessDeniedException e = assertFailsWith(kinesis.listStreams(), AccessDeniedException.class);
      assertThat(e.errorCode()).hasValue("UnrecognizedClientException");
    }
  }

  @Test
  void aDateOutsideTheAllowedSkewIsAnExpiredSignature() {
    try (KinesisTransport kinesis = open(aheadServer, KEY_ID, SECRET)) {
      AccessDeniedException e = assertFailsWith(kinesis.listStreams(), AccessDeniedException.class);
      assertThat(e.errorCode()).hasValue("InvalidSignatureException");
      assertThat(e.getMessage()).contains("Signature expired");
    }
  }

  @Test
  void anUnsignedRequestIsMissingItsAuthenticationToken() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<byte[]> answer =
        http.send(
            HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = new ObjectMapper().readTree(answer.body());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(body.path("__type").asText()).isEqualTo("MissingAuthenticationTokenException");
    assertThat(body.path("message").asText()).isNotBlank();

    // Probes are for health checkers, which do not sign.
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(server.endpoint() + "/ready")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  private static KinesisTransport open(KinesisServer target, String keyId, String secret) {
    return Transports.open(
        TransportConfig.builder()
            .selection(target.endpoint().toString())
            .credentials(CredentialsSource.staticKeys(keyId, secret))
            .maxAttempts(1)
            .build());
  }
}
