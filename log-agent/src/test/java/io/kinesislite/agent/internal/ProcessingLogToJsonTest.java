package io.kinesislite.agent.internal;

import static io.kinesislite.agent.internal.Fixtures.CTX;
import static io.kinesislite.agent.internal.Fixtures.text;
import static io.kinesislite.agent.internal.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProcessingLogToJsonTest {
  private static String parse(LogFormat format, String line) throws StepFailure {
    return parse(
        new ProcessorSpec.LogToJson(format, Optional.empty(), List.of(), OnError.PASS), line);
  }

  private static String parse(ProcessorSpec.LogToJson spec, String line) throws StepFailure {
    return text(new LogToJsonStep(spec).apply(utf8(line), CTX));
  }

  private static ProcessorSpec.LogToJson custom(String regex, String... fieldNames) {
    return new ProcessorSpec.LogToJson(
        LogFormat.CUSTOM, Optional.of(Pattern.compile(regex)), List.of(fieldNames), OnError.PASS);
  }

  @Test
  void everyKnownFormatsPatternHasOneGroupPerField() {
    for (LogFormat format : LogFormat.values()) {
      if (format != LogFormat.CUSTOM) {
        assertThat(LogPatterns.of(format).matcher("").groupCount())
            .as("%s", format)
            .isEqualTo(format.fields().size());
      }
    }
  }

  @Test
  void anApacheCombinedLineBecomesItsNineFieldsWithDashAsNull() throws StepFailure {
    String line =
        "203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200"
            + " 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n";
    assertThat(parse(LogFormat.COMBINED_APACHE, line))
        .isEqualTo(
            "{\"host\":\"203.0.113.7\",\"ident\":null,\"authuser\":\"frank\","
                + "\"datetime\":\"10/Oct/2000:13:55:36 -0700\","
                + "\"request\":\"GET /apache_pb.gif HTTP/1.0\",\"response\":\"200\","
                + "\"bytes\":\"2326\",\"referer\":\"http://www.example.com/start.html\","
                + "\"agent\":\"Mozilla/4.08 [en] (Win98; I ;Nav)\"}\n");
  }

  @Test
  void anEscapedQuoteInTheRequestStaysInTheRequest() throws StepFailure {
    String line =
        "10.0.0.1 - - [27/Jun/2024:10:15:30 +0000] \"GET /q?a=\\\"x\\\" HTTP/1.1\" 404 153"
            + " \"-\" \"curl/8.5.0\"\n";
    assertThat(Fixtures.json(parse(LogFormat.COMBINED_APACHE, line)).get("request").asText())
        .isEqualTo("GET /q?a=\\\"x\\\" HTTP/1.1");
    assertThat(Fixtures.json(parse(LogFormat.COMBINED_APACHE, line)).get("referer").isNull())
        .isTrue();
  }

  @Test
  void anApacheCommonLineWithoutBytesHasNullBytes() throws StepFailure {
    assertThat(
            parse(
                LogFormat.COMMON_APACHE,
                "127.0.0.1 - - [27/Jun/2024:10:15:30 +0000] \"GET / HTTP/1.1\" 304 -\n"))
        .isEqualTo(
            "{\"host\":\"127.0.0.1\",\"ident\":null,\"authuser\":null,"
                + "\"datetime\":\"27/Jun/2024:10:15:30 +0000\",\"request\":\"GET / HTTP/1.1\","
                + "\"response\":\"304\",\"bytes\":null}\n");
  }

  @Test
  void aCombinedLineIsACommonLineWithMoreAfterIt() throws StepFailure {
    String line =
        "127.0.0.1 - - [27/Jun/2024:10:15:30 +0000] \"GET / HTTP/1.1\" 200 12 \"-\" \"x\" 0.004\n";
    assertThat(Fixtures.json(parse(LogFormat.COMMON_APACHE, line)).get("bytes").asText())
        .isEqualTo("12");
    assertThat(Fixtures.json(parse(LogFormat.COMBINED_APACHE, line)).get("agent").asText())
        .isEqualTo("x");
  }

  @Test
  void anApacheErrorLineInThe24FormatBecomesItsSevenFields() throws StepFailure {
    String line =
        "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416]"
            + " [client 72.15.99.187:51234] AH00128: File does not exist:"
            + " /usr/local/apache2/htdocs/favicon.ico\n";
    assertThat(parse(LogFormat.APACHE_ERROR, line))
        .isEqualTo(
            "{\"timestamp\":\"Fri Sep 09 10:42:29.902022 2011\",\"module\":\"core\","
                + "\"severity\":\"error\",\"processid\":\"35708\",\"threadid\":\"4328636416\","
                + "\"client\":\"72.15.99.187:51234\","
                + "\"message\":\"AH00128: File does not exist:"
                + " /usr/local/apache2/htdocs/favicon.ico\"}\n");
  }

  @Test
  void anApacheErrorLineInThe22FormatHasNullModuleAndIds() throws StepFailure {
    String line =
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server"
            + " configuration: /export/home/live/ap/htdocs/test\n";
    assertThat(parse(LogFormat.APACHE_ERROR, line))
        .isEqualTo(
            "{\"timestamp\":\"Wed Oct 11 14:32:52 2000\",\"module\":null,\"severity\":\"error\","
                + "\"processid\":null,\"threadid\":null,\"client\":\"127.0.0.1\","
                + "\"message\":\"client denied by server configuration:"
                + " /export/home/live/ap/htdocs/test\"}\n");
  }

  @Test
  void anApacheErrorLineWithoutClientOrThreadIsStillParsed() throws StepFailure {
    String line =
        "[Thu Jun 27 10:15:30.123456 2024] [mpm_prefork:notice] [pid 1234] AH00163: Apache/2.4.58"
            + " configured -- resuming normal operations\n";
    String json = parse(LogFormat.APACHE_ERROR, line);
    assertThat(Fixtures.json(json).get("module").asText()).isEqualTo("mpm_prefork");
    assertThat(Fixtures.json(json).get("processid").asText()).isEqualTo("1234");
    assertThat(Fixtures.json(json).get("threadid").isNull()).isTrue();
    assertThat(Fixtures.json(json).get("client").isNull()).isTrue();
  }

  @Test
  void anRfc3164SyslogLineBecomesItsFiveFields() throws StepFailure {
    assertThat(
            parse(
                LogFormat.SYSLOG_RFC3164,
                "Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8\n"))
        .isEqualTo(
            "{\"timestamp\":\"Oct 11 22:14:15\",\"hostname\":\"mymachine\",\"program\":\"su\","
                + "\"processid\":\"230\","
                + "\"message\":\"'su root' failed for lonvick on /dev/pts/8\"}\n");
  }

  @Test
  void anRfc3164LineWithAPaddedDayAndNoPidHasNullProcessId() throws StepFailure {
    assertThat(
            parse(
                LogFormat.SYSLOG_RFC3164,
                "Jun  7 02:03:04 web-1 kernel: [    0.000000] Linux version 6.1.0\n"))
        .isEqualTo(
            "{\"timestamp\":\"Jun  7 02:03:04\",\"hostname\":\"web-1\",\"program\":\"kernel\","
                + "\"processid\":null,\"message\":\"[    0.000000] Linux version 6.1.0\"}\n");
  }

  @Test
  void aSyslogProgramMayHoldASlashAndDashIsNotNullOutsideApache() throws StepFailure {
    String json = parse(LogFormat.SYSLOG_RFC3164, "Jun 27 10:15:30 mx postfix/smtpd[4321]: -\n");
    assertThat(Fixtures.json(json).get("program").asText()).isEqualTo("postfix/smtpd");
    assertThat(Fixtures.json(json).get("message").asText()).isEqualTo("-");
  }

  @Test
  void anRfc3339SyslogLineKeepsItsTimestampAsWritten() throws StepFailure {
    assertThat(
            parse(
                LogFormat.SYSLOG_RFC3339,
                "2024-06-27T10:15:30.123456+02:00 web-1 nginx[812]: upstream timed out\n"))
        .isEqualTo(
            "{\"timestamp\":\"2024-06-27T10:15:30.123456+02:00\",\"hostname\":\"web-1\","
                + "\"program\":\"nginx\",\"processid\":\"812\","
                + "\"message\":\"upstream timed out\"}\n");
  }

  @Test
  void anRfc5424LineWithoutStructuredDataHasNullsForItsNilValues() throws StepFailure {
    assertThat(
            parse(
                LogFormat.SYSLOG_RFC5424,
                "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 -"
                    + " 'su root' failed for lonvick on /dev/pts/8\n"))
        .isEqualTo(
            "{\"priority\":\"34\",\"version\":\"1\",\"timestamp\":\"2003-10-11T22:14:15.003Z\","
                + "\"hostname\":\"mymachine.example.com\",\"appname\":\"su\",\"procid\":null,"
                + "\"msgid\":\"ID47\",\"structureddata\":null,"
                + "\"message\":\"'su root' failed for lonvick on /dev/pts/8\"}\n");
  }

  @Test
  void anRfc5424LineKeepsItsStructuredDataAsText() throws StepFailure {
    String sd =
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
            + "[examplePriority@32473 class=\"high\"]";
    String json =
        parse(
            LogFormat.SYSLOG_RFC5424,
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + sd
                + " An application event log entry...\n");
    assertThat(Fixtures.json(json).get("structureddata").asText()).isEqualTo(sd);
    assertThat(Fixtures.json(json).get("appname").asText()).isEqualTo("evntslog");
    assertThat(Fixtures.json(json).get("message").asText())
        .isEqualTo("An application event log entry...");
  }

  @Test
  void rfc5424StructuredDataMayHoldEscapedBracketsAndTheMessageMayBeMissing() throws StepFailure {
    String sd = "[meta@1 note=\"a \\] b \\\" c\"]";
    String json = parse(LogFormat.SYSLOG_RFC5424, "<13>1 - host app 42 - " + sd + "\n");
    assertThat(Fixtures.json(json).get("structureddata").asText()).isEqualTo(sd);
    assertThat(Fixtures.json(json).get("timestamp").isNull()).isTrue();
    assertThat(Fixtures.json(json).get("procid").asText()).isEqualTo("42");
    assertThat(Fixtures.json(json).get("message").isNull()).isTrue();
  }

  @Test
  void anRfc5424MessageOfOneDashIsAMessageNotANilValue() throws StepFailure {
    String json = parse(LogFormat.SYSLOG_RFC5424, "<13>1 - h a - - - -\n");
    assertThat(Fixtures.json(json).get("message").asText()).isEqualTo("-");
    assertThat(Fixtures.json(json).get("msgid").isNull()).isTrue();
  }

  @Test
  void theUtf8ByteOrderMarkBeforeAnRfc5424MessageIsNotPartOfIt() throws StepFailure {
    String json = parse(LogFormat.SYSLOG_RFC5424, "<13>1 - h a - - - \uFEFFgrüße\n");
    assertThat(Fixtures.json(json).get("message").asText()).isEqualTo("grüße");
  }

  @Test
  void aCustomPatternsNamedGroupsAreTheFields() throws StepFailure {
    assertThat(
            parse(
                custom("(?<level>[A-Z]+) \\[(?<thread>[^\\]]+)\\] (?<msg>.*)"),
                "ERROR [main] disk full\n"))
        .isEqualTo("{\"level\":\"ERROR\",\"thread\":\"main\",\"msg\":\"disk full\"}\n");
  }

  @Test
  void aCustomPatternsUnnamedGroupsAreNotFieldsWhenOthersAreNamed() throws StepFailure {
    assertThat(parse(custom("(?<verb>GET|POST) (/\\S*) (?<code>\\d+)"), "GET /x 200"))
        .isEqualTo("{\"verb\":\"GET\",\"code\":\"200\"}\n");
  }

  @Test
  void fieldNamesNameACustomPatternsGroupsInOrder() throws StepFailure {
    assertThat(parse(custom("(\\w+)=(\\d+)(?: unit=(\\w+))?", "key", "value", "unit"), "cpu=93"))
        .isEqualTo("{\"key\":\"cpu\",\"value\":\"93\",\"unit\":null}\n");
  }

  @Test
  void fieldNamesRenameAKnownFormatsFieldsWhenTheCountsMatch() throws StepFailure {
    ProcessorSpec.LogToJson spec =
        new ProcessorSpec.LogToJson(
            LogFormat.SYSLOG_RFC3164,
            Optional.empty(),
            List.of("ts", "host", "app", "pid", "msg"),
            OnError.PASS);
    assertThat(parse(spec, "Oct 11 22:14:15 m su[230]: hi"))
        .isEqualTo(
            "{\"ts\":\"Oct 11 22:14:15\",\"host\":\"m\",\"app\":\"su\",\"pid\":\"230\","
                + "\"msg\":\"hi\"}\n");
  }

  @Test
  void fieldNamesForAKnownFormatMustBeAsManyAsItsFields() {
    ProcessorSpec.LogToJson spec =
        new ProcessorSpec.LogToJson(
            LogFormat.COMMON_APACHE, Optional.empty(), List.of("a", "b"), OnError.PASS);
    assertThatThrownBy(() -> new LogToJsonStep(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logToJson")
        .hasMessageContaining("2 names")
        .hasMessageContaining("7 fields");
  }

  @Test
  void aMatchPatternUnderAKnownFormatWithFieldNamesNeedsOneNamePerGroup() {
    ProcessorSpec.LogToJson spec =
        new ProcessorSpec.LogToJson(
            LogFormat.COMMON_APACHE,
            Optional.of(Pattern.compile("(\\S+) (\\S+) (.*)")),
            List.of("a", "b"),
            OnError.PASS);
    assertThatThrownBy(() -> new LogToJsonStep(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logToJson")
        .hasMessageContaining("2 names")
        .hasMessageContaining("3 capturing groups");
  }

  @Test
  void aMatchPatternUnderAnApacheFormatStillTurnsDashIntoNull() throws StepFailure {
    ProcessorSpec.LogToJson spec =
        new ProcessorSpec.LogToJson(
            LogFormat.COMMON_APACHE,
            Optional.of(Pattern.compile("(\\S+) (\\S+)")),
            List.of("client", "user"),
            OnError.PASS);
    assertThat(parse(spec, "10.0.0.1 -")).isEqualTo("{\"client\":\"10.0.0.1\",\"user\":null}\n");
  }

  @Test
  void aCustomPatternWithoutNamedGroupsOrFieldNamesIsRejected() {
    assertThatThrownBy(() -> new LogToJsonStep(custom("(\\S+) (.*)")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logToJson")
        .hasMessageContaining("2 capturing groups");
  }

  @Test
  void theWholeLineMustMatchAndAMismatchSaysWhichPattern() {
    LogToJsonStep step = new LogToJsonStep(custom("(?<word>\\w+)"));
    assertThatThrownBy(() -> step.apply(utf8("two words\n"), CTX))
        .isInstanceOf(StepFailure.class)
        .hasMessage("line does not match the matchPattern pattern");
  }

  @Test
  void aVeryLongRequestDoesNotOverflowTheStack() throws StepFailure {
    String path = "/" + "a\\\"".repeat(100_000);
    String line = "1.2.3.4 - - [27/Jun/2024:10:15:30 +0000] \"GET " + path + " HTTP/1.1\" 200 1\n";
    assertThat(Fixtures.json(parse(LogFormat.COMMON_APACHE, line)).get("request").asText())
        .hasSize(path.length() + 13);
  }

  @Test
  void bytesThatAreNotUtf8BecomeReplacementCharacters() throws StepFailure {
    byte[] line = {'[', 'x', ']', ' ', '[', 'w', 'a', 'r', 'n', ']', ' ', (byte) 0xFE, '\n'};
    byte[] out =
        new LogToJsonStep(
                new ProcessorSpec.LogToJson(
                    LogFormat.APACHE_ERROR, Optional.empty(), List.of(), OnError.PASS))
            .apply(line, CTX);
    assertThat(Fixtures.json(out).get("message").asText()).isEqualTo("\uFFFD");
  }
}
