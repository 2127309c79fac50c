package io.kinesislite.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.TransportIoException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/** Drives the publisher through the SDK's handler the way the SDK does, without a network. */
class ShardEventPublisherTest {
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void eventsFlowOnlyAsTheSubscriberRequestsThem() {
    FakeEventStream stream = new FakeEventStream();
    AtomicReference<SubscribeToShardResponseHandler> handler = new AtomicReference<>();
    CompletableFuture<Void> call = new CompletableFuture<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher(
            "SubscribeToShard s",
            OPEN_TIMEOUT,
            h -> {
              handler.set(h);
              return call;
            });
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    handler.get().onEventStream(stream);

    assertThat(recorder.subscription).isNotNull();
    assertThat(stream.demand.get()).isZero();
    recorder.subscription.request(2);
    assertThat(stream.demand.get()).isEqualTo(2);
    stream.emit(event("1", "a"));
    stream.emit(event("2", "b"));
    assertThat(recorder.events).hasSize(2);
    assertThat(recorder.events.get(0).records().get(0).sequenceNumber()).isEqualTo("1");
    assertThat(recorder.events.get(1).continuationSequenceNumber()).contains("2");
    stream.complete();
    call.complete(null);
    assertThat(recorder.completions).isEqualTo(1);
    assertThat(recorder.errors).isEmpty();
  }

  @Test
  void aFailureBeforeTheStreamOpensStillSubscribesThenFailsOnce() {
    CompletableFuture<Void> call = new CompletableFuture<>();
    AtomicReference<SubscribeToShardResponseHandler> handler = new AtomicReference<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher(
            "SubscribeToShard s",
            OPEN_TIMEOUT,
            h -> {
              handler.set(h);
              return call;
            });
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    KinesisException notFound =
        (KinesisException)
            KinesisException.builder()
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build())
                .statusCode(400)
                .build();
    handler.get().exceptionOccurred(notFound);
    call.completeExceptionally(notFound);

