package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.kinesislite.agent.ProcessorSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ProcessorSpec.AddMetadata}: adds where and when a record was read, and fixed fields. The
 * result is a JSON object ending with a newline, as the Kinesis Agent's ADDMETADATA writes it.
 *
 * <ul>
 *   <li>With {@code wrap}, the Kinesis Agent's shape: {@code {"ts":"2024-06-27T10:15:30.042Z",
 *       "metadata":{…},"data":"<record>"}}. {@code ts} (only with {@code timestamp}) is when the
 *       agent read the record ({@link RecordContext#readAt()}, UTC, milliseconds); the Kinesis
 *       Agent takes its clock when it converts the record, a few milliseconds later. {@code data}
 *       is the record as text without its trailing newline, as there. {@code metadata} holds
 *       {@code @host}, {@code @file} and {@code @offset} (each when asked for), then the
 *       {@code fields}.
 *   <li>Without {@code wrap}, a record that is one JSON object gets {@code @timestamp}, {@code
 *       @host}, {@code @file}, {@code @offset} (a number; each when asked for) and the {@code
 *       fields} appended to its own fields, which are copied as they are; a name the record
 *       already has keeps the record's value (its own {@code @timestamp}, say, is the event's time
 *       and worth more than the read time). Any other record becomes {@code {"message":"<record
 *       without its trailing newline>", …}} with the same additions.
 * </ul>
 *
 * The {@code fields} are written in the spec's map order, each value serialized once, here. Bytes
 * that are not UTF-8 become U+FFFD. Never fails: a record that looks like an object but is not valid
 * JSON becomes a message.
 *
 * <p>Immutable; thread-safe.
 */
final class AddMetadataStep implements Step {
  private static final SerializedString TS = new SerializedString("ts");
  private static final SerializedString METADATA = new SerializedString("metadata");
  private static final SerializedString DATA = new SerializedString("data");
  private static final SerializedString MESSAGE = new SerializedString("message");
  private static final String AT_TIMESTAMP = "@timestamp";
  private static final String AT_HOST = "@host";
  private static final String AT_FILE = "@file";
  private static final String AT_OFFSET = "@offset";

  private static final int TIMESTAMP = 0;
  private static final int HOST = 1;
  private static final int FILE = 2;
  private static final int OFFSET = 3;
  private static final int FIRST_FIELD = 4;

  private final boolean wrap;

  /** With wrap, the timestamp is "ts", outside "metadata", and not in a slot. */
  private final boolean wrapTimestamp;

  /** The names of what is added, by slot: the four context values, then the fields. */
  private final SerializedString[] names;

  /** The fields' values as JSON text, by slot; null for the context slots. */
  private final SerializedString[] values;

  /** Whether each slot is written. */
  private final boolean[] enabled;

  /** Slot by name, enabled slots only: what a JSON record already having keeps. */
  private final Map<String, Integer> slotOf = new HashMap<>();

  private final UtcMillis clock = new UtcMillis();

  /**
   * Builds the step.
   *
   * @throws IllegalArgumentException if a field is named like an enabled context value ({@code
   *     @host} with {@code host}, …) or its value cannot be written as JSON
   */
  AddMetadataStep(ProcessorSpec.AddMetadata spec) {
    this.wrap = spec.wrap();
    int slots = FIRST_FIELD + spec.fields().size();
    this.names = new SerializedString[slots];
    this.values = new SerializedString[slots];
    this.enabled = new boolean[slots];
    context(TIMESTAMP, AT_TIMESTAMP, spec.timestamp() && !wrap);
    context(HOST, AT_HOST, spec.host());
    context(FILE, AT_FILE, spec.file());
    context(OFFSET, AT_OFFSET, spec.offset());
    int slot = FIRST_FIELD;
    for (Map.Entry<String, Object> field : spec.fields().entrySet()) {
      String name = field.getKey();
      if (slotOf.containsKey(name)) {
        throw new IllegalArgumentException(
            "addMetadata: field " + name + " is already added by the step's own option");
      }
      names[slot] = new SerializedString(name);
      try {
        values[slot] = new SerializedString(Json.MAPPER.writeValueAsString(field.getValue()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "addMetadata: field " + name + " cannot be written as JSON: " + e.getOriginalMessage(),
            e);
      }
      enabled[slot] = true;
      slotOf.put(name, slot);
      slot++;
    }
    this.wrapTimestamp = wrap && spec.timestamp();
  }

  private void context(int slot, String name, boolean on) {
    names[slot] = new SerializedString(name);
    enabled[slot] = on;
    if (on) {
      slotOf.put(name, slot);
    }
  }

  @Override
  public byte[] apply(byte[] record, RecordContext ctx) throws StepFailure {
    try {
      if (wrap) {
        return wrapped(record, ctx);
      }
      if (startsWithBrace(record)) {
        byte[] merged = merged(record, ctx);
        if (merged != null) {
          return merged;
        }
      }
      return message(record, ctx);
    } catch (IOException e) {
      // Writing to memory does not fail; this would be a bug.
      throw new StepFailure("cannot write JSON: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "addMetadata";
  }

  private byte[] wrapped(byte[] record, RecordContext ctx) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 128);
    try (JsonGenerator gen = Json.generator(out)) {
      gen.writeStartObject();
      if (wrapTimestamp) {
        gen.writeFieldName(TS);
        gen.writeString(clock.format(ctx.readAt()));
      }
      gen.writeFieldName(METADATA);
      gen.writeStartObject();
      writeAdditions(gen, ctx, null);
      gen.writeEndObject();
      gen.writeFieldName(DATA);
      gen.writeString(Json.text(record, Json.lineEnd(record)));
      gen.writeEndObject();
      return Json.finish(gen, out);
    }
  }

  private byte[] message(byte[] record, RecordContext ctx) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 128);
    try (JsonGenerator gen = Json.generator(out)) {
      gen.writeStartObject();
      gen.writeFieldName(MESSAGE);
      gen.writeString(Json.text(record, Json.lineEnd(record)));
      writeAdditions(gen, ctx, null);
      gen.writeEndObject();
      return Json.finish(gen, out);
    }
  }

  /** The record's object with the additions, or null if the record is not one JSON object. */
  private byte[] merged(byte[] record, RecordContext ctx) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 128);
    boolean[] present = new boolean[names.length];
    try (JsonParser p = Json.parser(Json.FACTORY, record);
        JsonGenerator gen = Json.generator(out)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      gen.writeStartObject();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        Integer slot = slotOf.get(name);
        if (slot != null) {
          present[slot] = true;
        }
        gen.writeFieldName(name);
        p.nextToken();
        Json.copyValue(p, gen);
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      writeAdditions(gen, ctx, present);
      gen.writeEndObject();
      return Json.finish(gen, out);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void writeAdditions(JsonGenerator gen, RecordContext ctx, boolean[] skip)
      throws IOException {
    for (int slot = 0; slot < names.length; slot++) {
      if (!enabled[slot] || (skip != null && skip[slot])) {
        continue;
      }
      gen.writeFieldName(names[slot]);
      switch (slot) {
        case TIMESTAMP:
          gen.writeString(clock.format(ctx.readAt()));
          break;
        case HOST:
          gen.writeString(ctx.host());
          break;
        case FILE:
          gen.writeString(ctx.file());
          break;
        case OFFSET:
          gen.writeNumber(ctx.offset());
          break;
        default:
          gen.writeRawValue(values[slot]);
          break;
      }
    }
  }

  private static boolean startsWithBrace(byte[] record) {
    for (byte b : record) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return false;
  }
}
