package io.kinesislite.testkit.internal;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

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
