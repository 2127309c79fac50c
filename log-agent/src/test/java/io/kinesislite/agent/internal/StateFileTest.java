package io.kinesislite.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.FatalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
  @TempDir Path dir;

  private static StateFile.Entry entry(String path, long offset) {
    return new StateFile.Entry("flow", path, 2049, 77, "ab", 2, offset, offset + 5, 1_000);
  }

  @Test
  void savedEntriesLoadBackAndReplaceThePreviousState() {
    StateFile state = new StateFile(dir.resolve("state"));
    assertThat(state.load()).as("no file yet").isEmpty();
    state.save(List.of(entry("/var/log/a.log", 10), entry("/var/log/b.log", 20)));
    state.save(List.of(entry("/var/log/a.log", 30)));
    assertThat(new StateFile(dir.resolve("state")).load())
        .containsExactly(entry("/var/log/a.log", 30));
    assertThat(dir.resolve("state/state.json.tmp"))
        .as("the temporary file was renamed")
        .doesNotExist();
  }

  @Test
  void aDamagedStateFileIsRefusedNamingItInsteadOfStartingOver() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("state.json"), "{\"version\":1,\"files\":[{\"flow\":", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new StateFile(dir).load())
        .isInstanceOf(FatalException.class)
        .hasMessageContaining(dir.resolve("state.json").toString())
        .hasMessageContaining("damaged");
  }

  @Test
  void aStateFileOfAnotherVersionIsRefused() throws IOException {
    Files.writeString(
        dir.resolve("state.json"), "{\"version\":9,\"files\":[]}", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new StateFile(dir).load())
        .isInstanceOf(FatalException.class)
        .hasMessageContaining("version 9");
  }

  @Test
  void aStateDirectoryThatCannotBeWrittenFailsTheSaveClearly() throws IOException {
    Path file = dir.resolve("not-a-directory");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> new StateFile(file).save(List.of(entry("/a", 1))))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("cannot save the state file");
  }
}
