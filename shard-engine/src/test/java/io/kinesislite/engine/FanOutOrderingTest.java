package io.kinesislite.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.transport.ResourceNotFoundException;
import io.kinesislite.transport.ShardEvent;
import io.kinesislite.transport.StartingPosition;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Reactive-streams rule 1.3: no signal overtakes onSubscribe, even an error raced against it. */
class FanOutOrderingTest {

  @Test
  void anErrorRaisedWhileTheSubscriberIsInOnSubscribeArrivesOnlyAfterIt() throws Exception {
    try (ShardEngine engine = ShardEngine.open(EngineConfig.inMemory())) {
      engine.createStream("s", 1);
      engine.registerConsumer("s", "c");
      CountDownLatch inOnSubscribe = new CountDownLatch(1);
      CountDownLatch deregistered = new CountDownLatch(1);
      CountDownLatch failed = new CountDownLatch(1);
      AtomicBoolean inside = new AtomicBoolean();
      AtomicBoolean overtaken = new AtomicBoolean();
      AtomicReference<Throwable> error = new AtomicReference<>();
      Flow.Subscriber<ShardEvent> subscriber =
          new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              inside.set(true);
              inOnSubscribe.countDown();
              try {
                deregistered.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              inside.set(false);
              s.request(1);
            }

            @Override
            public void onNext(ShardEvent item) {}

            @Override
            public void onError(Throwable t) {
              overtaken.compareAndSet(false, inside.get());
              error.set(t);
              failed.countDown();
            }

            @Override
            public void onComplete() {}
          };
      Thread subscribing =
          new Thread(
              () ->
                  engine
                      .subscribeToShard("s", "c", "shardId-000000000000", StartingPosition.latest())
                      .subscribe(subscriber),
              "test-subscriber");
      subscribing.start();
      assertThat(inOnSubscribe.await(10, TimeUnit.SECONDS)).isTrue();
      engine.deregisterConsumer("s", "c");
      deregistered.countDown();

      assertThat(failed.await(10, TimeUnit.SECONDS)).as("the error arrives").isTrue();
      assertThat(overtaken).as("the error overtook onSubscribe").isFalse();
      assertThat(error.get()).isInstanceOf(ResourceNotFoundException.class);
      subscribing.join(10_000);
    }
  }
}
