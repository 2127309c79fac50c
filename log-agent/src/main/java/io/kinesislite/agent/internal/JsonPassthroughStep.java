package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.kinesislite.agent.ProcessorSpec;
import java.io.IOException;

/**
 * {@link ProcessorSpec.JsonPassthrough}: checks that a record is one JSON value (usually an object)
 * and sends it compact, ending with a newline like the other JSON steps. Numbers are kept as
 * written and field order and duplicate names as they are: only whitespace changes. A record that
 * is not JSON, is empty, or has anything but whitespace after its value is a failure, handled as
 * {@code onError} says. Bytes that are not UTF-8 become U+FFFD.
 *
 * <p>Streams from parser to generator, without building a tree.
 *
 * <p>Immutable; thread-safe.
 */
final class JsonPassthroughStep implements Step {
  @Override
  public byte[] apply(byte[] record, RecordContext ctx) throws StepFailure {
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 1);
    try (JsonParser p = Json.parser(Json.FACTORY, record);
        JsonGenerator gen = Json.generator(out)) {
      if (p.nextToken() == null) {
        throw new StepFailure("empty record, not JSON");
      }
      Json.copyValue(p, gen);
      if (p.nextToken() != null) {
        throw new StepFailure("more than one JSON value");
      }
      return Json.finish(gen, out);
    } catch (JsonProcessingException e) {
      throw new StepFailure("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new StepFailure("invalid JSON: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "jsonPassthrough";
  }
}
