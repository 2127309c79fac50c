package io.kinesislite.benchmarks.compare;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * A TCP proxy on 127.0.0.1 in front of DynamoDB Local that counts the DynamoDB requests passing
 * through it by their {@code X-Amz-Target} header ({@code DynamoDB_20120810.UpdateItem}, …), for
 * {@link ConsumerComparison}: each side's workers talk to DynamoDB through a proxy of their own, so
 * both are counted the same way whatever client they use. It forwards bytes unchanged both ways and
 * only reads the requests' header lines (HTTP/1.1; every DynamoDB request carries exactly one
 * {@code X-Amz-Target}). Thread-safe; a thread per connection and direction, daemons.
 */
final class LeaseCallProxy implements AutoCloseable {
  private static final byte[] TARGET = "x-amz-target:".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_LINE = 256;

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private LeaseCallProxy(URI upstream) throws IOException {
    this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "lease-call-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy to {@code upstream} ({@code http://host:port}). */
  static LeaseCallProxy start(URI upstream) throws IOException {
    return new LeaseCallProxy(upstream);
  }

  /** The endpoint to give the workers, {@code http://127.0.0.1:<port>}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Requests so far, by operation ({@code UpdateItem}, …). */
  Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((op, n) -> snapshot.put(op, n.sum()));
    return snapshot;
  }

  /** All requests in a {@link #counts()} snapshot. */
  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code later} minus {@code earlier}, operation by operation. */
  static Map<String, Long> minus(Map<String, Long> later, Map<String, Long> earlier) {
    Map<String, Long> d = new TreeMap<>();
    later.forEach((op, n) -> d.put(op, n - earlier.getOrDefault(op, 0L)));
    d.values().removeIf(n -> n == 0);
    return d;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket server = new Socket();
        try {
          server.connect(upstream, 5_000);
        } catch (IOException e) {
          client.close();
          continue;
        }
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        if (!closed) {
          System.err.println("lease-call proxy: " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean requests) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[1 << 16];
              byte[] line = new byte[MAX_LINE];
              int lineLength = 0;
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                  if (!requests) {
                    continue;
                  }
                  for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                      countIfTarget(line, lineLength);
                      lineLength = 0;
                    } else if (lineLength < MAX_LINE) {
                      line[lineLength++] = b;
                    }
                  }
                }
              } catch (IOException e) {
                // the connection ended; the other direction ends with it
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            requests ? "lease-call-proxy-requests" : "lease-call-proxy-responses");
    t.setDaemon(true);
    t.start();
  }

  private void countIfTarget(byte[] line, int length) {
    if (length <= TARGET.length) {
      return;
    }
    for (int i = 0; i < TARGET.length; i++) {
      if (Character.toLowerCase((char) line[i]) != TARGET[i]) {
        return;
      }
    }
    String value =
        new String(line, TARGET.length, length - TARGET.length, StandardCharsets.US_ASCII).trim();
    int dot = value.lastIndexOf('.');
    String op = dot >= 0 ? value.substring(dot + 1) : value; // UpdateItem, Query, ...
    counts.computeIfAbsent(op, k -> new LongAdder()).increment();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(LeaseCallProxy::closeQuietly);
  }
}
