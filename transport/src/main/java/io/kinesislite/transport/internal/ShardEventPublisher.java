package io.kinesislite.transport.internal;

import io.kinesislite.transport.ShardEvent;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Adapts the SDK's SubscribeToShard event stream to a {@link Flow.Publisher} of {@link
 * ShardEvent}s. Each subscriber starts its own call. Demand passes straight through to the SDK, so
 * back-pressure reaches the HTTP/2 stream. Whatever way the call ends (an error before the stream
 * opened, an error on the stream, the stream's end) the subscriber gets {@code onSubscribe} once
 * and then exactly one of {@code onError} or {@code onComplete}, unless it cancelled first.
 *
 * <p>Thread-safe.
 */
public final class ShardEventPublisher implements Flow.Publisher<ShardEvent> {
  private final String operation;
  private final Function<SubscribeToShardResponseHandler, CompletableFuture<Void>> start;

  /**
   * @param operation names the call in error messages
   * @param start starts the SDK call with the given handler and returns its future
   */
  public ShardEventPublisher(
      String operation, Function<SubscribeToShardResponseHandler, CompletableFuture<Void>> start) {
    this.operation = Objects.requireNonNull(operation, "operation == null");
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
  }

  /** Serializes the signals to one downstream subscriber. */
  private static final class Relay implements Subscriber<ShardEvent> {
    private enum State {
      NEW,
      ACTIVE,
      DONE,
      CANCELLED
    }

    private static final Flow.Subscription NOTHING =
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        };

    private final Flow.Subscriber<? super ShardEvent> downstream;
    private final String operation;
    private final Object lock = new Object();
    private volatile State state = State.NEW;
    private volatile CompletableFuture<Void> call;

    Relay(Flow.Subscriber<? super ShardEvent> downstream, String operation) {
      this.downstream = downstream;
      this.operation = operation;
    }

    @Override
    public void onSubscribe(Subscription upstream) {
      synchronized (lock) {
        if (state != State.NEW) {
          upstream.cancel();
          return;
        }
        state = State.ACTIVE;
        downstream.onSubscribe(
            new Flow.Subscription() {
              @Override
              public void request(long n) {
                upstream.request(n);
              }

              @Override
              public void cancel() {
                synchronized (lock) {
                  if (state == State.DONE) {
                    return;
                  }
                  state = State.CANCELLED;
                }
                upstream.cancel();
                CompletableFuture<Void> running = call;
                if (running != null) {
                  running.cancel(false);
                }
              }
            });
      }
    }

    @Override
    public void onNext(ShardEvent event) {
      if (state == State.ACTIVE) {
        downstream.onNext(event);
      }
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    void fail(Throwable error) {
      RuntimeException translated = SdkErrors.translate(error, operation);
      synchronized (lock) {
        if (state == State.DONE || state == State.CANCELLED) {
          return;
        }
        if (state == State.NEW) {
          downstream.onSubscribe(NOTHING);
        }
        state = State.DONE;
        downstream.onError(translated);
      }
    }

    void completeIfNeverOpened() {
      if (state == State.NEW) {
        onComplete();
      }
    }

    @Override
    public void onComplete() {
      synchronized (lock) {
        if (state == State.DONE || state == State.CANCELLED) {
          return;
        }
        if (state == State.NEW) {
          downstream.onSubscribe(NOTHING);
        }
        state = State.DONE;
        downstream.onComplete();
      }
    }
  }
}
