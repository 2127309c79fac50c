package io.kinesislite.agent.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the Kinesis Agent's {@code dataProcessingOptions} into {@link ProcessorSpec}s, reporting
 * what it does not take as {@link ConfigNotice}s. Not thread-safe; one per file read.
 *
 * <ul>
 *   <li>SINGLELINE ({@code parseOptions} NO_TRIM, ESCAPE_NEW_LINE) → singleLine.
 *   <li>CSVTOJSON → csvToJson, failures passed on as the Kinesis Agent passes them. Its {@code
 *       delimiter} is a regular expression there; one character, or an escaped one ({@code \\t},
 *       {@code \\|}), is taken, anything else is an error saying why.
 *   <li>LOGTOJSON → logToJson with {@link OnError#DROP}, as the Kinesis Agent drops lines its
 *       format does not match, and a {@link Kind#MAPPED} notice saying agent.yaml can pass them on.
 *   <li>ADDMETADATA → addMetadata with wrap; {@code timestamp} as the string "true"/"false" or a
 *       JSON boolean; {@code metadata} must be an object of fields.
 *   <li>ADDBRACKETS → addBrackets.
 *   <li>ADDEC2METADATA, USINGPLUGGIN → {@link Kind#UNSUPPORTED}; the step is left out.
 *   <li>{@code jsonFormat}: COMPACT is what kinesis-lite writes; PRETTYPRINT is unsupported.
 * </ul>
 */
final class AgentJsonSteps {
  private static final String REGEX_META = ".$|()[]{}^?*+\\";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ConfigNotice> notices;

  AgentJsonSteps(List<ConfigNotice> notices) {
    this.notices = notices;
  }

  /** Reads a dataProcessingOptions list; unsupported steps are reported and left out. */
  List<ProcessorSpec> read(ConfigNode list) {
    List<ProcessorSpec> steps = new ArrayList<>();
    for (ConfigNode n : list.list()) {
      n.requireObject();
      ConfigNode option = n.get("optionName");
      if (!option.isSet()) {
        throw option.missing("the processing option: SINGLELINE, CSVTOJSON, LOGTOJSON, …");
      }
      String name = option.text().toUpperCase(Locale.ROOT);
      ProcessorSpec step = step(n, name);
      if (step != null) {
        steps.add(step);
      }
    }
    return steps;
  }

  private static final List<String> OPTION_NAMES =
      List.of(
          "SINGLELINE",
          "CSVTOJSON",
          "LOGTOJSON",
          "ADDMETADATA",
          "ADDEC2METADATA",
          "ADDBRACKETS",
          "USINGPLUGGIN");

  /** Reads one dataProcessingOptions element; null for an unsupported one, left out. */
  private ProcessorSpec step(ConfigNode n, String name) {
    switch (name) {
      case "SINGLELINE":
        optionKeys(n, "parseOptions");
        boolean noTrim = false;
        boolean escape = false;
        ConfigNode options = n.get("parseOptions");
        if (options.isSet()) {
          for (ConfigNode o : options.list()) {
            String value = o.text().toUpperCase(Locale.ROOT);
            if (value.equals("NO_TRIM")) {
              noTrim = true;
            } else if (value.equals("ESCAPE_NEW_LINE")) {
              escape = true;
            } else {
              throw o.error("must be NO_TRIM or ESCAPE_NEW_LINE: '" + o.text() + "'");
            }
          }
        }
        return new ProcessorSpec.SingleLine(noTrim, escape);
      case "CSVTOJSON":
        optionKeys(n, "customFieldNames", "delimiter");
        ConfigNode names = n.get("customFieldNames");
        if (!names.isSet()) {
          throw names.missing("the field names of the columns, in order");
        }
        char delimiter = n.get("delimiter").isSet() ? delimiter(n.get("delimiter")) : ',';
        List<String> fields = names.strings();
        return names.apply(() -> new ProcessorSpec.CsvToJson(fields, delimiter, OnError.PASS));
      case "LOGTOJSON":
        optionKeys(n, "logFormat", "matchPattern", "customFieldNames");
        return logToJson(n);
      case "ADDMETADATA":
        optionKeys(n, "metadata", "timestamp");
        ConfigNode ts = n.get("timestamp");
        boolean timestamp = ts.isSet() && ts.bool();
        return new ProcessorSpec.AddMetadata(
            true, timestamp, false, false, false, metadata(n.get("metadata")));
      case "ADDBRACKETS":
        optionKeys(n);
        return new ProcessorSpec.AddBrackets();
      case "ADDEC2METADATA":
        notice(
            n,
            Kind.UNSUPPORTED,
            "ADDEC2METADATA is left out: kinesis-lite does not query the EC2 metadata service or"
                + " DescribeTags; records are sent without those fields (agent.yaml's addMetadata"
                + " can add the host name and fields of your own)");
        return null;
      case "USINGPLUGGIN":
        notice(
            n,
            Kind.UNSUPPORTED,
            "USINGPLUGGIN is left out: kinesis-lite loads no converter classes"
                + (n.get("className").isSet()
                    ? " (" + n.get("className").json().asText() + ")"
                    : "")
                + "; records are sent without that conversion");
        return null;
      default:
        throw n.get("optionName")
            .error(
                "unknown processing option '"
                    + n.get("optionName").json().asText()
                    + "'; the Kinesis Agent has "
                    + String.join(", ", OPTION_NAMES));
    }
  }

  /**
   * Reports the keys of a processing option other than optionName, jsonFormat and {@code valid}.
   */
  private void optionKeys(ConfigNode n, String... valid) {
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      if (key.equals("optionName") || List.of(valid).contains(key)) {
        continue;
      }
      if (key.equals("jsonFormat")) {
        String format = v.text().toUpperCase(Locale.ROOT);
        if (format.equals("PRETTYPRINT")) {
          notice(
              v,
              Kind.UNSUPPORTED,
              "PRETTYPRINT is not supported: JSON records are sent compact, one line each");
        } else if (!format.equals("COMPACT")) {
          throw v.error("must be COMPACT or PRETTYPRINT: '" + v.text() + "'");
        }
        continue;
      }
      List<String> known = new ArrayList<>(List.of(valid));
      known.add("optionName");
      known.add("jsonFormat");
      notice(v, Kind.UNSUPPORTED, AgentJsonKeys.unknown(key, known));
    }
  }

  /** Reads the CSVTOJSON delimiter, a regex in the Kinesis Agent, as one character. */
  static char delimiter(ConfigNode n) {
    String d = n.text();
    if (d.length() == 1 && REGEX_META.indexOf(d.charAt(0)) < 0) {
      return d.charAt(0);
    }
    if (d.length() == 2 && d.charAt(0) == '\\') {
      char c = d.charAt(1);
      if (c == 't') {
        return '\t';
      }
      if (!Character.isLetterOrDigit(c)) {
        return c;
      }
    }
    String example =
        d.length() == 1 ? " ('" + d + "' alone is a regex operator; write \"\\\\" + d + "\")" : "";
    throw n.error(
        "the Kinesis Agent splits lines on this as a regular expression, kinesis-lite on one"
            + " delimiter character (and a quoted field may hold it): give one character like"
            + " \",\" or \";\", or an escaped one like \"\\\\t\" or \"\\\\|\", not '"
            + d
            + "'"
            + example);
  }

  private ProcessorSpec logToJson(ConfigNode n) {
    ConfigNode formatNode = n.get("logFormat");
    if (!formatNode.isSet()) {
      throw formatNode.missing(
          "COMMONAPACHELOG, COMBINEDAPACHELOG, APACHEERRORLOG, SYSLOG or RFC3339SYSLOG");
    }
    String name = formatNode.text().toUpperCase(Locale.ROOT);
    LogFormat format;
    switch (name) {
      case "COMMONAPACHELOG":
        format = LogFormat.COMMON_APACHE;
        break;
      case "COMBINEDAPACHELOG":
        format = LogFormat.COMBINED_APACHE;
        break;
      case "APACHEERRORLOG":
        format = LogFormat.APACHE_ERROR;
        break;
      case "SYSLOG":
        format = LogFormat.SYSLOG_RFC3164;
        break;
      case "RFC3339SYSLOG":
        format = LogFormat.SYSLOG_RFC3339;
        break;
      default:
        throw formatNode.error(
            "must be COMMONAPACHELOG, COMBINEDAPACHELOG, APACHEERRORLOG, SYSLOG or"
                + " RFC3339SYSLOG: '"
                + formatNode.text()
                + "'");
    }
    ConfigNode patternNode = n.get("matchPattern");
    ConfigNode namesNode = n.get("customFieldNames");
    List<String> names = namesNode.isSet() ? namesNode.strings() : List.of();
    Optional<Pattern> pattern = Optional.empty();
    if (patternNode.isSet()) {
      pattern = Optional.of(Regexes.compile(patternNode));
      if (names.isEmpty()) {
        throw namesNode.missing("with a matchPattern, customFieldNames must name its groups");
      }
      Regexes.checkGroupsFor(patternNode, pattern.get(), names.size(), "customFieldNames");
    } else if (!names.isEmpty() && names.size() != format.fields().size()) {
      throw namesNode.error(
          "without a matchPattern it renames the "
              + format.fields().size()
              + " fields of "
              + name
              + " "
              + format.fields()
              + ", so it must hold "
              + format.fields().size()
              + " names, not "
              + names.size());
    }
    notice(
        n,
        Kind.MAPPED,
        "→ logToJson "
            + format.name().toLowerCase(Locale.ROOT)
            + " with onError: drop: lines the format does not match are dropped, as the Kinesis"
            + " Agent drops them (counted in the processing-errors metric); in agent.yaml,"
            + " onError: pass sends them on unchanged instead");
    Optional<Pattern> p = pattern;
    return n.apply(() -> new ProcessorSpec.LogToJson(format, p, names, OnError.DROP));
  }

  private static Map<String, Object> metadata(ConfigNode n) {
    if (!n.isSet()) {
      return Map.of();
    }
    if (!n.json().isObject()) {
      throw n.error(
          "kinesis-lite takes metadata as an object of fields, like {\"env\": \"prod\"}, not "
              + n.describe());
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      if (!v.isSet()) {
        throw v.error("a metadata field needs a value other than null");
      }
      fields.put(key, JSON.convertValue(v.json(), Object.class));
    }
    return fields;
  }

  private void notice(ConfigNode n, Kind kind, String message) {
    notices.add(new ConfigNotice(n.noticeKey(), kind, message));
  }
}
