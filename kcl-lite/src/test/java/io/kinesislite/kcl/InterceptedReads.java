package io.kinesislite.kcl;

import io.kinesislite.transport.GetRecordsResult;
import io.kinesislite.transport.KinesisTransport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Wraps a transport so that a test can change what its get-records calls return (hold them, fail
 * them); every other call goes to the real transport as it is. Thread-safe if the operator is.
 */
final class InterceptedReads {
  private InterceptedReads() {}

  static KinesisTransport over(
      KinesisTransport real, UnaryOperator<CompletableFuture<GetRecordsResult>> reads) {
    return (KinesisTransport)
        Proxy.newProxyInstance(
            KinesisTransport.class.getClassLoader(),
            new Class<?>[] {KinesisTransport.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (!method.getName().equals("getRecords")) {
                return result;
              }
              @SuppressWarnings("unchecked")
              CompletableFuture<GetRecordsResult> page =
                  (CompletableFuture<GetRecordsResult>) result;
              return reads.apply(page);
            });
  }
}
