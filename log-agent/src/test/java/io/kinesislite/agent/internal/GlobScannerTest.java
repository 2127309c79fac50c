package io.kinesislite.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobScannerTest {
  @TempDir Path dir;

  private Path file(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x\n");
    return p;
  }

  private List<Path> scan(List<String> patterns, List<String> excludes, boolean compressed) {
    List<String> problems = new ArrayList<>();
    List<Path> found =
        new GlobScanner(patterns, excludes, compressed)
            .scan((p, why) -> problems.add(p + " " + why));
    assertThat(problems).isEmpty();
    return found;
  }

  @Test
  void doubleStarMatchesAnyNumberOfDirectoriesIncludingNone() throws IOException {
    Path top = file("logs/app.log");
    Path deep = file("logs/a/b/c/app.log");
    file("logs/a/other.txt");
    assertThat(scan(List.of(dir + "/logs/**/*.log"), List.of(), false))
        .containsExactlyInAnyOrder(top, deep);
  }

  @Test
  void globsInDirectoryElementsWork() throws IOException {
    Path a = file("containers/abc/abc-json.log");
    Path b = file("containers/def/def-json.log");
    file("containers/def/nested/x-json.log");
    assertThat(scan(List.of(dir + "/containers/*/*-json.log"), List.of(), false))
        .containsExactlyInAnyOrder(a, b);
  }

  @Test
  void excludesMatchFileNamesOrWholePaths() throws IOException {
    Path keep = file("logs/app.log");
    file("logs/debug.log");
    file("logs/old/app.log");
    assertThat(
            scan(List.of(dir + "/logs/**/*.log"), List.of("debug.*", dir + "/logs/old/**"), false))
        .containsExactly(keep);
  }

  @Test
  void compressedRotationsAreLeftOutUnlessAskedFor() throws IOException {
    Path live = file("logs/app.log");
    Path rotated = file("logs/app.log.1");
    Path gz = file("logs/app.log.2.gz");
    assertThat(scan(List.of(dir + "/logs/app.log*"), List.of(), false))
        .containsExactly(live, rotated);
    assertThat(scan(List.of(dir + "/logs/app.log*"), List.of(), true))
        .containsExactly(live, rotated, gz);
  }

  @Test
  void symbolicLinksAreFollowed() throws IOException {
    Path target = file("real/data.log");
    Files.createDirectories(dir.resolve("logs"));
    Path link = Files.createSymbolicLink(dir.resolve("logs/linked.log"), target);
    Path linkedDir = Files.createSymbolicLink(dir.resolve("logs/sub"), dir.resolve("real"));
    assertThat(scan(List.of(dir + "/logs/**/*.log"), List.of(), false))
        .containsExactlyInAnyOrder(link, linkedDir.resolve("data.log"));
  }

  @Test
  void aDirectoryThatDoesNotExistYetMatchesNothingThenItsFiles() throws IOException {
    String pattern = dir + "/later/*.log";
    assertThat(scan(List.of(pattern), List.of(), false)).isEmpty();
    Path created = file("later/new.log");
    assertThat(scan(List.of(pattern), List.of(), false)).containsExactly(created);
  }
}
