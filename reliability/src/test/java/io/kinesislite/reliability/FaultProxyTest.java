package io.kinesislite.reliability;

import static io.kinesislite.testkit.TransportAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.engine.KinesisServer;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.reliability.FaultPlan.Fault;
import io.kinesislite.transport.KinesisTransport;
import io.kinesislite.transport.ServiceFailureException;
import io.kinesislite.transport.ThrottledException;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.TransportIoException;
import io.kinesislite.transport.Transports;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FaultProxy in front of serve, each fault at rate 1 so that every call gets it: the AWS SDK
 * transport sees each as the error it stands for, and serve saw the call exactly when it should
 * have. Calls outside the fault phase pass untouched.
 */
class FaultProxyTest {
  private static final Duration NO_DELAY = Duration.ZERO;

  private KinesisServer server;
  private KinesisTransport direct;
  private FaultProxy proxy;
  private KinesisTransport proxied;
  private FaultPlan plan;

  @BeforeEach
  void startServe() {
    server = KinesisServer.start(ServerConfig.builder().port(0).build());
    direct = Transports.open(server.endpoint().toString());
  }

  @AfterEach
  void stopAll() {
    if (proxied != null) {
      proxied.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    direct.close();
    server.close();
  }

  private void proxy(FaultPlan.Rates rates) {
    plan = new FaultPlan(1, rates);
    proxy = FaultProxy.start(server.endpoint(), plan);
    proxied =
        Transports.open(
            TransportConfig.builder()
                .selection(proxy.endpoint().toString())
                .callTimeout(Duration.ofSeconds(5))
                .build());
    plan.on();
  }

  private static FaultPlan.Rates only(Fault fault, Duration delay) {
    return new FaultPlan.Rates(
        fault == Fault.THROTTLE ? 1 : 0,
        fault == Fault.INTERNAL_ERROR ? 1 : 0,
        fault == Fault.DROP_BEFORE ? 1 : 0,
        fault == Fault.DROP_AFTER ? 1 : 0,
        fault == Fault.DELAY ? 1 : 0,
        delay,
        delay);
  }

  private boolean served(String stream) {
    return await(direct.listStreams()).contains(stream);
  }

  @Test
  void aThrottledCallFailsWithTheThrottlingCodeAndNeverReachesServe() {
    proxy(only(Fault.THROTTLE, NO_DELAY));
    assertThatThrownBy(() -> await(proxied.createStream("throttled", 1)))
        .isInstanceOf(ThrottledException.class)
        .hasMessageContaining("LimitExceededException")
        .hasMessageContaining(FaultProxy.MARK);
    assertThat(served("throttled")).isFalse();
    assertThat(proxy.injected("CreateStream", Fault.THROTTLE)).isEqualTo(1);
  }

  @Test
  void anInternalErrorIsARetriableServiceFailure() {
    proxy(only(Fault.INTERNAL_ERROR, NO_DELAY));
    assertThatThrownBy(() -> await(proxied.listStreams()))
        .isInstanceOf(ServiceFailureException.class)
        .hasMessageContaining("InternalFailure")
        .matches(e -> ((ServiceFailureException) e).isRetriable());
    assertThat(proxy.injected(Fault.INTERNAL_ERROR)).isEqualTo(1);
  }

  @Test
  void aDropBeforeServeFailsTheCallAndServeNeverSeesIt() {
    proxy(only(Fault.DROP_BEFORE, NO_DELAY));
    assertThatThrownBy(() -> await(proxied.createStream("dropped-before", 1)))
        .isInstanceOf(TransportIoException.class);
    assertThat(served("dropped-before")).isFalse();
  }

  @Test
  void aDropAfterServeFailsTheCallThatServeCarriedOut() {
    proxy(only(Fault.DROP_AFTER, NO_DELAY));
    assertThatThrownBy(() -> await(proxied.createStream("dropped-after", 1)))
        .isInstanceOf(TransportIoException.class);
    assertThat(served("dropped-after")).as("serve acted on the call").isTrue();
  }

  @Test
  void aLatencySpikeHoldsTheAnswerBack() {
    proxy(only(Fault.DELAY, Duration.ofMillis(400)));
    long start = System.nanoTime();
    await(proxied.createStream("delayed", 1));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(served("delayed")).isTrue();
  }

  @Test
  void withTheFaultsOffEveryCallPassesAndIsCounted() {
    proxy(only(Fault.THROTTLE, NO_DELAY));
    plan.off();
    await(proxied.createStream("calm", 1));
    await(proxied.listStreams());
    assertThat(served("calm")).isTrue();
    assertThat(proxy.injectedTotal()).isZero();
    assertThat(proxy.callsByOperation())
        .containsEntry("CreateStream", 1L)
        .containsKey("ListStreams");
  }

  @Test
  void anOutageGivesEveryCallOfItsOperationTheFaultUntilItEnds() {
    proxy(new FaultPlan.Rates(0, 0, 0, 0, 0, NO_DELAY, NO_DELAY));
    plan.outage("CreateStream", Fault.INTERNAL_ERROR);
    assertThatThrownBy(() -> await(proxied.createStream("out", 1)))
        .isInstanceOf(ServiceFailureException.class);
    assertThatThrownBy(() -> await(proxied.createStream("out", 1)))
        .isInstanceOf(ServiceFailureException.class);
    await(proxied.listStreams()); // other operations pass
    plan.endOutage();
    await(proxied.createStream("out", 1));
    assertThat(served("out")).isTrue();
    assertThat(proxy.injected("CreateStream", Fault.INTERNAL_ERROR)).isEqualTo(2);
  }
}
