package io.kinesislite.benchmarks.compare;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every comparison shares: a scratch directory, and how to start a JVM of its own for one side
 * (this JVM's Java and class path, optionally with the real KPL's and KCL's jars too). Not
 * thread-safe; one per command run.
 */
public final class Workspace {
  private final Path directory;
  private final String java;
  private final String classPath;
  private final Optional<Path> peerLib;

  /**
   * @param directory scratch space, created if missing; logs of every process go there
   * @param peerLib the directory of the real KPL's and KCL's jars and their dependencies ({@code
   *     benchmarks/target/peer-lib}), or empty if they are not there
   */
  public Workspace(Path directory, Optional<Path> peerLib) throws IOException {
    this.directory = Files.createDirectories(directory);
    this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.classPath = System.getProperty("java.class.path");
    this.peerLib = Objects.requireNonNull(peerLib, "peerLib == null");
  }

  /** The scratch directory. */
  public Path directory() {
    return directory;
  }

  /** A new empty directory under the scratch directory. */
  public Path newDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(directory, prefix);
  }

  /** The directory of the peers' jars. */
  public Optional<Path> peerLib() {
    return peerLib;
  }

  /**
   * Starts {@code mainClass} in a JVM of its own with this JVM's class path (and, with {@code
   * withPeers}, the peers' jars after it), its output and errors going to {@code <name>.log} in the
   * scratch directory.
   *
   * @throws IllegalStateException if {@code withPeers} and the peers' jars are not there
   */
  public Process startJava(
      String name, List<String> jvmOptions, String mainClass, List<String> args, boolean withPeers)
      throws IOException {
    String cp = classPath;
    if (withPeers) {
      Path lib =
          peerLib.orElseThrow(
              () ->
                  new IllegalStateException(
                      "the real KPL's and KCL's jars are not in benchmarks/target/peer-lib;"
                          + " build with: mvn -B -ntp -pl benchmarks -am package -DskipTests"));
      cp = cp + File.pathSeparator + lib.toAbsolutePath() + File.separator + "*";
    }
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(cp);
    command.add(mainClass);
    command.addAll(args);
    Path log = directory.resolve(name + ".log");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** The log file of the process started as {@code name}. */
  public Path log(String name) {
    return directory.resolve(name + ".log");
  }
}
