package io.kinesislite.reliability;

import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for the log-agent's processing steps (the Kinesis Agent's dataProcessingOptions
 * SINGLELINE, CSVTOJSON, LOGTOJSON, ADDMETADATA, ADDBRACKETS, and {@code jsonPassthrough}): chains
 * of one to three steps with random options, and lines for them: lines of each log format as
 * written, the same with characters cut, doubled or replaced, random text and random bytes (not
 * UTF-8), CSV with quotes, and long runs of quotes, backslashes and brackets that make a careless
 * regular expression backtrack for ever.
 *
 * <p>Stateless; thread-safe.
 */
final class LogLines {
  /** One case: the steps, the line, and the format the line was written in before any damage. */
  record Case(List<ProcessorSpec> steps, byte[] line, String kind, Optional<LogFormat> intact) {
    @Override
    public String toString() {
      String text = new String(line, 0, Math.min(line.length, 160), StandardCharsets.UTF_8);
      return steps + " on " + kind + " (" + line.length + " bytes): " + text.replace("\n", "\\n");
    }
  }

  private LogLines() {}

  static Arbitrary<Case> cases() {
    return Arbitraries.frequencyOf(
        Tuple.of(20, intactLines()),
        Tuple.of(
            80,
            Combinators.combine(steps().list().ofMinSize(1).ofMaxSize(3), lines())
                .as((steps, line) -> new Case(steps, line.bytes, line.kind, Optional.empty()))));
  }

  /** A line of a format, as that format writes it, through that format's logToJson alone. */
  private static Arbitrary<Case> intactLines() {
    return Combinators.combine(Arbitraries.of(FORMATS), word(), word(), text())
        .as(
            (format, a, b, message) -> {
              String line = formatted(format, a, b, message);
              ProcessorSpec step =
                  new ProcessorSpec.LogToJson(format, Optional.empty(), List.of(), OnError.DROP);
              return new Case(
                  List.of(step),
                  (line + "\n").getBytes(StandardCharsets.UTF_8),
                  "intact " + format,
                  Optional.of(format));
            });
  }

  private static final List<LogFormat> FORMATS =
      List.of(
          LogFormat.COMMON_APACHE,
          LogFormat.COMBINED_APACHE,
          LogFormat.APACHE_ERROR,
          LogFormat.SYSLOG_RFC3164,
          LogFormat.SYSLOG_RFC3339,
          LogFormat.SYSLOG_RFC5424);

  static String formatted(LogFormat format, String a, String b, String message) {
    return switch (format) {
      case COMMON_APACHE ->
          a + " - " + b + " [10/Oct/2000:13:55:36 -0700] \"GET /" + b + " HTTP/1.0\" 200 2326";
      case COMBINED_APACHE ->
          a
              + " - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 404 -"
              + " \"http://x/"
              + b
              + "\" \"Mozilla/5.0 "
              + b
              + "\"";
      case APACHE_ERROR ->
          "[Wed Oct 11 14:32:52 2000] [core:error] [pid 35708:tid 4328636416] [client "
              + a
              + "] "
              + message;
      case SYSLOG_RFC3164 -> "Mar  7 04:02:16 " + a + " " + b + "[123]: " + message;
      case SYSLOG_RFC3339 -> "2026-03-07T04:02:16.123+01:00 " + a + " " + b + ": " + message;
      default ->
          "<34>1 2026-10-11T22:14:15.003Z "
              + a
              + " "
              + b
              + " - ID47 [exampleSDID@32473 iut=\"3\"] "
              + message;
    };
  }

