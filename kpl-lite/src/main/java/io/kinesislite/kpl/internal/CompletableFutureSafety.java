package io.kinesislite.kpl.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Starts an asynchronous call so that its handler runs exactly once, whether the call fails
 * synchronously (throws) or asynchronously (its future fails). Thread-safe.
 */
final class CompletableFutureSafety {
  private CompletableFutureSafety() {}

  static <T> void run(Supplier<CompletableFuture<T>> call, BiConsumer<T, Throwable> handler) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      handler.accept(null, e);
      return;
    }
    future.whenComplete(handler);
  }
}
