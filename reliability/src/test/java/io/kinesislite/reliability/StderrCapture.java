package io.kinesislite.reliability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what is written to {@link System#err} while it is open, and still passes it on: the way
 * to read the warnings slf4j-simple logs (it writes to the current {@code System.err}), for example
 * the engine's recovery warnings. {@link #close()} puts the previous stream back.
 *
 * <p>Thread-safe: writes from any thread are collected under one lock.
 */
final class StderrCapture implements AutoCloseable {
  private final PrintStream previous;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  StderrCapture() {
    this.previous = System.err;
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            previous.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (captured) {
              captured.write(b, off, len);
            }
            previous.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  /** The lines written so far that contain {@code text}. */
  List<String> linesContaining(String text) {
    String all;
    synchronized (captured) {
      all = captured.toString(StandardCharsets.UTF_8);
    }
    return all.lines().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(previous);
  }
}
