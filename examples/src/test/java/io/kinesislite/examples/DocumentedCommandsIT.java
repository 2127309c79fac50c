package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example with the command examples/README.md documents for the embedded default, as a
 * user would type it (through {@code examples/run}, in a JVM of its own), and expects exit 0. Paths
 * under /tmp in a command are moved into a temporary directory. The quickstart's documented run is
 * longer; {@code QuickstartLauncherIT} runs it shortened.
 */
class DocumentedCommandsIT {
  private static final Pattern ROW =
      Pattern.compile("^\\| `(\\w+)` \\|[^|]*\\| `(examples/run [^`]+)` \\|", Pattern.MULTILINE);

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> everyExampleRunsWithItsDocumentedCommand() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    List<String[]> commands = new ArrayList<>();
    Matcher m = ROW.matcher(readme);
    while (m.find()) {
      if (!m.group(1).equals("Quickstart")) {
        commands.add(new String[] {m.group(1), m.group(2)});
      }
    }
    assertThat(commands).as("examples documented in examples/README.md").hasSizeGreaterThan(8);
    return commands.stream()
        .map(c -> DynamicTest.dynamicTest(c[0] + ": " + c[1], () -> run(c[0], c[1])));
  }

  private void run(String name, String command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    for (String word : command.split(" ")) {
      args.add(word.startsWith("/tmp/") ? dir.resolve(name + word.substring(4)).toString() : word);
    }
    args.set(0, "./run"); // examples/run, from the module directory
    Path log = dir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(args)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = process.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("%s ended within 3 minutes; output:%n%s", args, output).isTrue();
    assertThat(process.exitValue())
        .as("exit code of %s; output:%n%s", Arrays.toString(args.toArray()), output)
        .isZero();
  }
}
