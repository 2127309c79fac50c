package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.testkit.Eventually;
import io.kinesislite.testkit.UniqueNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs DeliveryExample and reads back the gzip files it delivered: every seeded record exactly once
 * after a graceful run, and none lost when a run is killed (SIGKILL, in a JVM of its own) with
 * records buffered but not yet written, then started again.
 */
class DeliveryExampleTest {
  private static final Pattern FILE =
      Pattern.compile(
          "(\\d{4})/(\\d{2})/(\\d{2})/(\\d{2})/(.+)-(\\d{4})-(\\d{2})-(\\d{2})-(\\d{2})-\\d{2}-\\d{2}"
              + "-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.gz");
  private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

  @TempDir Path dir;

  /** The delivered files (closed: named .gz), each as its lines. */
  private static Map<Path, List<String>> delivered(Path output) {
    Map<Path, List<String>> files = new TreeMap<>();
    for (Path f : walk(output)) {
      String name = f.getFileName().toString();
      if (name.endsWith(".gz") && !name.startsWith(".")) {
        files.put(output.relativize(f), lines(f));
      }
    }
    return files;
  }

  /** Every file under {@code dir}, skipping those renamed while it is listed (the .tmp files). */
  private static List<Path> walk(Path dir) {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              found.add(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static List<String> lines(Path gz) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text).as("newline-terminated records in %s", gz).endsWith("\n");
      return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Integer> ids(Collection<List<String>> files) {
    List<Integer> ids = new ArrayList<>();
    for (List<String> file : files) {
      for (String line : file) {
        Matcher m = ID.matcher(line);
        assertThat(m.find()).as("a seeded record: %s", line).isTrue();
        ids.add(Integer.valueOf(m.group(1)));
      }
    }
    return ids;
  }

  private static long distinct(Path output) {
    return ids(delivered(output).values()).stream().distinct().count();
  }

  private static List<Path> tmpFiles(Path output) {
    return walk(output).stream().filter(f -> f.toString().endsWith(".tmp")).toList();
  }

  @Test
  void deliversEverySeededRecordExactlyOnceInFirehoseNamedFiles() throws Exception {
    String stream = UniqueNames.stream("delivery");
    Path output = dir.resolve("out");
    DeliveryExample delivery = new DeliveryExample();
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(delivery).setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                command.execute(
                    "--stream",
                    stream,
                    "--application",
                    UniqueNames.table("delivery-app"),
                    "--output",
                    output.toString(),
                    "--seed",
                    "1000",
                    "--max-file-bytes",
                    "4096",
                    "--max-file-age",
                    "300ms"));
    // The last file of each shard is closed by its age, on an idle shard: before the stop.
    Eventually.within(
        Duration.ofSeconds(30),
        "1000 records delivered",
        () -> distinct(output) == 1000,
        out::toString);
    delivery.requestStop();
    assertThat(exit.get(60, TimeUnit.SECONDS)).as(out.toString()).isZero();
    assertThat(out.toString()).contains("wrote 1000 records in ");

    Map<Path, List<String>> files = delivered(output);
    assertThat(ids(files.values()))
        .as("every seeded record exactly once")
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).boxed().toList());
    assertThat(files).hasSizeGreaterThan(2); // closed by size, not one per shard
    files.forEach(
        (path, lines) -> {
          Matcher m = FILE.matcher(path.toString());
          assertThat(m.matches()).as("Firehose-style name: %s", path).isTrue();
          assertThat(m.group(5)).isEqualTo(stream);
          for (int g = 1; g <= 4; g++) { // the folder is the file's own hour
            assertThat(m.group(g)).isEqualTo(m.group(g + 5));
          }
          int bytes = lines.stream().mapToInt(l -> l.length() + 1).sum();
          int longest = lines.stream().mapToInt(l -> l.length() + 1).max().orElse(0);
          assertThat(bytes).as("size of %s", path).isLessThan(4096 + longest);
        });
    assertThat(tmpFiles(output)).isEmpty();
  }

  @Test
  void aKilledRunLosesNothingWhenStartedAgain() throws Exception {
    String stream = UniqueNames.stream("delivery-crash");
    Path output = dir.resolve("out");
    List<String> common =
        List.of(
            "--transport",
            "embedded:" + dir.resolve("engine"),
            "--stream",
            stream,
            "--application",
            UniqueNames.table("delivery-crash-app"),
            "--output",
            output.toString(),
            "--worker-id",
            "delivery-test-worker",
            "--max-file-bytes",
            "5000");
    List<String> first = new ArrayList<>(common);
    // One shard, and a file age no run reaches: the last records stay buffered until the kill.
    first.addAll(List.of("--seed", "1000", "--shards", "1", "--max-file-age", "1h"));
    Path log = dir.resolve("first-run.log");
    List<String> javaCommand =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DeliveryExample.class.getName()));
    javaCommand.addAll(first);
    Process process =
        new ProcessBuilder(javaCommand)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      Eventually.within(
          Duration.ofSeconds(60),
          "3 files delivered",
          () -> delivered(output).size() >= 3,
          () -> read(log));
    } finally {
      process.destroyForcibly(); // SIGKILL: no shutdown hook, the buffered records are gone
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    long beforeRestart = distinct(output);
    assertThat(beforeRestart)
        .as("the kill lost buffered records; log:%n%s", read(log))
        .isLessThan(1000);

    List<String> again = new ArrayList<>(common);
    again.addAll(List.of("--seed", "0", "--max-file-age", "300ms"));
    DeliveryExample delivery = new DeliveryExample();
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(delivery).setOut(new PrintWriter(out, true));
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> command.execute(again.toArray(String[]::new)));
    Eventually.within(
        Duration.ofSeconds(30),
        "all 1000 records delivered after the restart",
        () -> distinct(output) == 1000,
        () -> out + " distinct delivered: " + distinct(output));
    delivery.requestStop();
    assertThat(exit.get(60, TimeUnit.SECONDS)).as(out.toString()).isZero();
    Map<Path, List<String>> files = delivered(output);
    List<Integer> ids = ids(files.values());
    assertThat(ids).as("no record lost").containsAll(IntStream.range(0, 1000).boxed().toList());
    // The restart resumed at the checkpoint of the last file written, not from the start: at most
    // one file (written, then killed before its checkpoint) can have come again.
    int largestFile = files.values().stream().mapToInt(List::size).max().orElse(0);
    assertThat(ids.size() - 1000).as("records delivered twice").isLessThanOrEqualTo(largestFile);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
