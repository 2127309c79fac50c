package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.kinesislite.agent.ProcessorSpec;
import java.io.IOException;
import java.util.List;

/**
 * {@link ProcessorSpec.CsvToJson}: turns one delimited line into a JSON object of strings, {@code
 * {"field1":"value1",…}}, ending with a newline as the Kinesis Agent's CSVTOJSON does.
 *
 * <p>Unlike the Kinesis Agent, which splits at every delimiter, it reads the line as CSV (RFC 4180
 * quoting, with jackson-dataformat-csv): a field in double quotes may hold the delimiter, newlines
 * and doubled quotes ({@code ""} for one {@code "}), and the quotes are not part of the value.
 * Fields are not trimmed. Missing columns become null and extra columns are dropped, as in the
 * Kinesis Agent; a trailing {@code \n} or {@code \r\n} is not part of the last field; an empty line
 * gives an empty first field and nulls. A quote that is never closed, or a second row (a newline
 * outside quotes), is a failure, handled as {@code onError} says. Bytes that are not UTF-8 become
 * U+FFFD.
 *
 * <p>Immutable; thread-safe.
 */
final class CsvToJsonStep implements Step {
  private static final CsvMapper CSV = new CsvMapper();

  private final SerializedString[] names;
  private final ObjectReader reader;

  CsvToJsonStep(ProcessorSpec.CsvToJson spec) {
    List<String> fields = spec.fieldNames();
    this.names = new SerializedString[fields.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = new SerializedString(fields.get(i));
    }
    CsvSchema schema =
        CsvSchema.emptySchema().withColumnSeparator(spec.delimiter()).withQuoteChar('"');
    this.reader = CSV.readerFor(String[].class).with(schema);
  }

  @Override
  public byte[] apply(byte[] record, RecordContext ctx) throws StepFailure {
    int end = Json.lineEnd(record);
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 8 * names.length + 8);
    try (JsonParser csv = csvParser(record, end);
        JsonGenerator gen = Json.generator(out)) {
      gen.writeStartObject();
      int column = 0;
      JsonToken t = csv.nextToken();
      if (t == null) {
        // An empty line: one empty field, as String.split gives the Kinesis Agent.
        gen.writeFieldName(names[0]);
        gen.writeString("");
        column = 1;
      } else {
        if (t != JsonToken.START_ARRAY) {
          throw new StepFailure("not a CSV row");
        }
        while ((t = csv.nextToken()) == JsonToken.VALUE_STRING) {
          if (column < names.length) {
            gen.writeFieldName(names[column]);
            gen.writeString(csv.getTextCharacters(), csv.getTextOffset(), csv.getTextLength());
          }
          column++;
        }
        if (t != JsonToken.END_ARRAY) {
          throw new StepFailure("not a CSV row");
        }
        if (csv.nextToken() != null) {
          throw new StepFailure("more than one CSV row (a newline outside quotes)");
        }
      }
      for (; column < names.length; column++) {
        gen.writeFieldName(names[column]);
        gen.writeNull();
      }
      gen.writeEndObject();
      return Json.finish(gen, out);
    } catch (JsonProcessingException e) {
      throw new StepFailure("invalid CSV: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new StepFailure("invalid CSV: " + firstLine(e.getMessage()));
    }
  }

  @Override
  public String name() {
    return "csvToJson";
  }

  private JsonParser csvParser(byte[] record, int end) throws IOException {
    return Json.isAscii(record, end)
        ? reader.createParser(record, 0, end)
        : reader.createParser(Json.text(record, end));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
