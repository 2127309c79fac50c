package io.kinesislite.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records, a context and a recording listener, for the processing and key tests. */
final class Fixtures {
  static final Instant READ_AT = Instant.parse("2024-06-27T10:15:30.042917Z");
  static final RecordContext CTX = new RecordContext("/var/log/app.log", 1234, "web-1", READ_AT);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static JsonNode json(String s) {
    try {
      return MAPPER.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(byte[] b) {
    return json(text(b));
  }

  /** Remembers what it is told. */
  static final class RecordingListener implements ProcessingListener {
    final List<String> errors = new ArrayList<>();
    final List<String> fallbacks = new ArrayList<>();

    @Override
    public void processingError(String step, String reason) {
      errors.add(step + ": " + reason);
    }

    @Override
    public void keyFallback(String source) {
      fallbacks.add(source);
    }
  }
}
