package io.kinesislite.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange written by hand over a fresh loopback socket, for what no HTTP client
 * sends: a {@code Content-Length} that lies, a missing or doubled header, bytes that are not a
 * request. The whole request is written, the output shut (so a server waiting for announced bytes
 * sees the end), and one answer read, every read bounded by the timeout.
 *
 * <p>Stateless; thread-safe.
 */
final class SocketExchange {
  /** What came back: an answer, a connection closed without one, or nothing within the timeout. */
  record Outcome(Kind kind, int status, Map<String, String> headers, byte[] body) {
    enum Kind {
      ANSWERED,
      CLOSED,
      TIMED_OUT
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
      return kind == Kind.ANSWERED
          ? status + " " + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
          : kind.toString();
    }
  }

  /** The largest answer body read; serve's answers to bad input are far smaller. */
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private SocketExchange() {}

  static Outcome exchange(int port, byte[] request, Duration timeout) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        socket.shutdownOutput();
      } catch (IOException e) {
        // The server may answer and close on the first bad bytes, before all were written.
      }
      try {
        return read(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        return new Outcome(Outcome.Kind.TIMED_OUT, 0, Map.of(), new byte[0]);
      } catch (IOException e) {
        return new Outcome(Outcome.Kind.CLOSED, 0, Map.of(), new byte[0]); // reset by the server
      }
    }
  }

  private static Outcome read(InputStream in) throws IOException {
    while (true) {
      String head = readHead(in);
      if (head == null) {
        return new Outcome(Outcome.Kind.CLOSED, 0, Map.of(), new byte[0]);
      }
      String[] lines = head.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP answer: " + lines[0]);
      }
      int status = Integer.parseInt(statusLine[1]);
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      if (status == 100) {
        continue; // "Expect: 100-continue" was honoured; the answer follows
      }
      String length = headers.get("content-length");
      if (length == null) {
        // A streamed answer (SubscribeToShard's event stream): its head is the answer.
        return new Outcome(Outcome.Kind.ANSWERED, status, headers, new byte[0]);
      }
      long n = Long.parseLong(length);
      if (n > MAX_BODY) {
        throw new IOException("an answer of " + n + " bytes");
      }
      byte[] body = in.readNBytes((int) n);
      return new Outcome(Outcome.Kind.ANSWERED, status, headers, body);
    }
  }

  /** The head up to the empty line, or null if the connection ended before any byte of it. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("the connection ended inside an answer's head");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 64 * 1024) {
        throw new IOException("an answer head over 64 KiB");
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
