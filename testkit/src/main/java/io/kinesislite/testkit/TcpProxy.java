package io.kinesislite.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real peer, for fault tests: it forwards, holds every
 * connection silent (a peer that hangs), or drops connections (a peer that is down). Changing the
 * mode closes the connections open so far, so a client's pooled connections meet the new mode at
 * once.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.to(mock.httpEndpoint())) {
 *   KinesisTransport kinesis = Transports.open(proxy.endpoint("http").toString());
 *   proxy.mode(TcpProxy.Mode.SILENT);   // calls now time out
 *   proxy.mode(TcpProxy.Mode.FORWARD);  // and succeed again
 * }
 * }</pre>
 *
 * <p>Threads: {@code kinesis-lite-tcp-proxy-<n>-accept} and two per forwarded connection, all
 * daemons, all stopped by {@link #close()}. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {
  /** What the proxy does with connections. */
  public enum Mode {
    /** Copies bytes both ways between the client and the peer. */
    FORWARD,
    /** Accepts and reads, never answers: calls hang until the client gives up. */
    SILENT,
    /** Accepts and closes at once: calls fail as against a peer that is down. */
    DROP
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final String name;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.FORWARD;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.name = "kinesis-lite-tcp-proxy-" + IDS.incrementAndGet();
    Thread accept = new Thread(this::acceptLoop, name + "-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy in {@link Mode#FORWARD} to the host and port of {@code endpoint}. */
  public static TcpProxy to(URI endpoint) {
    try {
      return new TcpProxy(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a proxy to " + endpoint, e);
    }
  }

  /** Returns {@code scheme://127.0.0.1:<port>}: the proxy's address for clients. */
  public URI endpoint(String scheme) {
    return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort());
  }

  /** Switches the mode for new connections and closes the ones open now. */
  public void mode(Mode mode) {
    this.mode = mode;
    closeOpen();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Mode now = mode;
      if (now == Mode.DROP) {
        quietly(client);
        continue;
      }
      open.add(client);
      if (now == Mode.SILENT) {
        start("silent", () -> drain(client));
        continue;
      }
      Socket peer;
      try {
        peer = new Socket();
        peer.connect(upstream, 5_000);
      } catch (IOException e) {
        open.remove(client);
        quietly(client);
        continue;
      }
      open.add(peer);
      start("up", () -> pump(client, peer));
      start("down", () -> pump(peer, client));
    }
  }

  private void start(String role, Runnable body) {
    Thread t = new Thread(body, name + "-" + role);
    t.setDaemon(true);
    t.start();
  }

  private void drain(Socket client) {
    byte[] buffer = new byte[8192];
    try (InputStream in = client.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // discard: the peer never answers
      }
    } catch (IOException e) {
      // closed by a mode change or close()
    } finally {
      open.remove(client);
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      open.remove(from);
      open.remove(to);
      quietly(from);
      quietly(to);
    }
  }

  private void closeOpen() {
    for (Socket s : open) {
      quietly(s);
    }
    open.clear();
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    closeOpen();
  }
}
