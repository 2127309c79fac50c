package io.kinesislite.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.PutEntry;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import io.kinesislite.transport.StreamDescription;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportIoException;
import io.kinesislite.transport.TransportTimeoutException;
import io.kinesislite.transport.Transports;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No call hangs when the service dies or freezes: each test runs a private kinesis-mock and breaks
 * it in the middle of a call.
 */
class AwsSdkTransportFailureIT {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
  // Generous on a loaded 2-core machine; the point is that the call ends, with the right type.
  private static final long BOUND_MILLIS = CALL_TIMEOUT.toMillis() + 10_000;

  private KinesisMock mock;
  private KinesisTransport transport;
  private String stream;

  @BeforeEach
  void startPrivatePeer() {
    mock = KinesisMock.start();
    transport =
        Transports.open(
            TransportConfig.builder()
                .selection(mock.httpEndpoint().toString())
                .callTimeout(CALL_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(1))
                .build());
    stream = UniqueNames.stream("failure");
    transport.createStream(stream, 1).join();
    transport.awaitStreamActive(stream, Duration.ofSeconds(30)).join();
  }

  // JUnit runs this after a @BeforeEach that threw or aborted too, so any field may still be null.
  // The transport closes first: on SIGTERM kinesis-mock waits for open client connections.
  @AfterEach
  void stop() {
    KinesisTransport openTransport = transport;
    KinesisMock runningMock = mock;
    transport = null;
    mock = null;
    try {
      if (openTransport != null) {
        openTransport.close();
      }
    } finally {
      if (runningMock != null) {
        runningMock.close();
      }
    }
  }

  @Test
  void aFrozenServiceGivesATimeoutWithinTheCallTimeout() {
    mock.pause();
    CompletableFuture<StreamDescription> call = transport.describeStream(stream);
    assertThat(failureWithinBound(call)).isInstanceOf(TransportTimeoutException.class);
  }

  @Test
  void killingTheServiceMidCallGivesATypedIoError() {
    mock.pause(); // the request is sent but cannot be answered
    CompletableFuture<?> call =
        transport.putRecord(stream, PutEntry.of("k", "v".getBytes(StandardCharsets.UTF_8)));
    assertThat(call).isNotDone();
    mock.kill();
    Throwable failure = failureWithinBound(call);
    assertThat(failure).isInstanceOf(TransportIoException.class);
    assertThat(((TransportIoException) failure).isRetriable()).isTrue();
  }

  @Test
  void callsToAServiceThatIsGoneFailWithAnIoError() {
    mock.kill();
    assertThat(failureWithinBound(transport.listStreams()))
        .isInstanceOf(TransportIoException.class);
  }

  @Test
  void closingTheTransportFailsOutstandingCallsAndLaterOnes() {
    mock.pause();
    CompletableFuture<?> outstanding = transport.describeStream(stream);
    transport.close();
    assertThat(failureWithinBound(outstanding)).isInstanceOf(TransportIoException.class);
    assertThat(failureWithinBound(transport.listStreams()))
        .isInstanceOf(TransportIoException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closingTheTransportEndsAnOpenSubscriptionWithAnError() {
    String shardId = transport.listShards(stream).join().get(0).shardId();
    transport.registerConsumer(stream, "closing").join();
    transport.awaitConsumerActive(stream, "closing", Duration.ofSeconds(30)).join();
    transport.putRecord(stream, PutEntry.of("k", "v".getBytes(StandardCharsets.UTF_8))).join();
    RecordingSubscriber<ShardEvent> events = new RecordingSubscriber<>();
    transport
        .subscribeToShard(stream, "closing", shardId, StartingPosition.trimHorizon())
        .subscribe(events);
    events.request(1);
    events.awaitItems(1, Duration.ofSeconds(30));

    transport.close();

    assertThat(events.awaitTerminal(Duration.ofMillis(BOUND_MILLIS)))
        .isInstanceOf(TransportIoException.class);
    assertThat(events.violations()).isEmpty();
  }

  private static Throwable failureWithinBound(CompletableFuture<?> call) {
    try {
      Object value = call.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure but got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call hung for more than " + BOUND_MILLIS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
