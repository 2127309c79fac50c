package io.kinesislite.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

class SharedPeerTest {
  private final ExtensionContext context = rootContext();
  private final AtomicInteger starts = new AtomicInteger();

  static final class FakePeer implements AutoCloseable {
    @Override
    public void close() {}
  }

  private Supplier<FakePeer> starting(Supplier<FakePeer> starter) {
    return () -> {
      starts.incrementAndGet();
      return starter.get();
    };
  }

  @Test
  void conditionIsEnabledWhenThePeerStartsAndStartsItOnce() {
    Supplier<FakePeer> starter = starting(FakePeer::new);

    ConditionEvaluationResult first = SharedPeer.condition(context, FakePeer.class, starter);
    ConditionEvaluationResult second = SharedPeer.condition(context, FakePeer.class, starter);

    assertThat(first.isDisabled()).isFalse();
    assertThat(first.getReason()).hasValue("FakePeer is running");
    assertThat(second.isDisabled()).isFalse();
    assertThat(SharedPeer.get(context, FakePeer.class, starter))
        .isSameAs(SharedPeer.get(context, FakePeer.class, starter));
    assertThat(starts).hasValue(1);
  }

  @Test
  void conditionIsDisabledWithTheReasonWhenThePeerIsUnavailableOutsideCiMode() {
    Supplier<FakePeer> starter =
        starting(
            () -> {
              throw PeerFailures.unavailable(false, "fake cannot start: no binary.");
            });

    ConditionEvaluationResult first = SharedPeer.condition(context, FakePeer.class, starter);
    ConditionEvaluationResult second = SharedPeer.condition(context, FakePeer.class, starter);

    assertThat(first.isDisabled()).isTrue();
    assertThat(first.getReason().orElseThrow()).startsWith("fake cannot start: no binary.");
    assertThat(second.isDisabled()).isTrue();
    assertThat(second.getReason()).isEqualTo(first.getReason());
    assertThat(starts).hasValue(1);
  }

  @Test
  void conditionFailsWhenThePeerCannotStartInCiMode() {
    Supplier<FakePeer> starter =
        starting(
            () -> {
              throw PeerFailures.unavailable(true, "fake cannot start: no binary.");
            });

    assertThatThrownBy(() -> SharedPeer.condition(context, FakePeer.class, starter))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fake cannot start: no binary.");
    assertThatThrownBy(() -> SharedPeer.condition(context, FakePeer.class, starter))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fake cannot start: no binary.");
    assertThat(starts).hasValue(1);
  }

  /** A root context whose store is a map: all {@link SharedPeer} uses. */
  private static ExtensionContext rootContext() {
    Map<Object, Object> values = new ConcurrentHashMap<>();
    ExtensionContext.Store store =
        proxy(
            ExtensionContext.Store.class,
            (method, args) -> {
              if (method.equals("getOrComputeIfAbsent") && args.length == 3) {
                @SuppressWarnings("unchecked")
                Function<Object, Object> creator = (Function<Object, Object>) args[1];
                return ((Class<?>) args[2]).cast(values.computeIfAbsent(args[0], creator));
              }
              throw new UnsupportedOperationException(method);
            });
    ExtensionContext[] root = new ExtensionContext[1];
    root[0] =
        proxy(
            ExtensionContext.class,
            (method, args) -> {
              switch (method) {
                case "getRoot":
                  return root[0];
                case "getStore":
                  return store;
                default:
                  throw new UnsupportedOperationException(method);
              }
            });
    return root[0];
  }

  private interface Handler {
    Object handle(String method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, Handler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            SharedPeerTest.class.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) ->
                method.getName().equals("toString")
                    ? type.getSimpleName() + " stub"
                    : handler.handle(method.getName(), args == null ? new Object[0] : args)));
  }
}
