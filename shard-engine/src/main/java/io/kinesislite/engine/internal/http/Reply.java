package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** The body of a successful answer: writes the fields of its top-level object. */
@FunctionalInterface
interface Reply {
  Reply EMPTY = (g, wire) -> {};

  void write(JsonGenerator g, Wire wire) throws IOException;

  static CompletableFuture<Reply> empty(CompletableFuture<?> call) {
    return call.thenApply(ignored -> EMPTY);
  }
}
