package io.kinesislite.transport.internal;

import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.TransportTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Adapts the SDK's SubscribeToShard event stream to a {@link Flow.Publisher} of {@link
 * ShardEvent}s. Each subscriber starts its own call. Demand passes straight through to the SDK, so
 * back-pressure reaches the HTTP/2 stream.
 *
 * <p>However the call ends (an error before the stream opened, an error on the stream, the stream's
 * end, the transport closing) the subscriber gets {@code onSubscribe} once and then exactly one of
 * {@code onError} or {@code onComplete}, unless it cancelled first. Signals arrive one at a time,
 * in order, and never while a lock is held: the SDK's callbacks only queue them, and whichever
 * thread finds the queue idle delivers them.
 *
 * <p>Thread-safe.
 */
public final class ShardEventPublisher implements Flow.Publisher<ShardEvent> {
  private final String operation;
  private final Duration openTimeout;
  private final Function<SubscribeToShardResponseHandler, CompletableFuture<Void>> start;

  /**
   * @param operation names the call in error messages
   * @param openTimeout how long the stream may take to open before the subscriber gets a {@link
   *     TransportTimeoutException}
   * @param start starts the SDK call with the given handler and returns its future
   */
  public ShardEventPublisher(
      String operation,
      Duration openTimeout,
      Function<SubscribeToShardResponseHandler, CompletableFuture<Void>> start) {
    this.operation = Objects.requireNonNull(operation, "operation == null");
    this.openTimeout = Objects.requireNonNull(openTimeout, "openTimeout == null");
    this.start = Objects.requireNonNull(start, "start == null");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ShardEvent> subscriber) {
    Relay relay = new Relay(Objects.requireNonNull(subscriber, "subscriber == null"), operation);
    SubscribeToShardResponseHandler handler =
        SubscribeToShardResponseHandler.builder()
            .onEventStream(
                events ->
                    events
                        .filter(SubscribeToShardEvent.class)
                        .map(SdkModels::shardEvent)
                        .subscribe(relay))
            .onError(relay::fail)
            .build();
    CompletableFuture<Void> call;
    try {
      call = start.apply(handler);
    } catch (RuntimeException e) {
      relay.fail(e);
      return;
    }
    relay.call = call;
    call.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            relay.fail(error);
          } else {
            // Once the event stream is open it ends itself, after its last event; completing here
            // could overtake events still queued for the subscriber.
            relay.completeIfNeverOpened();
          }
        });
    CompletableFuture.delayedExecutor(openTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> relay.timeOutIfNeverOpened(openTimeout));
  }

  /** Serializes the signals to one downstream subscriber through a queue and a drain loop. */
  private static final class Relay implements Subscriber<ShardEvent> {
    private static final Object COMPLETE = new Object();
    private static final Flow.Subscription NOTHING =
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        };

    private final Flow.Subscriber<? super ShardEvent> downstream;
    private final String operation;
    private final Queue<Object> signals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger work = new AtomicInteger();
    private volatile boolean opened;
    private volatile boolean cancelled;
    private volatile CompletableFuture<Void> call;
    // Touched only by the thread that holds the drain.
    private boolean subscribed;
    private boolean done;

    Relay(Flow.Subscriber<? super ShardEvent> downstream, String operation) {
      this.downstream = downstream;
      this.operation = operation;
    }

    @Override
    public void onSubscribe(Subscription upstream) {
      opened = true;
      emit(upstream);
    }

    @Override
    public void onNext(ShardEvent event) {
      emit(event);
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      emit(COMPLETE);
    }

    void fail(Throwable error) {
      emit(new Failure(SdkErrors.translate(error, operation)));
    }

    void completeIfNeverOpened() {
      if (!opened) {
        emit(COMPLETE);
      }
    }

    void timeOutIfNeverOpened(Duration openTimeout) {
      if (!opened && !cancelled) {
        emit(
            new Failure(
                new TransportTimeoutException(
                    operation + " did not open within " + openTimeout.toMillis() + " ms")));
        cancelCall();
      }
    }

    private void emit(Object signal) {
      signals.add(signal);
      if (work.getAndIncrement() != 0) {
        return; // the thread draining now will deliver it
      }
      int missed = 1;
      do {
        Object next;
        while ((next = signals.poll()) != null) {
          deliver(next);
        }
        missed = work.addAndGet(-missed);
      } while (missed != 0);
    }

    private void deliver(Object signal) {
      if (signal instanceof Subscription upstream) {
        if (done || cancelled || subscribed) {
          upstream.cancel();
          return;
        }
        subscribed = true;
        downstream.onSubscribe(new Downstream(upstream));
        return;
      }
      if (done || cancelled) {
        return;
      }
      if (signal instanceof ShardEvent event) {
        downstream.onNext(event);
        return;
      }
      if (!subscribed) {
        subscribed = true;
        downstream.onSubscribe(NOTHING);
      }
      done = true;
      if (signal instanceof Failure failure) {
        downstream.onError(failure.error());
      } else {
        downstream.onComplete();
      }
    }

    private void cancelCall() {
      CompletableFuture<Void> running = call;
      if (running != null) {
        running.cancel(false);
      }
    }

    private record Failure(RuntimeException error) {}

    private final class Downstream implements Flow.Subscription {
      private final Subscription upstream;

      Downstream(Subscription upstream) {
        this.upstream = upstream;
      }

      @Override
      public void request(long n) {
        upstream.request(n);
      }

      @Override
      public void cancel() {
        cancelled = true;
        upstream.cancel();
        cancelCall();
      }
    }
  }
}
