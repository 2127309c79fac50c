package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.transport.FatalException;
import io.kinesislite.transport.internal.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's durable state, {@code state.json} in the state directory: per flow and file, the
 * offset up to which every record was acknowledged by the stream, and how to recognise the file
 * again (path, device, inode, fingerprint). Written whole and atomically: a temporary file is
 * written and fsync'd, renamed over the old one, and the directory fsync'd, so a crash leaves
 * either the old state or the new, never a torn one.
 *
 * <p>Thread-safe for one writer: the agent saves from one thread.
 */
public final class StateFile {
  /** The file's format version; a file of another version is refused. */
  static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path directory;
  private final Path file;
  private final Path temporary;

  /** One file's saved position. */
  public record Entry(
      String flow,
      String path,
      long device,
      long inode,
      String fingerprint,
      int fingerprintLength,
      long offset,
      long size,
      long updatedMillis) {
    /** The identity this entry recognises its file by. */
    public FileIdentity identity() {
      return new FileIdentity(device, inode, fingerprint, fingerprintLength);
    }
  }

  /** The file's content. */
  record Content(int version, List<Entry> files) {}

  public StateFile(Path directory) {
    this.directory = directory;
    this.file = directory.resolve("state.json");
    this.temporary = directory.resolve("state.json.tmp");
  }

  public Path path() {
    return file;
  }

  /**
   * Reads the saved entries; none if there is no state file yet.
   *
   * @throws FatalException naming the file if it cannot be read or is not a state file: the agent
   *     must not start over from scratch silently, which would ship everything again or skip data
   */
  public List<Entry> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new FatalException("cannot read the state file " + file + ": " + e, null, e);
    }
    try {
      Content content = JSON.readValue(bytes, Content.class);
      if (content.version() != VERSION || content.files() == null) {
        throw new FatalException(
            "the state file "
                + file
                + " has version "
                + content.version()
                + "; this agent reads version "
                + VERSION);
      }
      return List.copyOf(content.files());
    } catch (IOException e) {
      throw new FatalException(
          "the state file "
              + file
              + " is damaged ("
              + e.getMessage()
              + "); move it aside to start over, which re-reads files from their initial"
              + " position",
          null,
          e);
    }
  }

  /** Replaces the saved state with {@code entries}, atomically and durably. */
  public void save(List<Entry> entries) {
    byte[] bytes;
    try {
      bytes =
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Content(VERSION, entries));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the state", e);
    }
    try {
      Files.createDirectories(directory);
      DurableFiles.replace(file, temporary, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the state file " + file + ": " + e, e);
    }
  }
}
