package io.kinesislite.testkit.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Short, bounded plain-HTTP GETs that tell whether a peer is up and what its clock says.
 *
 * <p>Each GET uses its own socket with {@code Connection: close}, never a pooled connection: on
 * SIGTERM kinesis-mock waits up to 30 s for open client connections, even idle keep-alive ones,
 * before it exits. A raw socket also starts no threads.
 *
 * <p>Thread-safe (stateless).
 */
public final class HttpProbe {
  private static final int TIMEOUT_MILLIS = (int) Duration.ofSeconds(1).toMillis();

  /**
   * What one GET saw.
   *
   * @param status the HTTP status code
   * @param date the {@code Date} header, if any
   */
  public record Answer(int status, Optional<Instant> date) {}

  private HttpProbe() {}

  /**
   * Sends one GET with one-second connect and read timeouts.
   *
   * @param uri an {@code http} address
   * @return the status line and {@code Date} header, or empty if there was no answer in time
   */
  public static Optional<Answer> get(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\n"
            + "Connection: close\r\n\r\n";
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      return parse(in);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns whether a GET got any HTTP answer in time.
   *
   * @param uri an {@code http} address
   * @return true if the peer answered with any status
   */
  public static boolean answers(URI uri) {
    return get(uri).isPresent();
  }

  /**
   * Returns whether a GET got 200 in time.
   *
   * @param uri an {@code http} address
   * @return true on 200 OK
   */
  public static boolean answersOk(URI uri) {
    return get(uri).map(answer -> answer.status() == 200).orElse(false);
  }

  private static Optional<Answer> parse(BufferedReader in) throws IOException {
    String statusLine = in.readLine();
    if (statusLine == null || !statusLine.startsWith("HTTP/")) {
      return Optional.empty();
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[1].matches("\\d{3}")) {
      return Optional.empty();
    }
    Optional<Instant> date = Optional.empty();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("date")) {
        date = parseDate(line.substring(colon + 1).trim());
      }
    }
    return Optional.of(new Answer(Integer.parseInt(parts[1]), date));
  }

  /**
   * Parses an HTTP {@code Date} header value.
   *
   * @param value e.g. {@code Sun, 22 Nov 2026 03:03:26 GMT}
   * @return the instant, or empty if it does not parse
   */
  public static Optional<Instant> parseDate(String value) {
    try {
      return Optional.of(
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