    assertThat(recorder.subscription).isNotNull();
    assertThat(recorder.errors).hasSize(1);
    assertThat(recorder.errors.get(0)).isInstanceOf(ResourceNotFoundException.class);
    assertThat(recorder.completions).isZero();
  }

  @Test
  void aStartThatThrowsFailsTheSubscriberWithATypedError() {
    ShardEventPublisher publisher =
        new ShardEventPublisher(
            "SubscribeToShard s",
            OPEN_TIMEOUT,
            h -> {
              throw SdkClientException.create(
                  "Unable to execute HTTP request", new ConnectException("refused"));
            });
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    assertThat(recorder.errors).singleElement().isInstanceOf(TransportIoException.class);
  }

  @Test
  void nothingIsSignalledAfterCancel() {
    FakeEventStream stream = new FakeEventStream();
    AtomicReference<SubscribeToShardResponseHandler> handler = new AtomicReference<>();
    CompletableFuture<Void> call = new CompletableFuture<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher(
            "SubscribeToShard s",
            OPEN_TIMEOUT,
            h -> {
              handler.set(h);
              return call;
            });
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    handler.get().onEventStream(stream);
    recorder.subscription.request(5);
    recorder.subscription.cancel();
    assertThat(stream.cancelled).isTrue();
    assertThat(call).isCancelled();
    handler.get().exceptionOccurred(new RuntimeException("after cancel"));
    assertThat(recorder.errors).isEmpty();
    assertThat(recorder.completions).isZero();
  }

  @Test
  void aCallThatEndsWithoutAStreamCompletesTheSubscriber() {
    CompletableFuture<Void> call = new CompletableFuture<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher("SubscribeToShard s", OPEN_TIMEOUT, h -> call);
    Recorder recorder = new Recorder();
    publisher.subscribe(recorder);
    call.complete(null);
    assertThat(recorder.subscription).isNotNull();
    assertThat(recorder.completions).isEqualTo(1);
  }

  @Test
  void aStreamThatNeverOpensFailsWithATimeoutAndCancelsTheCall() throws Exception {
    CompletableFuture<Void> call = new CompletableFuture<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher("SubscribeToShard s", Duration.ofMillis(50), h -> call);
    java.util.concurrent.CountDownLatch failed = new java.util.concurrent.CountDownLatch(1);
    Recorder recorder =
        new Recorder() {
          @Override
          public void onError(Throwable t) {
            super.onError(t);
            failed.countDown();
          }
        };
    publisher.subscribe(recorder);
    assertThat(failed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(recorder.errors)
        .singleElement()
        .isInstanceOf(io.kinesislite.transport.TransportTimeoutException.class);
    // The error goes out first, so that the subscriber sees the timeout rather than the
    // cancellation; the call is cancelled right after, on the timer's thread.
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    call.whenComplete((ignored, error) -> ended.countDown());
    assertThat(ended.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(call).isCancelled();
  }

  @Test
  void anErrorRacingEventsArrivesAfterThemAndOnlyOnce() throws Exception {
    FakeEventStream stream = new FakeEventStream();
    AtomicReference<SubscribeToShardResponseHandler> handler = new AtomicReference<>();
    CompletableFuture<Void> call = new CompletableFuture<>();
    ShardEventPublisher publisher =
        new ShardEventPublisher(
            "SubscribeToShard s",
            OPEN_TIMEOUT,
            h -> {
              handler.set(h);
              return call;
            });
    java.util.List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger inside =
        new java.util.concurrent.atomic.AtomicInteger();
    Flow.Subscriber<ShardEvent> strict =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ShardEvent item) {
            enter();
            order.add("next");
            inside.decrementAndGet();
          }

          @Override
          public void onError(Throwable t) {
            enter();
            order.add("error");
            inside.decrementAndGet();
          }

          @Override
          public void onComplete() {
            order.add("complete");
          }

          private void enter() {
            assertThat(inside.incrementAndGet()).as("signals overlap").isEqualTo(1);
          }
        };
    publisher.subscribe(strict);
    handler.get().onEventStream(stream);
    Thread events =
        new Thread(
            () -> {
              for (int i = 0; i < 2_000; i++) {
                stream.emit(event(String.valueOf(i), "x"));
              }
            },
            "test-events");
    events.start();
    call.completeExceptionally(new java.io.IOException("connection reset"));
    events.join(10_000);
    assertThat(order.stream().filter("error"::equals)).hasSize(1);
    assertThat(order.get(order.size() - 1)).isEqualTo("error");
    assertThat(order).doesNotContain("complete");
  }

  private static SubscribeToShardEvent event(String sequence, String data) {
    return SubscribeToShardEvent.builder()
        .records(
            Record.builder()
                .sequenceNumber(sequence)
                .partitionKey("pk")
                .approximateArrivalTimestamp(Instant.EPOCH)
                .data(SdkBytes.fromUtf8String(data))
                .build())
        .continuationSequenceNumber(sequence)
        .millisBehindLatest(0L)
        .build();
  }

  /** An SDK event stream that emits only what the test pushes, and only within demand. */
  private static final class FakeEventStream implements SdkPublisher<SubscribeToShardEventStream> {
    final AtomicLong demand = new AtomicLong();
    volatile boolean cancelled;
    private Subscriber<? super SubscribeToShardEventStream> subscriber;

    @Override
    public void subscribe(Subscriber<? super SubscribeToShardEventStream> s) {
      this.subscriber = s;
      s.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {
              demand.addAndGet(n);
            }

            @Override
            public void cancel() {
              cancelled = true;
            }
          });
    }

    void emit(SubscribeToShardEvent event) {
      assertThat(demand.getAndDecrement()).as("demand before emitting").isPositive();
      subscriber.onNext(event);
    }

    void complete() {
      subscriber.onComplete();
    }
  }

  private static class Recorder implements Flow.Subscriber<ShardEvent> {
    Flow.Subscription subscription;
    final List<ShardEvent> events = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    int completions;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      assertThat(subscription).as("onSubscribe once").isNull();
      subscription = s;
    }

    @Override
    public void onNext(ShardEvent item) {
      events.add(item);
    }

    @Override
    public void onError(Throwable t) {
      errors.add(t);
    }

    @Override
    public void onComplete() {
      completions++;
    }
  }
}
