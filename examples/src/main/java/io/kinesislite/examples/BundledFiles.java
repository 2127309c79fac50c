package io.kinesislite.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The sample files bundled with the examples, as files. Stateless; thread-safe. */
final class BundledFiles {
  private BundledFiles() {}

  /**
   * Returns the class-path resource {@code resource} as a file: itself when the examples run from
   * target/classes, else a temporary copy deleted at exit.
   */
  static Path asFile(String resource) throws IOException {
    URL url = BundledFiles.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IOException(resource + " is not on the class path");
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
    }
    String name = Path.of(resource).getFileName().toString();
    Path copy = Files.createTempFile(name, "");
    copy.toFile().deleteOnExit();
    try (InputStream in = url.openStream()) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy;
  }
}
