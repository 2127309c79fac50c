package io.kinesislite.agent.internal;

import io.kinesislite.agent.LogFormat;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The regular expressions {@link LogToJsonStep} matches known log formats with, one capturing group
 * per field of {@link LogFormat#fields()}, in order. A line matches when the whole of it (without
 * its newline) matches; {@code .} matches newlines too, so a multi-line record can match. Written
 * for this project from the formats' documentation.
 *
 * <p>Quoted and bracketed parts use possessive quantifiers over runs of plain characters, so a line
 * that does not match fails fast and a long line cannot overflow the stack.
 *
 * <p>Stateless; thread-safe.
 */
final class LogPatterns {
  /** A double-quoted string in which {@code \"} and {@code \\} are escapes; group = its inside. */
  private static final String QUOTED = "\"((?:[^\"\\\\]++|\\\\.)*+)\"";

  /**
   * {@code host ident authuser [datetime] "request" status bytes}, as Apache's {@code %h %l %u %t
   * \"%r\" %>s %b} writes it; anything after a space at the end is ignored, as the Kinesis Agent
   * ignores it.
   */
  private static final String COMMON =
      "(\\S++) (\\S++) (\\S++) \\[([^\\]]++)\\] " + QUOTED + " (\\d{3}|-) (\\d++|-)";

  private static final String TRAILER = "(?:\\s.*)?";

  static final Pattern COMMON_APACHE = Pattern.compile(COMMON + TRAILER, Pattern.DOTALL);

  /** Common plus {@code "referer" "user-agent"}. */
  static final Pattern COMBINED_APACHE =
      Pattern.compile(COMMON + " " + QUOTED + " " + QUOTED + TRAILER, Pattern.DOTALL);

  /**
   * Apache's error log, 2.4 ({@code [time] [module:level] [pid N:tid N] [client ip:port] message})
   * and 2.2 ({@code [time] [level] [client ip] message}); module, pid, tid and client are optional.
   */
  static final Pattern APACHE_ERROR =
      Pattern.compile(
          "\\[([^\\]]++)\\]"
              + " \\[(?:([^:\\]\\s]++):)?([^\\]\\s]++)\\]"
              + "(?: \\[pid (\\d++)(?::tid (\\d++))?\\])?"
              + "(?: \\[client ([^\\]]++)\\])?"
              + " (.*)",
          Pattern.DOTALL);

  /** {@code program[pid]: message}, the tail of both BSD syslog formats; pid is optional. */
  private static final String TAG_AND_MESSAGE =
      " (\\S++) ([^\\s\\[:]++)(?:\\[([^\\]\\s]++)\\])?: ?(.*)";

  /** An optional {@code <PRI>} that some writers keep in files; not a field. */
  private static final String OPTIONAL_PRI = "(?:<\\d{1,3}>)?";

  /** {@code Mmm dd hh:mm:ss host program[pid]: message}, day padded with a space. */
  static final Pattern SYSLOG_RFC3164 =
      Pattern.compile(
          OPTIONAL_PRI + "([A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2})" + TAG_AND_MESSAGE,
          Pattern.DOTALL);

  /** The same with an RFC 3339 timestamp, as rsyslog's file format writes it. */
  static final Pattern SYSLOG_RFC3339 =
      Pattern.compile(
          OPTIONAL_PRI
              + "(\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:[Zz]|[+-]\\d{2}:\\d{2}))"
              + TAG_AND_MESSAGE,
          Pattern.DOTALL);

  /**
   * RFC 5424: {@code <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]}.
   * The PRI may be missing (priority is then null); structured data is {@code -} or one or more
   * {@code [id name="value" …]} elements, kept as written; a UTF-8 BOM before the message is not
   * part of it; a missing message is null.
   */
  static final Pattern SYSLOG_RFC5424 =
      Pattern.compile(
          "(?:<(\\d{1,3})>)?(\\d{1,2})"
              + " (\\S++) (\\S++) (\\S++) (\\S++) (\\S++)"
              + " (-|(?:\\[(?:[^\\]\"\\\\]++|\\\\.|\"(?:[^\"\\\\]++|\\\\.)*+\")*+\\])++)"
              + "(?: \\uFEFF?(.*))?",
          Pattern.DOTALL);

  private LogPatterns() {}

  /** The pattern of a known format; not for {@link LogFormat#CUSTOM}. */
  static Pattern of(LogFormat format) {
    switch (format) {
      case COMMON_APACHE:
        return COMMON_APACHE;
      case COMBINED_APACHE:
        return COMBINED_APACHE;
      case APACHE_ERROR:
        return APACHE_ERROR;
      case SYSLOG_RFC3164:
        return SYSLOG_RFC3164;
      case SYSLOG_RFC3339:
        return SYSLOG_RFC3339;
      case SYSLOG_RFC5424:
        return SYSLOG_RFC5424;
      default:
        throw new IllegalArgumentException("logToJson: " + format + " has no built-in pattern");
    }
  }

  /**
   * Which fields are null when they are {@code -}: every field of the Apache formats (Apache writes
   * {@code -} for a value it does not have), the NILVALUE fields of RFC 5424 (timestamp to
   * structured data), none for the others. With a pattern of the user's, every field for those
   * formats, since which group is which is unknown.
   */
  static boolean[] dashIsNull(LogFormat format, int groups, boolean builtInPattern) {
    boolean[] nullable = new boolean[groups];
    switch (format) {
      case COMMON_APACHE:
      case COMBINED_APACHE:
      case APACHE_ERROR:
        Arrays.fill(nullable, true);
        break;
      case SYSLOG_RFC5424:
        if (builtInPattern) {
          Arrays.fill(nullable, 2, 8, true);
        } else {
          Arrays.fill(nullable, true);
        }
        break;
      default:
        break;
    }
    return nullable;
  }
}
