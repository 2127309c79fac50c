package io.kinesislite.agent;

import java.util.List;

/**
 * The log formats {@link ProcessorSpec.LogToJson} parses, with the field names it gives each
 * capture (the Kinesis Agent's names where it has the format).
 */
public enum LogFormat {
  /** Apache common log format. */
  COMMON_APACHE(List.of("host", "ident", "authuser", "datetime", "request", "response", "bytes")),
  /** Apache combined log format: common plus referer and agent. */
  COMBINED_APACHE(
      List.of(
          "host",
          "ident",
          "authuser",
          "datetime",
          "request",
          "response",
          "bytes",
          "referer",
          "agent")),
  /** Apache error log. */
  APACHE_ERROR(
      List.of("timestamp", "module", "severity", "processid", "threadid", "client", "message")),
  /** Syslog as RFC 3164 writes it ({@code Mmm dd hh:mm:ss host program[pid]: message}). */
  SYSLOG_RFC3164(List.of("timestamp", "hostname", "program", "processid", "message")),
  /** The Kinesis Agent's RFC3339SYSLOG: RFC 3164's fields with an RFC 3339 timestamp. */
  SYSLOG_RFC3339(List.of("timestamp", "hostname", "program", "processid", "message")),
  /** Syslog RFC 5424 ({@code <pri>1 timestamp host app procid msgid [sd] message}). */
  SYSLOG_RFC5424(
      List.of(
          "priority",
          "version",
          "timestamp",
          "hostname",
          "appname",
          "procid",
          "msgid",
          "structureddata",
          "message")),
  /** A regular expression of the user's; fields are its named groups, or the given names. */
  CUSTOM(List.of());

  private final List<String> fields;

  LogFormat(List<String> fields) {
    this.fields = fields;
  }

  /** The field names of the format's captures, in order; empty for {@link #CUSTOM}. */
  public List<String> fields() {
    return fields;
  }
}
