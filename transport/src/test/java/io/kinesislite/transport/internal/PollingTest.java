package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.ResourceInUseException;
import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.TransportClosedException;
import io.kinesislite.transport.TransportTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingTest {

  @Test
  void completesWithTheFirstResultThatPasses() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Integer> wait =
        Polling.until(
            () -> CompletableFuture.completedFuture(calls.incrementAndGet()),
            n -> n == 3,
            Duration.ofSeconds(10),
            "three");
    assertThat(wait.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void pollsThroughRetriableErrors() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> wait =
        Polling.until(
            () ->
                calls.incrementAndGet() < 3
                    ? CompletableFuture.failedFuture(new ResourceInUseException("busy"))
                    : CompletableFuture.completedFuture("ready"),
            "ready"::equals,
            Duration.ofSeconds(10),
            "ready");
    assertThat(wait.get(10, TimeUnit.SECONDS)).isEqualTo("ready");
  }

  @Test
  void stopsAtAFatalErrorOrAClosedTransport() {
    assertThat(
            failure(
                Polling.until(
                    () -> CompletableFuture.failedFuture(new ResourceNotFoundException("gone")),
                    x -> true,
                    Duration.ofSeconds(10),
                    "x")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(
            failure(
                Polling.until(
                    () -> CompletableFuture.failedFuture(new TransportClosedException("closed")),
                    x -> true,
                    Duration.ofSeconds(10),
                    "x")))
        .isInstanceOf(TransportClosedException.class);
  }

  @Test
  void aThrowingPredicateFailsTheWaitInsteadOfStrandingIt() {
    assertThat(
            failure(
                Polling.until(
                    () -> CompletableFuture.completedFuture("x"),
                    x -> {
                      throw new IllegalStateException("broken predicate");
                    },
                    Duration.ofSeconds(10),
                    "x")))
        .hasMessageContaining("broken predicate");
  }

  @Test
  void givesUpAfterTheTimeoutNamingWhatItWaitedFor() {
    Throwable failure =
        failure(
            Polling.until(
                () -> CompletableFuture.completedFuture("CREATING"),
                "ACTIVE"::equals,
                Duration.ofMillis(200),
                "stream s to become ACTIVE"));
    assertThat(failure)
        .isInstanceOf(TransportTimeoutException.class)
        .hasMessageContaining("stream s to become ACTIVE")
        .hasMessageContaining("CREATING");
  }

  private static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
