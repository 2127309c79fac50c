package io.kinesislite.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks free TCP ports on 127.0.0.1. A port can be taken by someone else between the pick and the
 * peer's bind, so callers retry a start that fails to bind.
 *
 * <p>Thread-safe (stateless).
 */
public final class Ports {
  private Ports() {}

  /**
   * Returns a TCP port that was free on 127.0.0.1 a moment ago.
   *
   * @return the port
   */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free TCP port on 127.0.0.1.", e);
    }
  }

  /**
   * Returns two distinct ports that were free on 127.0.0.1 a moment ago.
   *
   * @return the two ports
   */
  public static int[] freePair() {
    try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket second = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new int[] {first.getLocalPort(), second.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find free TCP ports on 127.0.0.1.", e);
    }
  }

  /**
   * Returns whether a peer's log shows that it could not bind its port.
   *
   * @param logTail the end of the peer's log
   * @return true if the log reports an address in use
   */
  public static boolean bindFailed(String logTail) {
    return logTail.contains("EADDRINUSE")
        || logTail.contains("Address already in use")
        || logTail.contains("Failed to bind");
  }
}
