package io.kinesislite.agent;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.internal.ConfigChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One flow: the files it tails, how it frames and processes their lines, and the stream it ships
 * them to. Immutable; build with {@link #builder(String)}. Every setter checks its value and throws
 * {@link IllegalArgumentException} naming the option and the allowed range.
 *
 * <pre>{@code
 * FlowConfig flow = FlowConfig.builder("app-logs")
 *     .files(List.of("/var/log/app/*.log"))
 *     .transport("embedded:/var/lib/kinesis-lite")
 *     .partitionKey(new KeySource.FilePath())
 *     .build();
 * }</pre>
 */
public final class FlowConfig {
  /** The largest record data kpl-lite accepts, less room for the longest partition key. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024 - 256;

  private final String id;
  private final String stream;
  private final List<String> files;
  private final List<String> excludes;
  private final boolean includeCompressed;
  private final String transport;
  private final TransportConfig transportConfig;
  private final int createStreamShards;
  private final InitialPosition initialPosition;
  private final Optional<Pattern> multiLineStartPattern;
  private final Duration multiLineFlushTimeout;
  private final int skipHeaderLines;
  private final int maxRecordBytes;
  private final String truncatedRecordTerminator;
  private final Optional<Pattern> fileFooterPattern;
  private final List<ProcessorSpec> processing;
  private final KeySource partitionKey;
  private final Optional<KeySource> explicitHashKey;
  private final Optional<ProducerConfig> producer;

  private FlowConfig(Builder b) {
    this.stream = b.stream;
    this.files = List.copyOf(b.files);
    this.id = b.id != null ? b.id : "kinesis:" + b.stream + ":" + String.join(",", b.files);
    this.excludes = List.copyOf(b.excludes);
    this.includeCompressed = b.includeCompressed;
    this.transport = b.transport;
    this.transportConfig =
        b.transportConfig != null
            ? b.transportConfig.toBuilder().selection(b.transport).build()
            : TransportConfig.builder().selection(b.transport).build();
    this.createStreamShards = b.createStreamShards;
    this.initialPosition = b.initialPosition;
    this.multiLineStartPattern = Optional.ofNullable(b.multiLineStartPattern);
    this.multiLineFlushTimeout = b.multiLineFlushTimeout;
    this.skipHeaderLines = b.skipHeaderLines;
    this.maxRecordBytes = b.maxRecordBytes;
    this.truncatedRecordTerminator = b.truncatedRecordTerminator;
    this.fileFooterPattern = Optional.ofNullable(b.fileFooterPattern);
    this.processing = List.copyOf(b.processing);
    this.partitionKey = b.partitionKey;
    this.explicitHashKey = Optional.ofNullable(b.explicitHashKey);
    this.producer = Optional.ofNullable(b.producer);
  }

  /** Starts a flow that ships to {@code stream}, a stream name of 1 to 128 characters. */
  public static Builder builder(String stream) {
    return new Builder(stream);
  }

  /** Returns a builder holding this flow's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(stream);
    b.id = id;
    b.files = new ArrayList<>(files);
    b.excludes = new ArrayList<>(excludes);
    b.includeCompressed = includeCompressed;
    b.transport = transport;
    b.transportConfig = transportConfig;
    b.createStreamShards = createStreamShards;
    b.initialPosition = initialPosition;
    b.multiLineStartPattern = multiLineStartPattern.orElse(null);
    b.multiLineFlushTimeout = multiLineFlushTimeout;
    b.skipHeaderLines = skipHeaderLines;
    b.maxRecordBytes = maxRecordBytes;
    b.truncatedRecordTerminator = truncatedRecordTerminator;
    b.fileFooterPattern = fileFooterPattern.orElse(null);
    b.processing = new ArrayList<>(processing);
    b.partitionKey = partitionKey;
    b.explicitHashKey = explicitHashKey.orElse(null);
    b.producer = producer.orElse(null);
    return b;
  }

  /** The flow's name in logs, metrics and the state file; unique within an agent. */
  public String id() {
    return id;
  }

  public String stream() {
    return stream;
  }

  /**
   * Glob patterns of the files to tail (absolute; {@code *}, {@code ?}, {@code [..]}, {@code **}).
   */
  public List<String> files() {
    return files;
  }

  /** Glob patterns of paths, or of file names, never to tail even when {@link #files()} match. */
  public List<String> excludes() {
    return excludes;
  }

  /**
   * Whether files ending in .gz, .bz2, .xz, .zst or .zip are tailed when a pattern matches them.
   */
  public boolean includeCompressed() {
    return includeCompressed;
  }

  /**
   * The transport selection string: {@code embedded:}, {@code embedded:DIR}, {@code aws:…}, URL.
   */
  public String transport() {
    return transport;
  }

  /** Transport options (timeouts, credentials, region), with {@link #transport()} as selection. */
  public TransportConfig transportConfig() {
    return transportConfig;
  }

  /** Shards to create the stream with if it does not exist; 0 means never create it. */
  public int createStreamShards() {
    return createStreamShards;
  }

  public InitialPosition initialPosition() {
    return initialPosition;
  }

  public Optional<Pattern> multiLineStartPattern() {
    return multiLineStartPattern;
  }

  /** How long a multi-line record waits for more lines once its file stops growing. */
  public Duration multiLineFlushTimeout() {
    return multiLineFlushTimeout;
  }

  public int skipHeaderLines() {
    return skipHeaderLines;
  }

  /** The largest record sent; a longer one is cut and ends with the terminator. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public String truncatedRecordTerminator() {
    return truncatedRecordTerminator;
  }

  /** A line matching it ends the file: nothing after it is read. */
  public Optional<Pattern> fileFooterPattern() {
    return fileFooterPattern;
  }

  /** What is done to each record before it is sent, in order. */
  public List<ProcessorSpec> processing() {
    return processing;
  }

  public KeySource partitionKey() {
    return partitionKey;
  }

  public Optional<KeySource> explicitHashKey() {
    return explicitHashKey;
  }

  /** This flow's own producer settings; without them the agent's are used. */
  public Optional<ProducerConfig> producer() {
    return producer;
  }

  @Override
  public String toString() {
    return "FlowConfig{id=" + id + ", stream=" + stream + ", files=" + files + "}";
  }

  /** Builds a {@link FlowConfig}. Not thread-safe. */
  public static final class Builder {
    private String id;
    private final String stream;
    private List<String> files = new ArrayList<>();
    private List<String> excludes = new ArrayList<>();
    private boolean includeCompressed;
    private String transport = TransportConfig.DEFAULT_SELECTION;
    private TransportConfig transportConfig;
    private int createStreamShards;
    private InitialPosition initialPosition = InitialPosition.END_OF_FILE;
    private Pattern multiLineStartPattern;
    private Duration multiLineFlushTimeout = Duration.ofSeconds(1);
    private int skipHeaderLines;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private String truncatedRecordTerminator = "\n";
    private Pattern fileFooterPattern;
    private List<ProcessorSpec> processing = new ArrayList<>();
    private KeySource partitionKey = new KeySource.Random();
    private KeySource explicitHashKey;
    private ProducerConfig producer;

    private Builder(String stream) {
      Objects.requireNonNull(stream, "stream == null");
      if (stream.isEmpty() || stream.length() > 128 || !stream.matches("[a-zA-Z0-9_.-]+")) {
        throw new IllegalArgumentException(
            "stream must be 1 to 128 characters of a-z, A-Z, 0-9, _ . and -: '" + stream + "'");
      }
      this.stream = stream;
    }

    /** Names the flow. Default: {@code kinesis:<stream>:<patterns>}; 1 to 256 characters. */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id == null");
      if (id.isEmpty() || id.length() > 256) {
        throw new IllegalArgumentException("id must be 1 to 256 characters: '" + id + "'");
      }
      this.id = id;
      return this;
    }

    /**
     * Sets the glob patterns of the files to tail; required, 1 to 100 patterns, each an absolute
     * path.
     */
    public Builder files(List<String> patterns) {
      this.files = checkedPatterns("files", patterns, 1);
      return this;
    }

    /** Sets glob patterns of paths (absolute) or of file names never to tail. Default: none. */
    public Builder excludes(List<String> patterns) {
      this.excludes = new ArrayList<>();
      for (String p : Objects.requireNonNull(patterns, "excludes == null")) {
        if (p == null || p.isBlank()) {
          throw new IllegalArgumentException("excludes: a pattern is empty");
        }
        checkGlob("excludes", p);
        excludes.add(p);
      }
      return this;
    }

    /** Tails compressed files (.gz, .bz2, .xz, .zst, .zip) a pattern matches. Default: false. */
    public Builder includeCompressed(boolean include) {
      this.includeCompressed = include;
      return this;
    }

    /** Sets the transport selection string. Default: {@code embedded:}. */
    public Builder transport(String selection) {
      Objects.requireNonNull(selection, "transport == null");
      TransportConfig.builder().selection(selection); // checks it
      this.transport = selection;
      return this;
    }

    /** Sets transport options; their selection is replaced by {@link #transport(String)}. */
    public Builder transportConfig(TransportConfig config) {
      this.transportConfig = Objects.requireNonNull(config, "transportConfig == null");
      return this;
    }

    /**
     * Creates the stream with this many shards if it is missing. Default: 0 (never); 0 to 10,000.
     */
    public Builder createStreamShards(int shards) {
      this.createStreamShards = ConfigChecks.range("createStreamShards", shards, 0, 10_000);
      return this;
    }

    /** Where a file seen for the first time is read from. Default: END_OF_FILE. */
    public Builder initialPosition(InitialPosition position) {
      this.initialPosition = Objects.requireNonNull(position, "initialPosition == null");
      return this;
    }

    /** Starts a new record at each line matching {@code regex}. Default: every line a record. */
    public Builder multiLineStartPattern(String regex) {
      this.multiLineStartPattern = regex == null ? null : compile("multiLineStartPattern", regex);
      return this;
    }

    /**
     * Sets how long a multi-line record waits for continuation lines once its file stops growing.
     * Default: 1 s; range: 10 ms to 10 min.
     */
    public Builder multiLineFlushTimeout(Duration timeout) {
      this.multiLineFlushTimeout =
          ConfigChecks.range(
              "multiLineFlushTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /** Skips this many lines at the start of each file. Default: 0; range: 0 to 1,000,000. */
    public Builder skipHeaderLines(int lines) {
      this.skipHeaderLines = ConfigChecks.range("skipHeaderLines", lines, 0, 1_000_000);
      return this;
    }

    /**
     * Sets the largest record, in bytes, after processing; a longer record is cut to fit and ends
     * with the terminator. Default: 1,048,320 (1 MiB less 256 for the partition key); range: 64 to
     * 10 MiB (raise the transport's maxRecordSize too for more than 1 MiB).
     */
    public Builder maxRecordBytes(int bytes) {
      this.maxRecordBytes = ConfigChecks.range("maxRecordBytes", bytes, 64, 10 * 1024 * 1024);
      return this;
    }

    /** Sets what ends a cut record. Default: a newline; 0 to 32 characters. */
    public Builder truncatedRecordTerminator(String terminator) {
      Objects.requireNonNull(terminator, "truncatedRecordTerminator == null");
      if (terminator.length() > 32) {
        throw new IllegalArgumentException(
            "truncatedRecordTerminator must be at most 32 characters: " + terminator.length());
      }
      this.truncatedRecordTerminator = terminator;
      return this;
    }

    /** Stops reading a file at the first line matching {@code regex}. Default: none. */
    public Builder fileFooterPattern(String regex) {
      this.fileFooterPattern = regex == null ? null : compile("fileFooterPattern", regex);
      return this;
    }

    /** Sets what is done to each record before it is sent, in order. Default: nothing. */
    public Builder processing(List<ProcessorSpec> steps) {
      this.processing = new ArrayList<>(Objects.requireNonNull(steps, "processing == null"));
      processing.forEach(s -> Objects.requireNonNull(s, "processing: a step is null"));
      return this;
    }

    /** Sets where each record's partition key comes from. Default: random. */
    public Builder partitionKey(KeySource source) {
      this.partitionKey = Objects.requireNonNull(source, "partitionKey == null");
      return this;
    }

    /**
     * Sets where each record's explicit hash key comes from; its value must be a decimal in [0,
     * 2^128). Default: none (Kinesis hashes the partition key).
     */
    public Builder explicitHashKey(KeySource source) {
      this.explicitHashKey = source;
      return this;
    }

    /** Gives this flow producer settings of its own. Default: the agent's. */
    public Builder producer(ProducerConfig config) {
      this.producer = config;
      return this;
    }

    /**
     * Returns the flow.
     *
     * @throws IllegalArgumentException if no file pattern was set
     */
    public FlowConfig build() {
      if (files.isEmpty()) {
        throw new IllegalArgumentException("files: at least one pattern is required");
      }
      if (truncatedRecordTerminator.length() >= maxRecordBytes) {
        throw new IllegalArgumentException(
            "truncatedRecordTerminator must be shorter than maxRecordBytes=" + maxRecordBytes);
      }
      return new FlowConfig(this);
    }

    private static List<String> checkedPatterns(String name, List<String> patterns, int min) {
      Objects.requireNonNull(patterns, name + " == null");
      if (patterns.size() < min || patterns.size() > 100) {
        throw new IllegalArgumentException(
            name + " must hold " + min + " to 100 patterns: " + patterns.size());
      }
      List<String> out = new ArrayList<>();
      for (String p : patterns) {
        if (p == null || !p.startsWith("/")) {
          throw new IllegalArgumentException(
              name + ": a pattern must be an absolute path: '" + p + "'");
        }
        checkGlob(name, p);
        out.add(p);
      }
      return out;
    }

    private static void checkGlob(String name, String pattern) {
      try {
        java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            name + ": '" + pattern + "' is not a glob: " + e.getDescription(), e);
      }
    }

    private static Pattern compile(String name, String regex) {
      try {
        return Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            name + ": '" + regex + "' is not a regular expression: " + e.getDescription(), e);
      }
    }
  }
}
