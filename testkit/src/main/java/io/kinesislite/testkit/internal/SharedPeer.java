package io.kinesislite.testkit.internal;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A peer shared by all tests of one JUnit run, kept in the root context's store so that JUnit
 * closes it when the run ends. A failed start is remembered and reported to every test that asks,
 * rather than retried for each one.
 *
 * <p>Thread-safe (immutable; the store computes it once).
 */
public final class SharedPeer implements ExtensionContext.Store.CloseableResource {
  private final AutoCloseable peer;
  private final RuntimeException failure;

  private SharedPeer(AutoCloseable peer, RuntimeException failure) {
    this.peer = peer;
    this.failure = failure;
  }

  /**
   * Returns the shared peer of the run, starting it on first use.
   *
   * @param <T> the peer type
   * @param context any extension context of the run
   * @param type the peer type, also the store key
   * @param starter starts the peer
   * @return the running peer
   */
  public static <T extends AutoCloseable> T get(
      ExtensionContext context, Class<T> type, Supplier<T> starter) {
    ExtensionContext.Store store =
        context.getRoot().getStore(ExtensionContext.Namespace.create(SharedPeer.class));
    SharedPeer shared = store.getOrComputeIfAbsent(type, key -> start(starter), SharedPeer.class);
    if (shared.failure != null) {
      throw PeerFailures.again(shared.failure);
    }
    return type.cast(shared.peer);
  }

  /**
   * Evaluates an extension's execution condition: starts the shared peer (see {@link #get}) before
   * any test instance exists, so that a peer that cannot start disables the container or test with
   * its reason outside CI mode instead of erroring in parameter resolution, and fails it in CI
   * mode.
   *
   * @param <T> the peer type
   * @param context the extension context being evaluated
   * @param type the peer type, also the store key
   * @param starter starts the peer
   * @return enabled if the peer runs, disabled with the reason if it cannot start outside CI mode
   * @throws IllegalStateException if the peer cannot start in CI mode
   */
  public static <T extends AutoCloseable> ConditionEvaluationResult condition(
      ExtensionContext context, Class<T> type, Supplier<T> starter) {
    try {
      get(context, type, starter);
      return ConditionEvaluationResult.enabled(type.getSimpleName() + " is running");
    } catch (TestAbortedException e) {
      return ConditionEvaluationResult.disabled(e.getMessage());
    }
  }

  private static SharedPeer start(Supplier<? extends AutoCloseable> starter) {
    try {
      return new SharedPeer(starter.get(), null);
    } catch (RuntimeException e) {
      return new SharedPeer(null, e);
    }
  }

  @Override
  public void close() throws Exception {
    if (peer != null) {
      peer.close();
    }
  }
}
