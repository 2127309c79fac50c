package io.kinesislite.agent.internal;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Lists the regular files that a flow's glob patterns match, following symbolic links. A pattern is
 * an absolute path whose elements may hold {@code *}, {@code ?}, {@code [...]}, {@code {a,b}}, and
 * {@code **} for any number of directories, none included; only the directories under its literal
 * leading part are walked, and only as deep as the pattern reaches. Excludes match the whole path
 * when they hold a {@code /}, else the file name. A directory that does not exist yet matches
 * nothing; one that cannot be read is reported and passed over, so the other files are still found.
 *
 * <p>Immutable and thread-safe.
 */
final class GlobScanner {
  private static final Set<String> COMPRESSED = Set.of(".gz", ".bz2", ".xz", ".zst", ".zip");

  private record Include(Path base, int maxDepth, PathMatcher matcher, String pattern) {}

  private final List<Include> includes = new ArrayList<>();
  private final List<PathMatcher> pathExcludes = new ArrayList<>();
  private final List<PathMatcher> nameExcludes = new ArrayList<>();
  private final boolean includeCompressed;

  GlobScanner(List<String> patterns, List<String> excludes, boolean includeCompressed) {
    for (String pattern : patterns) {
      includes.add(include(pattern));
    }
    for (String exclude : excludes) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + exclude);
      (exclude.contains("/") ? pathExcludes : nameExcludes).add(m);
    }
    this.includeCompressed = includeCompressed;
  }

  private static Include include(String pattern) {
    Path path = Path.of(pattern);
    Path base = path.getRoot();
    int literal = 0;
    for (int i = 0; i < path.getNameCount() - 1; i++) {
      String element = path.getName(i).toString();
      if (hasGlob(element)) {
        break;
      }
      base = base.resolve(element);
      literal++;
    }
    int remaining = path.getNameCount() - literal;
    int maxDepth = pattern.contains("**") ? Integer.MAX_VALUE : remaining;
    PathMatcher exact = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    PathMatcher matcher = exact;
    if (pattern.contains("/**/")) {
      // "a/**/b" also matches "a/b": ** stands for any number of directories, none included.
      PathMatcher none =
          FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("/**/", "/"));
      matcher = p -> exact.matches(p) || none.matches(p);
    }
    return new Include(base, maxDepth, matcher, pattern);
  }

  private static boolean hasGlob(String element) {
    for (char c : element.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the matching regular files, sorted, each once; {@code problem} hears of directories
   * that could not be read (path, reason).
   */
  List<Path> scan(BiConsumer<Path, String> problem) {
    Set<Path> found = new TreeSet<>();
    for (Include include : includes) {
      if (!Files.isDirectory(include.base())) {
        continue; // it may appear later
      }
      try {
        Files.walkFileTree(
            include.base(),
            EnumSet.of(FileVisitOption.FOLLOW_LINKS),
            include.maxDepth(),
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && include.matcher().matches(file) && !excluded(file)) {
                  found.add(file);
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof NoSuchFileException)
                    && !(e instanceof FileSystemLoopException)) {
                  problem.accept(file, e.toString());
                }
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        problem.accept(include.base(), e.toString());
      }
    }
    return new ArrayList<>(found);
  }

  private boolean excluded(Path file) {
    Path name = file.getFileName();
    if (!includeCompressed) {
      String lower = name.toString().toLowerCase(Locale.ROOT);
      for (String suffix : COMPRESSED) {
        if (lower.endsWith(suffix)) {
          return true;
        }
      }
    }
    for (PathMatcher m : pathExcludes) {
      if (m.matches(file)) {
        return true;
      }
    }
    for (PathMatcher m : nameExcludes) {
      if (m.matches(name)) {
        return true;
      }
    }
    return false;
  }
}
