package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link in the user documentation leads to a file or directory that exists. */
class DocsLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkInTheDocsResolves() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    pages.add(ROOT.resolve("examples/README.md"));
    pages.add(ROOT.resolve("benchmarks/README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      broken.addAll(brokenLinks(page, Files.readString(page, StandardCharsets.UTF_8)));
    }
    assertThat(broken).as(String.join("\n", broken)).isEmpty();
  }

  @Test
  void aLinkToAMissingFileIsReported() {
    Path page = ROOT.resolve("docs/README.md");

    assertThat(brokenLinks(page, "see [this](no-such-page.md) and [that](kpl-lite.md#concepts)"))
        .containsExactly("docs/README.md links to no-such-page.md, which does not exist");
  }

  static List<String> brokenLinks(Path page, String text) {
    List<String> broken = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      String target = m.group(1);
      if (target.matches("[a-z]+:.*") || target.startsWith("#")) {
        continue; // http(s), mailto, and anchors within the page
      }
      String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
      if (!Files.exists(page.getParent().resolve(file))) {
        broken.add(ROOT.relativize(page) + " links to " + target + ", which does not exist");
      }
    }
    return broken;
  }
}
