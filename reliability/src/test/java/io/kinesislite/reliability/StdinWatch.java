package io.kinesislite.reliability;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child process when its standard input reaches its end: the parent test JVM keeps a pipe to
 * each child, so a parent that dies (a fork timeout, a SIGKILL) takes its children along instead of
 * leaving them running. Thread-safe: starts one daemon thread per call.
 */
final class StdinWatch {
  private StdinWatch() {}

  /** Starts the watching thread; the JVM halts with status 0 when standard input closes. */
  static void exitWhenClosed() {
    Thread watcher =
        new Thread(
            () -> {
              InputStream in = System.in;
              byte[] buffer = new byte[256];
              try {
                while (in.read(buffer) >= 0) {
                  // discard: the parent never writes, it only holds the pipe open
                }
              } catch (IOException e) {
                // closed under us: the same as its end
              }
              System.err.println("standard input closed; exiting");
              Runtime.getRuntime().halt(0);
            },
            "stdin-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
