package io.kinesislite.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses this host's TCP sockets listen on for a port, read from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: what the kernel actually bound, not what a configuration says. An IPv4
 * address mapped into IPv6 ({@code ::ffff:127.0.0.1}, as Java binds by default) is returned as the
 * IPv4 address. Linux only; stateless; thread-safe.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** Every address a socket listens on at {@code port}; empty if none does. */
  static List<InetAddress> on(int port) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> rows;
      try {
        rows = Files.readAllLines(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      for (String row : rows.subList(1, rows.size())) {
        String[] columns = row.trim().split("\\s+");
        String local = columns[1];
        int colon = local.lastIndexOf(':');
        if (Integer.parseInt(local.substring(colon + 1), 16) == port && columns[3].equals(LISTEN)) {
          addresses.add(address(local.substring(0, colon)));
        }
      }
    }
    return addresses;
  }

  /** The kernel writes each 32-bit word of the address in host (little-endian) byte order. */
  private static InetAddress address(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    try {
      return InetAddress.getByAddress(bytes); // maps ::ffff:a.b.c.d to a.b.c.d itself
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a bad address in /proc/net: " + hex, e);
    }
  }
}
