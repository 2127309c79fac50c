package io.kinesislite.engine.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * One parsed Kinesis API call: its operation name and body, with the field readers every operation
 * shares. A field of the wrong shape fails with the {@code SerializationException} or {@code
 * ValidationException} Kinesis answers with. Not thread-safe.
 */
final class ApiRequest {
  final String operation;
  final JsonNode body;
  final Wire wire;

  ApiRequest(String operation, JsonNode body, Wire wire) {
    this.operation = operation;
    this.body = body;
    this.wire = wire;
  }

  /** The stream the call names, by {@code StreamName} or by {@code StreamARN}. */
  String stream() {
    Optional<String> name = text("StreamName");
    if (name.isPresent()) {
      return name.get();
    }
    Optional<String> arn = text("StreamARN");
    if (arn.isPresent()) {
      return Arns.streamName(arn.get());
    }
    throw ApiException.validation(
        "1 validation error detected: Either StreamName or StreamARN must be provided.");
  }

  String required(String field) {
    return text(field).orElseThrow(() -> missing(field));
  }

  Optional<String> text(String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ApiException.serialization("Field " + field + " must be a string");
    }
    return Optional.of(node.asText());
  }

  Optional<Long> number(String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw ApiException.serialization("Field " + field + " must be an integer");
    }
    return Optional.of(node.asLong());
  }

  int requiredInt(String field, long min, long max) {
    return integer(field, min, max).orElseThrow(() -> missing(field));
  }

  Optional<Integer> integer(String field, long min, long max) {
    Optional<Long> value = number(field);
    if (value.isPresent() && (value.get() < min || value.get() > max)) {
      throw ApiException.validation(
          "1 validation error detected: Value '"
              + value.get()
              + "' at '"
              + camel(field)
              + "' failed to satisfy constraint: Member must have value between "
              + min
              + " and "
              + max);
    }
    return value.map(Long::intValue);
  }

  boolean flag(String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw ApiException.serialization("Field " + field + " must be a boolean");
    }
    return node.asBoolean();
  }

  Optional<Instant> timestamp(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isNumber() && !node.isTextual()) {
      throw ApiException.serialization("Field " + field + " must be a timestamp");
    }
    try {
      return Optional.of(Wire.timestamp(node));
    } catch (RuntimeException e) {
      throw ApiException.serialization("Field " + field + " is not a timestamp: " + node.asText());
    }
  }

  /** Reads a blob: a byte string in CBOR, base64 text in JSON. */
  static byte[] blob(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw missing(field);
    }
    try {
      if (node.isBinary()) {
        return node.binaryValue();
      }
      if (node.isTextual()) {
        return Base64.getDecoder().decode(node.asText());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.serialization("Field " + field + " is not valid base64");
    }
    throw ApiException.serialization("Field " + field + " must be a blob");
  }

  static ApiException missing(String field) {
    return ApiException.validation(
        "1 validation error detected: Value null at '"
            + camel(field)
            + "' failed to satisfy constraint: Member must not be null");
  }

  private static String camel(String field) {
    return Character.toLowerCase(field.charAt(0)) + field.substring(1);
  }
}
