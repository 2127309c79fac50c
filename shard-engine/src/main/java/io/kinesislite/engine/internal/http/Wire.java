package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One of the two body encodings the Kinesis API speaks: JSON 1.1 (blobs in base64, timestamps in
 * epoch seconds) or CBOR 1.1 (blobs as byte strings, timestamps as tag 1 epoch values), the AWS SDK
 * for Java's default. Thread-safe.
 */
enum Wire {
  JSON("application/x-amz-json-1.1", new JsonFactory()),
  CBOR("application/x-amz-cbor-1.1", new CBORFactory());

  // A timestamp above this many units is in milliseconds: as seconds it would be after year 5000.
  private static final double MILLIS_THRESHOLD = 100_000_000_000d;

  final String contentType;
  private final ObjectMapper mapper;

  Wire(String contentType, JsonFactory factory) {
    this.contentType = contentType;
    this.mapper = new ObjectMapper(factory);
  }

  /** Picks the encoding a request's Content-Type names; JSON when it names neither. */
  static Wire of(String contentType) {
    if (contentType != null && contentType.toLowerCase().contains("cbor")) {
      return CBOR;
    }
    return JSON;
  }

  JsonNode read(byte[] body) throws IOException {
    if (body.length == 0) {
      return mapper.createObjectNode();
    }
    return mapper.readTree(body);
  }

  JsonGenerator generator(OutputStream out) throws IOException {
    return mapper.getFactory().createGenerator(out);
  }

  /** Writes a timestamp field the way this encoding's clients parse it. */
  void writeTimestamp(JsonGenerator g, String field, Instant t) throws IOException {
    g.writeFieldName(field);
    if (this == CBOR) {
      // The SDK reads tag 1 (epoch-based date/time) followed by epoch milliseconds.
      ((CBORGenerator) g).writeTag(1);
      g.writeNumber(t.toEpochMilli());
    } else {
      g.writeNumber(BigDecimal.valueOf(t.toEpochMilli(), 3));
    }
  }

  /** Reads a timestamp as a client sent it: epoch seconds (with fraction) or milliseconds. */
  static Instant timestamp(JsonNode node) {
    if (node.isTextual()) {
      try {
        return Instant.parse(node.asText());
      } catch (RuntimeException e) {
        return Instant.ofEpochMilli(Math.round(Double.parseDouble(node.asText()) * 1000));
      }
    }
    double value = node.asDouble();
    if (Math.abs(value) >= MILLIS_THRESHOLD) {
      return Instant.ofEpochMilli((long) value);
    }
    return Instant.ofEpochMilli(Math.round(value * 1000));
  }
}
