package io.kinesislite.testkit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs one pinned npm package into {@code <cache>/<name>-<version>} once per machine. A file
 * lock keeps two JVMs (Surefire and Failsafe forks, parallel modules) from installing at the same
 * time; a JVM-wide monitor does the same for threads, which a file lock does not cover.
 *
 * <p>Thread-safe.
 */
public final class NpmInstall {
  private static final Logger LOG = LoggerFactory.getLogger(NpmInstall.class);
  private static final Object JVM_LOCK = new Object();

  /** Written into the install prefix once npm has succeeded. */
  public static final String MARKER = ".kinesis-lite-installed";

  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private final Path cacheDir;
  private final String name;
  private final String version;
  private final String entryPoint;

  /**
   * Describes a package to install.
   *
   * @param cacheDir the machine-wide cache directory
   * @param name the npm package name
   * @param version the exact version
   * @param entryPoint a file inside the package that must exist once installed
   */
  public NpmInstall(Path cacheDir, String name, String version, String entryPoint) {
    this.cacheDir = cacheDir;
    this.name = name;
    this.version = version;
    this.entryPoint = entryPoint;
  }

  /**
   * Returns the installed package's directory ({@code <prefix>/node_modules/<name>}).
   *
   * @return the package directory
   */
  public Path packageDir() {
    return prefix().resolve("node_modules").resolve(name);
  }

  /**
   * Returns whether an earlier install finished: the entry point exists and so does the marker
   * written after npm succeeded (so a half-finished install is redone).
   *
   * @return true if installed
   */
  public boolean isInstalled() {
    return Files.isRegularFile(packageDir().resolve(entryPoint))
        && Files.isRegularFile(prefix().resolve(MARKER));
  }

  /**
   * Installs the package unless it is installed already.
   *
   * @param npm the npm executable
   * @param nodeDir the directory of the node executable, put first on npm's {@code PATH}
   * @param logFile where npm's output goes
   * @throws IOException if npm cannot run, fails or times out; the message has npm's log tail
   * @throws InterruptedException if interrupted while npm runs; npm is killed first
   */
  public void ensureInstalled(Path npm, Path nodeDir, Path logFile)
      throws IOException, InterruptedException {
    if (isInstalled()) {
      return;
    }
    synchronized (JVM_LOCK) {
      Files.createDirectories(cacheDir);
      Path lockFile = cacheDir.resolve(name + "-" + version + ".lock");
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          if (!isInstalled()) {
            install(npm, nodeDir, logFile);
          }
        } finally {
          lock.release();
        }
      }
    }
  }

  private void install(Path npm, Path nodeDir, Path logFile)
      throws IOException, InterruptedException {
    String spec = name + "@" + version;
    List<String> command =
        List.of(
            npm.toString(),
            "install",
            "--prefix",
            prefix().toString(),
            "--no-audit",
            "--no-fund",
            spec);
    LOG.info("Installing npm package {} into {}; output goes to {}.", spec, prefix(), logFile);
    Files.createDirectories(prefix());
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(prefix().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.put("PATH", path == null ? nodeDir.toString() : nodeDir + ":" + path);
    long started = System.nanoTime();
    Process process = builder.start();
    boolean finished;
    try {
      finished = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      // Leave no npm behind; the install has no marker, so the next start redoes it.
      LOG.warn("Interrupted while installing {}; killing npm (pid {}).", spec, process.pid());
      kill(process);
      throw e;
    }
    if (!finished) {
      kill(process);
      throw new IOException(
          PeerFailures.withLogTail(
              "'npm install " + spec + "' did not finish within " + TIMEOUT + ".",
              PeerProcess.tail(logFile, 20)));
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          PeerFailures.withLogTail(
              "'npm install " + spec + "' failed with exit code " + process.exitValue() + ".",
              PeerProcess.tail(logFile, 20)));
    }
    if (!Files.isRegularFile(packageDir().resolve(entryPoint))) {
      throw new IOException(
          "'npm install "
              + spec
              + "' succeeded but "
              + packageDir().resolve(entryPoint)
              + " is missing.");
    }
    Files.writeString(prefix().resolve(MARKER), spec + "\n");
    LOG.info(
        "Installed npm package {} in {} ms.",
        spec,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Kills npm and the processes it started with SIGKILL and waits up to {@link #KILL_WAIT} for npm
   * to exit. Safe to call right after an {@link InterruptedException}, which cleared the flag.
   */
  private static void kill(Process process) {
    // List the descendants first: once npm is gone they are no longer its descendants.
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("npm (pid {}) is still alive {} after SIGKILL.", process.pid(), KILL_WAIT);
      }
    } catch (InterruptedException again) {
      Thread.currentThread().interrupt();
    }
  }

  private Path prefix() {
    return cacheDir.resolve(name + "-" + version);
  }
}
