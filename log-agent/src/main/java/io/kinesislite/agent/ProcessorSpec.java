package io.kinesislite.agent;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One step of a flow's processing, applied to each record in order. A step that cannot handle a
 * record (a line a log format does not match, a CSV line that does not parse) acts as its {@link
 * OnError} says; by default the record goes on unchanged, counted in the {@code
 * kinesislite_agent_processing_errors_total} metric, so nothing is dropped unseen.
 *
 * <p>JSON steps read records as UTF-8; bytes that are not UTF-8 become U+FFFD in their output.
 * Without JSON steps, records are sent byte for byte.
 */
public sealed interface ProcessorSpec {
  /** What a step does with a record it cannot process. */
  enum OnError {
    /** Send the record unchanged (the Kinesis Agent does this for failed conversions). */
    PASS,
    /** Drop it (the Kinesis Agent does this for lines LOGTOJSON does not match). */
    DROP
  }

  /**
   * Joins a multi-line record into one line: each line trimmed (unless {@code noTrim}) and joined
   * with nothing, or with a literal {@code \n} when {@code escapeNewLine}; a newline ends it. The
   * Kinesis Agent's SINGLELINE.
   */
  record SingleLine(boolean noTrim, boolean escapeNewLine) implements ProcessorSpec {}

  /**
   * Turns a delimited line into a JSON object with these field names (a quoted field may hold the
   * delimiter; missing columns become null, extra columns are dropped). The Kinesis Agent's
   * CSVTOJSON, with quotes handled.
   */
  record CsvToJson(List<String> fieldNames, char delimiter, OnError onError)
      implements ProcessorSpec {
    public CsvToJson {
      fieldNames = List.copyOf(fieldNames);
      if (fieldNames.isEmpty()) {
        throw new IllegalArgumentException("csvToJson: customFieldNames must not be empty");
      }
      Objects.requireNonNull(onError, "onError == null");
    }
  }

  /**
   * Parses a log line into a JSON object: a known format, or {@code matchPattern} (named groups, or
   * groups named by {@code fieldNames} in order). {@code -} becomes null in Apache formats. The
   * Kinesis Agent's LOGTOJSON, except that a line that does not match is passed on by default.
   */
  record LogToJson(
      LogFormat format, Optional<Pattern> matchPattern, List<String> fieldNames, OnError onError)
      implements ProcessorSpec {
    public LogToJson {
      Objects.requireNonNull(format, "logFormat == null");
      Objects.requireNonNull(matchPattern, "matchPattern == null");
      fieldNames = List.copyOf(fieldNames);
      Objects.requireNonNull(onError, "onError == null");
      if (format == LogFormat.CUSTOM && matchPattern.isEmpty()) {
        throw new IllegalArgumentException("logToJson: a CUSTOM format needs a matchPattern");
      }
    }
  }

  /**
   * Adds metadata. With {@code wrap} (the Kinesis Agent's ADDMETADATA) the record becomes {@code
   * {"ts":…, "metadata":{…}, "data":"<record>"}}; otherwise the fields are added to a JSON object
   * record, and a record that is not a JSON object becomes {@code {"message":"<record>", …}}.
   * {@code host}, {@code file}, {@code offset} and {@code timestamp} add {@code @host}, {@code
   * @file}, {@code @offset} and {@code @timestamp} (UTC, ISO 8601, milliseconds); {@code fields}
   * are added as given.
   */
  record AddMetadata(
      boolean wrap,
      boolean timestamp,
      boolean host,
      boolean file,
      boolean offset,
      Map<String, Object> fields)
      implements ProcessorSpec {
    public AddMetadata {
      // In the order given, nulls allowed: the record's fields come out as the user wrote them.
      fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
  }

  /** Checks that each record is JSON and sends it compacted. */
  record JsonPassthrough(OnError onError) implements ProcessorSpec {
    public JsonPassthrough {
      Objects.requireNonNull(onError, "onError == null");
    }
  }

  /** Wraps the record in braces, as the Kinesis Agent's ADDBRACKETS example step does. */
  record AddBrackets() implements ProcessorSpec {}
}