  /** A word as the formats' fields take it: no spaces, brackets, colons or quotes. */
  private static Arbitrary<String> word() {
    return Arbitraries.strings()
        .withChars("abcxyz0123456789.-_/")
        .ofMinLength(1)
        .ofMaxLength(15)
        .filter(w -> !w.equals("-"));
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80);
  }

  private static Arbitrary<ProcessorSpec> steps() {
    Arbitrary<OnError> onError = Arbitraries.of(OnError.class);
    Arbitrary<ProcessorSpec> singleLine =
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
            .as(ProcessorSpec.SingleLine::new);
    Arbitrary<ProcessorSpec> csv =
        Combinators.combine(
                word().list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.of(',', '\t', '|', ';', ' ', ':', '\\', '\''),
                onError)
            .as(ProcessorSpec.CsvToJson::new);
    Arbitrary<ProcessorSpec> log =
        Combinators.combine(Arbitraries.of(FORMATS), onError)
            .as((f, e) -> new ProcessorSpec.LogToJson(f, Optional.empty(), List.of(), e));
    Arbitrary<ProcessorSpec> custom =
        Combinators.combine(
                Arbitraries.of(
                    "(?<level>\\w+) (?<message>.*)",
                    "(\\S+) (\\S+)",
                    "(?<a>[^,]*),(?<b>[^,]*),(?<c>.*)",
                    "(?<all>(?:a|aa)*+)b"),
                onError)
            .as(
                (p, e) ->
                    new ProcessorSpec.LogToJson(
                        LogFormat.CUSTOM,
                        Optional.of(Pattern.compile(p, Pattern.DOTALL)),
                        p.equals("(\\S+) (\\S+)") ? List.of("first", "second") : List.of(),
                        e));
    Arbitrary<ProcessorSpec> metadata =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(Map.<String, Object>of(), Map.<String, Object>of("env", "fuzz")))
            .as(ProcessorSpec.AddMetadata::new);
    Arbitrary<ProcessorSpec> passthrough = onError.map(ProcessorSpec.JsonPassthrough::new);
    Arbitrary<ProcessorSpec> brackets = Arbitraries.just(new ProcessorSpec.AddBrackets());
    return Arbitraries.oneOf(singleLine, csv, log, custom, metadata, passthrough, brackets);
  }

  private record Line(byte[] bytes, String kind) {}

  private static Arbitrary<Line> lines() {
    Arbitrary<Line> damaged =
        Combinators.combine(
                Arbitraries.of(FORMATS),
                word(),
                word(),
                text(),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.chars().with(" \"[]\\:-<>\n\r\t,0aZ\u00e9\u2028".toCharArray()))
            .as(
                (f, a, b, message, edit, at, c) -> {
                  String line = formatted(f, a, b, message);
                  int i = at % (line.length() + 1);
                  String out =
                      switch (edit) {
                        case 0 ->
                            line.substring(0, i) + line.substring(Math.min(i + 1, line.length()));
                        case 1 -> line.substring(0, i) + c + line.substring(i);
                        case 2 -> line.substring(0, i) + line.substring(i).repeat(2);
                        default -> line.substring(0, i);
                      };
                  return new Line(utf8(out + "\n"), "damaged " + f);
                });
    Arbitrary<Line> random =
        Arbitraries.strings()
            .withCharRange('\u0000', '\ud7ff')
            .ofMaxLength(300)
            .map(s -> new Line(utf8(s + "\n"), "random text"));
    Arbitrary<Line> bytes =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(300)
            .map(b -> new Line(b, "random bytes"));
    Arbitrary<Line> csv =
        Arbitraries.strings()
            .withChars("ab,\"\t|;\\' \n\r")
            .ofMaxLength(100)
            .map(s -> new Line(utf8(s + "\n"), "CSV-like"));
    Arbitrary<Line> pathological =
        Combinators.combine(
                Arbitraries.of(
                    "\"", "\\\\", "\\\"", "[", "]", "a", "aa", " ", "- ", "\"\"", ",", "[x] ",
                    "<1>"),
                Arbitraries.integers().between(1, 20_000),
                Arbitraries.of("", "\"", "]", "\n", "x"))
            .as(
                (unit, n, end) ->
                    new Line(
                        utf8("1.2.3.4 - - [" + unit.repeat(n) + end + "\n"),
                        "pathological " + unit + " x" + n));
    Arbitrary<Line> repeated =
        Combinators.combine(
                Arbitraries.of("a", "a ", "\"", "[", "\\"),
                Arbitraries.integers().between(1, 20_000))
            .as((unit, n) -> new Line(utf8(unit.repeat(n) + "b\n"), "repeated " + unit));
    Arbitrary<Line> multiLine =
        text()
            .list()
            .ofMinSize(2)
            .ofMaxSize(6)
            .map(l -> new Line(utf8(String.join("\n", l) + "\n"), "multi-line"));
    Arbitrary<Line> empty =
        Arbitraries.of("", "\n", "\r\n", "\n\n", " \n").map(s -> new Line(utf8(s), "blank"));
    return Arbitraries.frequencyOf(
        Tuple.of(35, damaged),
        Tuple.of(12, random),
        Tuple.of(10, bytes),
        Tuple.of(12, csv),
        Tuple.of(10, pathological),
        Tuple.of(6, repeated),
        Tuple.of(10, multiLine),
        Tuple.of(5, empty));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
