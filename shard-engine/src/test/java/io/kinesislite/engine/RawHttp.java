package io.kinesislite.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HTTP/1.1 written by hand over a socket, for what no HTTP client sends: half a request, a broken
 * header, garbage. Also counts the connections a server on this host holds open, from {@code
 * /proc/net/tcp}, so that a test can check that bad clients leave nothing behind without timing
 * anything. Stateless; thread-safe.
 */
final class RawHttp {
  /** TCP states, as {@code /proc/net/tcp} writes them, in which the server still holds a socket. */
  private static final Set<String> HELD = Set.of("01", "08"); // ESTABLISHED, CLOSE_WAIT

  /** One answer: its status, its headers (names in lower case) and its body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private RawHttp() {}

  /** Opens a connection whose reads give up after 10 s, so that no test waits forever. */
  static Socket connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** The head of a Kinesis call: request line and headers, up to and with the empty line. */
  static byte[] head(String operation, String contentType, long contentLength) {
    return ("POST / HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Content-Type: "
            + contentType
            + "\r\n"
            + "X-Amz-Target: Kinesis_20131202."
            + operation
            + "\r\n"
            + "Content-Length: "
            + contentLength
            + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A whole Kinesis call in JSON. */
  static byte[] call(String operation, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return concat(head(operation, "application/x-amz-json-1.1", body.length), body);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Sends {@code request} on a new connection and reads one answer. */
  static Response exchange(int port, byte[] request) throws IOException {
    try (Socket socket = connect(port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  /** Reads one answer framed by its Content-Length; fails if the connection ends before it. */
  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection ended inside an answer's head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("the connection ended inside an answer's body");
    }
    return new Response(status, headers, body);
  }

  /**
   * Counts the connections of the server listening on {@code serverPort} that are still open on the
   * server's side (established, or closed by the client and not yet by the server) and whose client
   * end is one of {@code clientPorts}. Linux only.
   */
  static long heldByServer(int serverPort, Set<Integer> clientPorts) {
    long held = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> rows;
      try {
        rows = Files.readAllLines(file);
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file, e);
      }
      for (String row : rows.subList(1, rows.size())) {
        String[] columns = row.trim().split("\\s+");
        int local = port(columns[1]);
        int remote = port(columns[2]);
        if (local == serverPort && clientPorts.contains(remote) && HELD.contains(columns[3])) {
          held++;
        }
      }
    }
    return held;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
  }
}
