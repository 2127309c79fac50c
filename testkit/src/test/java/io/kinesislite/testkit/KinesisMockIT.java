package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

@ExtendWith(KinesisMockExtension.class)
class KinesisMockIT {
  private final KinesisMock shared;

  KinesisMockIT(KinesisMock shared) {
    this.shared = shared;
  }

  @Test
  void sharedMockAnswersHealthcheckOverHttp() throws Exception {
    assertThat(HealthCheck.get(shared.httpEndpoint(), Duration.ofSeconds(5)).status())
        .isEqualTo(200);
  }

  @Test
  void sharedMockAnswersHealthcheckOverHttpsWithItsSelfSignedCertificate() throws Exception {
    assertThat(shared.httpsEndpoint().toString()).startsWith("https://127.0.0.1:");
    assertThat(HealthCheck.get(shared.httpsEndpoint(), Duration.ofSeconds(5)).status())
        .isEqualTo(200);
  }

  @Test
  void extensionInjectsTheSameInstanceIntoConstructorAndMethod(KinesisMock parameter) {
    assertThat(parameter).isSameAs(shared);
    assertThat(parameter.isAlive()).isTrue();
  }

  @Test
  void advanceClockMovesTheDateHeaderForwardByAtLeastTheAmount() throws Exception {
    try (KinesisMock kinesis = KinesisMock.start()) {
      Instant before = HealthCheck.get(kinesis.httpEndpoint(), Duration.ofSeconds(5)).date();

      kinesis.advanceClock(Duration.ofSeconds(400));

      Instant after = HealthCheck.get(kinesis.httpEndpoint(), Duration.ofSeconds(5)).date();
      assertThat(after).isAfterOrEqualTo(before.plusSeconds(400));
      assertThat(kinesis.clockOffset()).isEqualTo(Duration.ofSeconds(400));
    }
  }

  @Test
  void advanceClockExpiresShardIteratorsTakenBefore() {
    try (KinesisMock kinesis = KinesisMock.start();
        KinesisAsyncClient client = kinesisClient(kinesis)) {
      String stream = UniqueNames.stream("expiry");
      client.createStream(r -> r.streamName(stream).shardCount(1)).join();
      client
          .waiter()
          .waitUntilStreamExists(
              r -> r.streamName(stream),
              o -> o.backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(50))))
          .join();
      String iterator =
          client
              .getShardIterator(
                  r ->
                      r.streamName(stream)
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .join()
              .shardIterator();

      kinesis.advanceClock(Duration.ofMinutes(6));

      assertThatThrownBy(() -> client.getRecords(r -> r.shardIterator(iterator)).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(ExpiredIteratorException.class);
    }
  }

  @Test
  void advanceClockIsSkippedOutsideCiWhenFaketimeIsOff() {
    try (KinesisMock kinesis =
        KinesisMock.start(KinesisMock.Options.builder().faketime(false).ciMode(false).build())) {
      assertThat(kinesis.canAdvanceClock()).isFalse();

      assertThatThrownBy(() -> kinesis.advanceClock(Duration.ofSeconds(1)))
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("kinesis-mock cannot advance its clock");
    }
  }

  @Test
  void advanceClockFailsInCiWhenFaketimeIsOff() {
    try (KinesisMock kinesis =
        KinesisMock.start(KinesisMock.Options.builder().faketime(false).ciMode(true).build())) {
      assertThatThrownBy(() -> kinesis.advanceClock(Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("kinesis-mock cannot advance its clock")
          .hasMessageContaining("libfaketime");
    }
  }

  @Test
  void pauseMakesRequestsTimeOutAndResumeAnswersThemAgain() throws Exception {
    try (KinesisMock kinesis = KinesisMock.start()) {
      kinesis.pause();

      assertThatThrownBy(() -> HealthCheck.get(kinesis.httpEndpoint(), Duration.ofMillis(500)))
          .isInstanceOf(SocketTimeoutException.class);

      kinesis.resume();

      assertThat(HealthCheck.get(kinesis.httpEndpoint(), Duration.ofSeconds(5)).status())
          .isEqualTo(200);
    }
  }

  @Test
  void killEndsTheProcessAtOnce() {
    try (KinesisMock kinesis = KinesisMock.start()) {
      kinesis.kill();

      assertThat(kinesis.isAlive()).isFalse();
      assertThat(ProcessHandle.of(kinesis.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }
  }

  @Test
  void closeLeavesNoProcessEvenWhenPausedAndCanBeRepeated() {
    KinesisMock kinesis = KinesisMock.start();
    long pid = kinesis.pid();
    kinesis.pause();

    kinesis.close();
    kinesis.close();

    assertThat(kinesis.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void logFileNamesThePortsAndHoldsTheStartupLines() throws IOException {
    String port = Integer.toString(shared.httpEndpoint().getPort());

    assertThat(shared.logFile().getFileName().toString()).contains(port);
    assertThat(Files.readString(shared.logFile()))
        .contains("Starting Kinesis Plain Mock Service on port " + port);
  }

  @Test
  void logTailReturnsTheLastLines() {
    try (KinesisMock kinesis = KinesisMock.start()) {
      String tail = kinesis.logTail(1);

      assertThat(tail.lines()).hasSize(1);
      assertThat(kinesis.logTail(1000)).endsWith(tail).contains("Logging Cache Config");
    }
  }

  private static KinesisAsyncClient kinesisClient(KinesisMock kinesis) {
    return KinesisAsyncClient.builder()
        .endpointOverride(kinesis.httpEndpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build();
  }
}
