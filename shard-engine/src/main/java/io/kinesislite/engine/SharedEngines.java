package io.kinesislite.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The engines that {@code embedded:} selections open, one per selection per process, counted so
 * that the last transport to close closes the engine.
 *
 * <p>Thread-safe.
 */
final class SharedEngines {
  private static final String MEMORY = "memory";

  private static final Map<String, Entry> ENGINES = new HashMap<>();

  private SharedEngines() {}

  private static final class Entry {
    final ShardEngine engine;
    int users;

    Entry(ShardEngine engine) {
      this.engine = engine;
    }
  }

  /** A share of an engine; {@link #release()} gives it back. */
  record Share(ShardEngine engine, Runnable release) {}

  static synchronized Share acquire(EngineConfig config) {
    String key = key(config);
    Entry entry = ENGINES.get(key);
    if (entry == null) {
      entry = new Entry(ShardEngine.open(config));
      ENGINES.put(key, entry);
    }
    entry.users++;
    Entry held = entry;
    return new Share(held.engine, () -> release(key, held));
  }

  private static synchronized void release(String key, Entry entry) {
    if (--entry.users == 0) {
      ENGINES.remove(key, entry);
      entry.engine.close();
    }
  }

  private static String key(EngineConfig config) {
    if (config.directory().isEmpty()) {
      return MEMORY;
    }
    Path dir = config.directory().get();
    try {
      // One spelling per directory, links resolved: it must exist for that, so make it first.
      Files.createDirectories(dir);
      return dir.toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use data directory " + dir, e);
    }
  }
}
