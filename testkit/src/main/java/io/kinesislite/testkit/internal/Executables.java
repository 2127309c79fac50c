package io.kinesislite.testkit.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds executables the way a shell does: a command with a slash is taken as a path, anything else
 * is looked up on {@code PATH}.
 *
 * <p>Thread-safe (stateless).
 */
public final class Executables {
  private Executables() {}

  /**
   * Resolves a command to an executable file.
   *
   * @param command a command name such as "node", or a path such as "/usr/bin/node"
   * @return the executable, or empty if there is none
   */
  public static Optional<Path> find(String command) {
    if (command.isEmpty()) {
      return Optional.empty();
    }
    if (command.contains(File.separator)) {
      return executable(Path.of(command));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
      if (!dir.isEmpty()) {
        Optional<Path> found = executable(Path.of(dir, command));
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Resolves a command a peer needs, or reports the peer unavailable per {@link PeerFailures}.
   *
   * @param peer the peer's name for messages
   * @param command the command name or path
   * @param ciMode whether a missing command fails the build
   * @return the executable
   */
  public static Path require(String peer, String command, boolean ciMode) {
    return find(command)
        .orElseThrow(
            () ->
                PeerFailures.unavailable(
                    ciMode,
                    peer
                        + " cannot start: '"
                        + command
                        + "' was not found "
                        + (command.contains(File.separator)
                            ? "or is not executable."
                            : "on PATH (" + System.getenv("PATH") + ").")));
  }

  private static Optional<Path> executable(Path candidate) {
    return Files.isRegularFile(candidate) && Files.isExecutable(candidate)
        ? Optional.of(candidate.toAbsolutePath())
        : Optional.empty();
  }
}
