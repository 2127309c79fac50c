package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link ProcessorSpec.LogToJson}: parses a log line with a regular expression into a JSON object
 * of strings, {@code {"host":"…",…}}, ending with a newline as the Kinesis Agent's LOGTOJSON does.
 *
 * <p>The pattern is the format's own ({@link LogPatterns}) or the spec's {@code matchPattern}; the
 * whole line, without its trailing {@code \n} or {@code \r\n}, must match. Field names, one per
 * capturing group in order:
 *
 * <ul>
 *   <li>{@code fieldNames} when given: with the format's pattern they must be as many as the
 *       format's fields (they rename them, as in the Kinesis Agent); with a {@code matchPattern} as
 *       many as its groups;
 *   <li>otherwise, with a {@code matchPattern} that has named groups, those names (unnamed groups
 *       are then not fields);
 *   <li>otherwise, with a {@code matchPattern} under a known format, the format's fields, if they
 *       are as many as the pattern's groups;
 *   <li>otherwise, without a {@code matchPattern}, the format's {@link LogFormat#fields()}.
 * </ul>
 *
 * Every value is a string, null for a group that did not take part in the match, and null for
 * {@code -} where the format says so ({@link LogPatterns#dashIsNull}). A line that does not match
 * is a failure, handled as {@code onError} says (the Kinesis Agent always drops it). Bytes that are
 * not UTF-8 become U+FFFD.
 *
 * <p>Immutable; thread-safe.
 */
final class LogToJsonStep implements Step {
  private final Pattern pattern;

  /** The field names, and the number of the group each is taken from. */
  private final SerializedString[] names;

  private final int[] groupOf;
  private final boolean[] dashIsNull;
  private final String mismatch;

  /**
   * Builds the step.
   *
   * @throws IllegalArgumentException naming {@code logToJson} and the counts if the field names do
   *     not fit the pattern's groups
   */
  LogToJsonStep(ProcessorSpec.LogToJson spec) {
    LogFormat format = spec.format();
    boolean builtIn = spec.matchPattern().isEmpty();
    this.pattern = builtIn ? LogPatterns.of(format) : spec.matchPattern().get();
    int groups = pattern.matcher("").groupCount();
    List<String> fields = fieldNames(spec, format, builtIn, groups);
    boolean[] nullable = LogPatterns.dashIsNull(format, groups, builtIn);
    int count = (int) fields.stream().filter(f -> f != null).count();
    this.names = new SerializedString[count];
    this.groupOf = new int[count];
    this.dashIsNull = new boolean[count];
    int field = 0;
    for (int g = 0; g < groups; g++) {
      if (fields.get(g) != null) {
        names[field] = new SerializedString(fields.get(g));
        groupOf[field] = g + 1;
        dashIsNull[field] = nullable[g];
        field++;
      }
    }
    this.mismatch = "line does not match the " + (builtIn ? format : "matchPattern") + " pattern";
  }

  /** The field name of each group, by group number less one; null for a group that is not one. */
  private static List<String> fieldNames(
      ProcessorSpec.LogToJson spec, LogFormat format, boolean builtIn, int groups) {
    List<String> given = spec.fieldNames();
    if (builtIn) {
      if (!given.isEmpty() && given.size() != groups) {
        throw new IllegalArgumentException(
            "logToJson: customFieldNames has "
                + given.size()
                + " names but the "
                + format
                + " format has "
                + groups
                + " fields");
      }
      return given.isEmpty() ? format.fields() : given;
    }
    if (!given.isEmpty()) {
      if (given.size() != groups) {
        throw new IllegalArgumentException(
            "logToJson: customFieldNames has "
                + given.size()
                + " names but matchPattern has "
                + groups
                + " capturing groups");
      }
      return given;
    }
    List<String> named = RegexGroups.names(spec.matchPattern().get(), "logToJson");
    if (named.stream().anyMatch(n -> n != null)) {
      return named;
    }
    if (format != LogFormat.CUSTOM && format.fields().size() == groups) {
      return format.fields();
    }
    throw new IllegalArgumentException(
        "logToJson: matchPattern has "
            + groups
            + " capturing groups and none is named"
            + (format == LogFormat.CUSTOM
                ? ""
                : " (the " + format + " format has " + format.fields().size() + " fields)")
            + "; name them (?<name>...) or give customFieldNames with "
            + groups
            + " names");
  }

  @Override
  public byte[] apply(byte[] record, RecordContext ctx) throws StepFailure {
    String line = Json.text(record, Json.lineEnd(record));
    Matcher m = pattern.matcher(line);
    if (!m.matches()) {
      throw new StepFailure(mismatch);
    }
    ByteArrayBuilder out = new ByteArrayBuilder(record.length + 12 * names.length + 8);
    try (JsonGenerator gen = Json.generator(out)) {
      gen.writeStartObject();
      for (int i = 0; i < names.length; i++) {
        int start = m.start(groupOf[i]);
        int end = m.end(groupOf[i]);
        gen.writeFieldName(names[i]);
        if (start < 0 || (dashIsNull[i] && end - start == 1 && line.charAt(start) == '-')) {
          gen.writeNull();
        } else {
          gen.writeString(line.substring(start, end));
        }
      }
      gen.writeEndObject();
      return Json.finish(gen, out);
    } catch (IOException e) {
      throw new StepFailure("cannot write JSON: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "logToJson";
  }
}
