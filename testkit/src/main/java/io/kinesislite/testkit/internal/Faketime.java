package io.kinesislite.testkit.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * libfaketime (Debian package {@code faketime}): finds the library and writes the clock offset file
 * a faked process reads.
 *
 * <p>Both the wall clock and the monotonic clock are faked ({@code FAKETIME_DONT_FAKE_MONOTONIC} is
 * left unset): kinesis-mock's clock only moves when monotonic time moves too. The process re-reads
 * the file at most once a second ({@code FAKETIME_CACHE_DURATION=1}).
 *
 * <p>Thread-safe (stateless).
 */
public final class Faketime {
  /** The Debian package that ships the library. */
  public static final String PACKAGE = "faketime";

  private static final List<String> LIBRARY_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu/faketime",
          "/usr/lib/aarch64-linux-gnu/faketime",
          "/usr/lib/faketime",
          "/usr/lib64/faketime",
          "/usr/local/lib/faketime");
  private static final String LIBRARY = "libfaketime.so.1";

  private Faketime() {}

  /**
   * Returns the libfaketime shared library, if installed in a standard directory.
   *
   * @return the library
   */
  public static Optional<Path> library() {
    return LIBRARY_DIRS.stream()
        .map(dir -> Path.of(dir, LIBRARY))
        .filter(Files::isRegularFile)
        .findFirst();
  }

  /**
   * Returns the environment that makes a process run under libfaketime, reading its offset from
   * {@code offsetFile}.
   *
   * @param library the library
   * @param offsetFile the offset file
   * @param inheritedPreload the child's existing {@code LD_PRELOAD}, or null
   * @return the variables to add
   */
  public static Map<String, String> environment(
      Path library, Path offsetFile, String inheritedPreload) {
    Map<String, String> env = new HashMap<>();
    env.put(
        "LD_PRELOAD",
        inheritedPreload == null || inheritedPreload.isBlank()
            ? library.toString()
            : library + ":" + inheritedPreload);
    env.put("FAKETIME_TIMESTAMP_FILE", offsetFile.toString());
    env.put("FAKETIME_CACHE_DURATION", "1");
    return env;
  }

  /**
   * Writes a relative offset such as {@code +400} or {@code +1.5} (seconds; libfaketime rejects a
   * unit suffix) atomically: a temporary file in the same directory, then a move.
   *
   * @param offsetFile the offset file
   * @param offset the offset from real time; not negative
   * @throws IOException if the file cannot be written
   */
  public static void writeOffset(Path offsetFile, Duration offset) throws IOException {
    String seconds = BigDecimal.valueOf(offset.toMillis(), 3).stripTrailingZeros().toPlainString();
    Path temp = Files.createTempFile(offsetFile.getParent(), "offset", ".tmp");
    Files.writeString(temp, "+" + seconds + "\n", StandardCharsets.US_ASCII);
    Files.move(
        temp, offsetFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
