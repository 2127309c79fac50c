package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the JSON steps and the key extractor share: one {@link ObjectMapper} and its factory,
 * reading records as UTF-8 with replacement, finding a record's line end, and copying JSON values
 * exactly.
 *
 * <p>Records are read as UTF-8; a byte sequence that is not UTF-8 becomes U+FFFD, as {@link
 * String#String(byte[], java.nio.charset.Charset)} decodes it. (Jackson's own UTF-8 reader rejects
 * such bytes instead, so a record with any non-ASCII byte is decoded to a string first; ASCII
 * records are parsed from their bytes.) Every JSON record a step writes ends with one {@code \n},
 * as the Kinesis Agent's CSVTOJSON, LOGTOJSON and ADDMETADATA write them.
 *
 * <p>Stateless; thread-safe (the mapper and factory are configured once, here, and never changed).
 */
final class Json {
  /** Shared, never reconfigured. */
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** The mapper's factory: its parsers and generators know {@link #MAPPER} as their codec. */
  static final JsonFactory FACTORY = MAPPER.getFactory();

  private Json() {}

  /**
   * The length of {@code record} without one trailing {@code \n} or {@code \r\n}: the Kinesis
   * Agent's converters ignore the line's newline and end their output with their own.
   */
  static int lineEnd(byte[] record) {
    int end = record.length;
    if (end > 0 && record[end - 1] == '\n') {
      end--;
      if (end > 0 && record[end - 1] == '\r') {
        end--;
      }
    }
    return end;
  }

  /**
   * The first {@code length} bytes of {@code record} as text, U+FFFD for bytes that are not UTF-8.
   */
  static String text(byte[] record, int length) {
    return new String(record, 0, length, StandardCharsets.UTF_8);
  }

  /** Whether the first {@code length} bytes are all ASCII (so valid UTF-8). */
  static boolean isAscii(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** A parser over {@code record} read as UTF-8 with replacement. */
  static JsonParser parser(JsonFactory factory, byte[] record) throws IOException {
    return isAscii(record, record.length)
        ? factory.createParser(record)
        : factory.createParser(new String(record, StandardCharsets.UTF_8));
  }

  /** A generator writing into {@code out}, compact. */
  static JsonGenerator generator(ByteArrayBuilder out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /** Ends a record: one {@code \n}, then the bytes written. Closes {@code gen}. */
  static byte[] finish(JsonGenerator gen, ByteArrayBuilder out) throws IOException {
    gen.writeRaw('\n');
    gen.close();
    return out.toByteArray();
  }

  /**
   * Copies the value whose first token is {@code p}'s current token, leaving {@code p} on its last
   * token. Numbers are copied as written (no rounding through {@code double}), strings and names as
   * parsed.
   */
  static void copyValue(JsonParser p, JsonGenerator g) throws IOException {
    int depth = 0;
    JsonToken t = p.currentToken();
    while (true) {
      if (t == null) {
        throw new IOException("end of input inside a JSON value");
      }
      switch (t) {
        case START_OBJECT:
          g.writeStartObject();
          depth++;
          break;
        case START_ARRAY:
          g.writeStartArray();
          depth++;
          break;
        case END_OBJECT:
          g.writeEndObject();
          depth--;
          break;
        case END_ARRAY:
          g.writeEndArray();
          depth--;
          break;
        case FIELD_NAME:
          g.writeFieldName(p.currentName());
          break;
        case VALUE_STRING:
          g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          break;
        case VALUE_NUMBER_INT:
        case VALUE_NUMBER_FLOAT:
          g.writeNumber(p.getText());
          break;
        case VALUE_TRUE:
          g.writeBoolean(true);
          break;
        case VALUE_FALSE:
          g.writeBoolean(false);
          break;
        case VALUE_NULL:
          g.writeNull();
          break;
        default:
          throw new IOException("unexpected JSON token " + t);
      }
      if (depth == 0) {
        return;
      }
      t = p.nextToken();
    }
  }
}
