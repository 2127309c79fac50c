package io.kinesislite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFiles;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.cli.KinesisLiteCommand;
import io.kinesislite.engine.EngineConfig;
import io.kinesislite.engine.ServerConfig;
import io.kinesislite.kcl.ConsumerConfig;
import io.kinesislite.kcl.LeaseStoreConfig;
import io.kinesislite.kpl.KplProperties;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.TransportConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Keeps the configuration references of the user documentation ({@code docs/*.md}) in step with the
 * code.
 *
 * <p>Each page may have a section {@code ## Configuration reference}; inside it, each {@code ###}
 * heading names one configuration surface in backticks (for example {@code ### `ProducerConfig`})
 * and is followed by a table whose first column lists the options, one per row, in backticks. For
 * every surface in {@link #surfaces()} the test checks that some page documents it, that every
 * option the code has is documented, and that every documented option exists in the code. The
 * options in code come from the code: by reflection, the public methods of a config class's {@code
 * Builder} other than {@code build()} (overloads share a row); or the public key-set accessors
 * ({@link KplProperties#appliedKeys()}, {@link ConfigFiles#yamlKeys()}, {@link
 * ConfigFiles#yamlFlowKeys()}, {@link ConfigFiles#agentJsonKeys()}, {@link
 * ConfigFiles#agentJsonFlowKeys()}).
 *
 * <p>For the builder options whose getter of the same name returns a boolean, an int, a long or a
 * {@link Duration}, the default column is checked against the value a default-built config reports,
 * when the column's first backticked value reads as that type; anything else there (for example "a
 * third of {@code failoverTime}", "none") is left alone. The canonical renderings, which the pages
 * use: booleans {@code true}/{@code false}; whole numbers with or without thousands separators
 * ({@code 10,000}); durations in the largest unit that divides them, with a space: {@code 100 ms},
 * {@code 10 s}, {@code 5 min}, {@code 1 h}, {@code 1 d} (the form kinesis-lite's own messages use).
 * The reader also accepts {@code 100ms}, so that a page in a close variant is still checked rather
 * than skipped.
 */
class ConfigReferenceTest {
  private static final String SECTION = "## Configuration reference";

  /** One configuration surface: its heading, and its option names as the code has them. */
  record Surface(String heading, Supplier<Set<String>> options, DefaultCheck defaults) {}

  /** A default-built config and its builder class, to check the default column against. */
  record DefaultCheck(Class<?> builder, Supplier<Object> defaultBuilt) {}

  /** Every surface the pages must document: the Java config builders and the file formats. */
  static List<Surface> surfaces() {
    FlowConfig flow = FlowConfig.builder("s").files(List.of("/var/log/x.log")).build();
    return List.of(
        builder(TransportConfig.Builder.class, () -> TransportConfig.builder().build()),
        builder(EngineConfig.Builder.class, () -> EngineConfig.builder().build()),
        builder(ServerConfig.Builder.class, () -> ServerConfig.builder().build()),
        builder(ProducerConfig.Builder.class, ProducerConfig::defaults),
        builder(
            ConsumerConfig.Builder.class,
            () -> ConsumerConfig.builder().applicationName("a").streamName("s").build()),
        builder(
            LeaseStoreConfig.Builder.class,
            () -> LeaseStoreConfig.builder().tableName("abc").build()),
        builder(
            AgentConfig.Builder.class, () -> AgentConfig.builder().flows(List.of(flow)).build()),
        builder(FlowConfig.Builder.class, () -> flow),
        keys("KplProperties", KplProperties::appliedKeys),
        keys("agent.yaml", ConfigFiles::yamlKeys),
        keys("agent.yaml flows[]", ConfigFiles::yamlFlowKeys),
        keys("agent.json", ConfigFiles::agentJsonKeys),
        keys("agent.json flows[]", ConfigFiles::agentJsonFlowKeys));
  }

  private static Surface builder(Class<?> builder, Supplier<Object> defaultBuilt) {
    String heading = builder.getEnclosingClass().getSimpleName();
    return new Surface(
        heading, () -> builderOptions(builder), new DefaultCheck(builder, defaultBuilt));
  }

  private static Surface keys(String heading, Supplier<? extends Collection<String>> keys) {
    return new Surface(heading, () -> new TreeSet<>(keys.get()), null);
  }

  /** The public methods of a builder, less build() and what every object has. */
  static Set<String> builderOptions(Class<?> builder) {
    Set<String> names = new TreeSet<>();
    for (Method m : builder.getMethods()) {
      if (m.getDeclaringClass() == Object.class
          || Modifier.isStatic(m.getModifiers())
          || m.isSynthetic()
          || m.isBridge()
          || Set.of("build", "toString", "equals", "hashCode").contains(m.getName())) {
        continue;
      }
      names.add(m.getName());
    }
    return names;
  }

  @Test
  void everyConfigurationOptionInCodeIsDocumentedAndEveryDocumentedOptionExists()
      throws IOException {
    Map<String, Map<String, Table>> pages = readPages();
    List<String> problems = new ArrayList<>();
    for (Surface surface : surfaces()) {
      problems.addAll(compare(pages, surface.heading(), surface.options().get()));
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  void everyCommandLineOptionIsDocumentedWithItsDefault() throws IOException {
    Map<String, Map<String, Table>> pages = readPages();
    Map<String, Table> cliPage = pages.getOrDefault("docs/cli.md", Map.of());
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> command : cliOptions().entrySet()) {
      String heading = command.getKey();
      problems.addAll(compare(pages, heading, command.getValue().keySet()));
      Table table = cliPage.get(heading);
      if (table == null) {
        continue;
      }
      // A documented default that starts with a value in backticks must be picocli's default.
      command
          .getValue()
          .forEach(
              (option, inCode) -> {
                String cell = table.defaults().get(option);
                if (inCode != null && cell != null && cell.startsWith("`")) {
                  String documented = cell.substring(1, Math.max(1, cell.indexOf('`', 1)));
                  if (!documented.equalsIgnoreCase(inCode)) {
                    problems.add(
                        "docs/cli.md ### `"
                            + heading
                            + "` gives "
                            + option
                            + " the default '"
                            + documented
                            + "'; the command's is '"
                            + inCode
                            + "'");
                  }
                }
              });
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  /**
   * Every command of {@code kinesis-lite}, by its full name, with its visible options' longest
   * names and their default values (null: none), from picocli's model of the command line.
   */
  static Map<String, Map<String, String>> cliOptions() {
    Map<String, Map<String, String>> commands = new TreeMap<>();
    walk(KinesisLiteCommand.commandLine(), "kinesis-lite", commands);
    return commands;
  }

  private static void walk(
      CommandLine command, String name, Map<String, Map<String, String>> commands) {
    Map<String, String> options = new TreeMap<>();
    for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
      if (!option.hidden()) {
        options.put(option.longestName(), option.defaultValue());
      }
    }
    commands.put(name, options);
    command
        .getSubcommands()
        .forEach(
            (key, sub) -> {
              if (key.equals(sub.getCommandName())) {
                walk(sub, name + " " + key, commands);
              }
            });
  }

  @Test
  void documentedDefaultsMatchTheDefaultBuiltConfigs() throws IOException {
    Map<String, Map<String, Table>> pages = readPages();
    List<String> problems = new ArrayList<>();
    for (Surface surface : surfaces()) {
      if (surface.defaults() == null) {
        continue;
      }
      for (Map.Entry<String, Map<String, Table>> page : pages.entrySet()) {
        Table table = page.getValue().get(surface.heading());
        if (table != null) {
          problems.addAll(
              compareDefaults(page.getKey(), surface.heading(), table, surface.defaults()));
        }
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  void aPageMissingAnOptionOrDocumentingOneTheCodeLacksIsReported() {
    String page =
        String.join(
            "\n",
            "# kpl-lite",
            "",
            "## Configuration reference",
            "",
            "### `ProducerConfig`",
            "",
            "| option | default | range | what it does |",
            "| --- | --- | --- | --- |",
            "| `aggregationEnabled` | `true` | true or false | packs records |",
            "| `fooBar` | `1` | 1 and up | not in the code |",
            "",
            "#### Notes",
            "",
            "| step | options |",
            "| --- | --- |",
            "| `inASubSection` | not an option of the surface |",
            "",
            "## Metrics",
            "",
            "| option | default |",
            "| --- | --- |",
            "| `notAnOption` | outside the section |");
    Map<String, Map<String, Table>> pages =
        Map.of("docs/kpl-lite.md", parseReference("docs/kpl-lite.md", page));

    List<String> problems =
        compare(pages, "ProducerConfig", Set.of("aggregationEnabled", "rateLimit"));

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "docs/kpl-lite.md ### `ProducerConfig` does not document option 'rateLimit'"
                + " (added in code?)",
            "docs/kpl-lite.md ### `ProducerConfig` documents 'fooBar', which the code does not"
                + " have (removed or renamed in code?)");
    assertThat(compare(pages, "ConsumerConfig", Set.of("streamName")))
        .containsExactly(
            "no page in docs/ has a heading ### `ConsumerConfig` in its ## Configuration"
                + " reference section (options in code: [streamName])");
  }

  @Test
  void aDefaultThatDiffersFromTheDefaultBuiltConfigIsReported() {
    String page =
        String.join(
            "\n",
            "## Configuration reference",
            "### `ProducerConfig`",
            "| option | default | range | what it does |",
            "| --- | --- | --- | --- |",
            "| `aggregationEnabled` | `false` | true or false | wrong |",
            "| `collectionMaxCount` | `500` | 1 to 500 | right |",
            "| `recordMaxBufferedTime` | `1 s` | 0 and up | wrong |",
            "| `recordTtl` | `30 s` | 100 ms and up | right |",
            "| `metricsLevel` | `DETAILED` | an enum | not checked |");
    Table table = parseReference("docs/x.md", page).get("ProducerConfig");

    List<String> problems =
        compareDefaults(
            "docs/x.md",
            "ProducerConfig",
            table,
            new DefaultCheck(ProducerConfig.Builder.class, ProducerConfig::defaults));

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "docs/x.md ### `ProducerConfig` option 'aggregationEnabled': default column says"
                + " false, the default-built config has true",
            "docs/x.md ### `ProducerConfig` option 'recordMaxBufferedTime': default column says"
                + " 1 s, the default-built config has 100 ms");
  }

  @Test
  void durationsAreRenderedInTheLargestUnitThatDividesThem() {
    assertThat(render(Duration.ofMillis(100))).isEqualTo("100 ms");
    assertThat(render(Duration.ofSeconds(10))).isEqualTo("10 s");
    assertThat(render(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(render(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(render(Duration.ZERO)).isEqualTo("0 ms");
    assertThat(parseDuration("1500ms")).contains(Duration.ofMillis(1500));
    assertThat(parseDuration("none")).isEmpty();
  }

  // ---- reading the pages ----------------------------------------------------------------------

  /** A documented table: its options in order, and each option's default cell. */
  record Table(Set<String> options, Map<String, String> defaults) {}

  /** Every docs/*.md page's configuration reference: page → heading → table. */
  static Map<String, Map<String, Table>> readPages() throws IOException {
    Path docs = Path.of(System.getProperty("user.dir")).resolve(Path.of("..", "docs")).normalize();
    assertThat(docs)
        .as(
            "the documentation directory %s (the repository root's docs/, beside the examples"
                + " module the test runs in)",
            docs)
        .isDirectory();
    Map<String, Map<String, Table>> pages = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(docs)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        String name = "docs/" + file.getFileName();
        pages.put(name, parseReference(name, Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    assertThat(pages).as("pages in %s", docs).isNotEmpty();
    return pages;
  }

  private static final Pattern HEADING = Pattern.compile("^###\\s+`([^`]+)`\\s*$");

  /**
   * Parses the {@code ## Configuration reference} section of one page into heading → table. The
   * section ends at the next {@code ##} heading, a surface's table at the next {@code ###} or
   * {@code ####} heading (so a {@code ####} sub-section may hold other tables); rows are table
   * lines other than the header row (first cell {@code option}) and the separator row. Fenced code
   * blocks are skipped.
   *
   * @throws AssertionError if a heading in the section is not a backticked identifier, or comes
   *     twice, or an option comes twice under one heading
   */
  static Map<String, Table> parseReference(String page, String text) {
    Map<String, Table> tables = new LinkedHashMap<>();
    boolean inSection = false;
    String heading = null;
    boolean inFence = false;
    for (String line : text.split("\\R")) {
      if (line.startsWith("```")) {
        inFence = !inFence;
        continue;
      }
      if (inFence) {
        continue;
      }
      if (line.startsWith("## ") || line.equals("##")) {
        inSection = line.strip().equals(SECTION);
        heading = null;
        continue;
      }
      if (!inSection) {
        continue;
      }
      if (line.startsWith("####")) {
        heading = null; // a sub-section of prose or other tables, not part of the surface
        continue;
      }
      if (line.startsWith("### ")) {
        Matcher m = HEADING.matcher(line.strip());
        assertThat(m.matches())
            .as(
                "%s: a heading in %s must be ### followed by one `identifier`: %s",
                page, SECTION, line)
            .isTrue();
        heading = m.group(1);
        assertThat(tables).as("%s: ### `%s` comes twice", page, heading).doesNotContainKey(heading);
        tables.put(heading, new Table(new LinkedHashSet<>(), new LinkedHashMap<>()));
        continue;
      }
      if (heading == null || !line.strip().startsWith("|")) {
        continue;
      }
      List<String> cells = cells(line);
      String first = unquote(cells.get(0));
      if (first.equals("option") || first.matches(":?-{3,}:?")) {
        continue;
      }
      Table table = tables.get(heading);
      assertThat(table.options().add(first))
          .as("%s ### `%s`: option '%s' has two rows", page, heading, first)
          .isTrue();
      table.defaults().put(first, cells.size() > 1 ? cells.get(1) : "");
    }
    return tables;
  }

  private static List<String> cells(String row) {
    String s = row.strip();
    s = s.substring(1, s.endsWith("|") && s.length() > 1 ? s.length() - 1 : s.length());
    List<String> cells = new ArrayList<>();
    for (String cell : s.split("(?<!\\\\)\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
  }

  private static String unquote(String cell) {
    return cell.replace("`", "").strip();
  }

  // ---- comparing ------------------------------------------------------------------------------

  /**
   * Compares one surface's options in code with what the pages document under its heading; returns
   * one line per problem, naming the page, the heading and the option.
   */
  static List<String> compare(
      Map<String, Map<String, Table>> pages, String heading, Set<String> inCode) {
    List<String> problems = new ArrayList<>();
    boolean found = false;
    for (Map.Entry<String, Map<String, Table>> page : pages.entrySet()) {
      Table table = page.getValue().get(heading);
      if (table == null) {
        continue;
      }
      found = true;
      String where = page.getKey() + " ### `" + heading + "`";
      for (String option : new TreeSet<>(inCode)) {
        if (!table.options().contains(option)) {
          problems.add(where + " does not document option '" + option + "' (added in code?)");
        }
      }
      for (String option : table.options()) {
        if (!inCode.contains(option)) {
          problems.add(
              where
                  + " documents '"
                  + option
                  + "', which the code does not have (removed or renamed in code?)");
        }
      }
    }
    if (!found) {
      problems.add(
          "no page in docs/ has a heading ### `"
              + heading
              + "` in its "
              + SECTION
              + " section (options in code: "
              + new TreeSet<>(inCode)
              + ")");
    }
    return problems;
  }

  /**
   * Compares the default column of a builder's table with the default-built config, for options
   * whose getter of the same name returns a boolean, an int, a long or a Duration, and whose
   * default cell reads as one.
   */
  static List<String> compareDefaults(
      String page, String heading, Table table, DefaultCheck check) {
    List<String> problems = new ArrayList<>();
    Object config = check.defaultBuilt().get();
    Class<?> configClass = check.builder().getEnclosingClass();
    for (Map.Entry<String, String> row : table.defaults().entrySet()) {
      Optional<Object> actual = getter(configClass, config, row.getKey());
      if (actual.isEmpty()) {
        continue;
      }
      Object value = actual.get();
      String documented = firstValue(row.getValue());
      String expected;
      boolean matches;
      if (value instanceof Boolean b) {
        if (!documented.equals("true") && !documented.equals("false")) {
          continue;
        }
        expected = b.toString();
        matches = documented.equals(expected);
      } else if (value instanceof Integer || value instanceof Long) {
        String digits = documented.replace(",", "").replace("_", "");
        if (!digits.matches("-?[0-9]+")) {
          continue;
        }
        expected = value.toString();
        matches = digits.equals(expected);
      } else if (value instanceof Duration d) {
        Optional<Duration> parsed = parseDuration(documented);
        if (parsed.isEmpty()) {
          continue;
        }
        expected = render(d);
        matches = parsed.get().equals(d);
      } else {
        continue;
      }
      if (!matches) {
        problems.add(
            page
                + " ### `"
                + heading
                + "` option '"
                + row.getKey()
                + "': default column says "
                + documented
                + ", the default-built config has "
                + expected);
      }
    }
    return problems;
  }

  /** The value of the public no-argument getter named {@code name}, if it has one. */
  private static Optional<Object> getter(Class<?> type, Object config, String name) {
    try {
      Method m = type.getMethod(name);
      if (Modifier.isStatic(m.getModifiers())) {
        return Optional.empty();
      }
      return Optional.ofNullable(m.invoke(config));
    } catch (NoSuchMethodException e) {
      return Optional.empty();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read " + type.getSimpleName() + "." + name + "()", e);
    }
  }

  /** The first backticked value of a cell, or the whole cell without backticks if it has none. */
  private static String firstValue(String cell) {
    Matcher m = Pattern.compile("`([^`]*)`").matcher(cell);
    return m.find() ? m.group(1).strip() : cell.strip();
  }

  private static final Pattern DURATION = Pattern.compile("([0-9][0-9,_]*)\\s*(ms|s|min|h|d)");

  private static final Map<String, Duration> UNITS =
      Map.of(
          "ms", Duration.ofMillis(1),
          "s", Duration.ofSeconds(1),
          "min", Duration.ofMinutes(1),
          "h", Duration.ofHours(1),
          "d", Duration.ofDays(1));

  /** Reads {@code 100 ms}, {@code 10 s}, {@code 5 min}, {@code 1 h}, {@code 1 d}. */
  static Optional<Duration> parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1).replace(",", "").replace("_", ""));
    return Optional.of(UNITS.get(m.group(2)).multipliedBy(amount));
  }

  /** Renders a duration the canonical way: the largest unit that divides it. */
  static String render(Duration d) {
    long millis = d.toMillis();
    for (String unit : List.of("d", "h", "min", "s")) {
      long size = UNITS.get(unit).toMillis();
      if (millis != 0 && millis % size == 0) {
        return millis / size + " " + unit;
      }
    }
    return millis + " ms";
  }
}
