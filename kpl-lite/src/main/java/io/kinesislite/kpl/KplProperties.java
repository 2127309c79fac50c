package io.kinesislite.kpl;

import io.kinesislite.transport.TransportConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KPL {@code .properties} file read into a {@link ProducerConfig} and, when the file says where
 * Kinesis is, a {@link TransportConfig}. Keys are the KPL's (its setter names without {@code set}),
 * with its units: times in milliseconds, sizes in bytes. Immutable and thread-safe.
 *
 * <pre>{@code
 * KplProperties kpl = KplProperties.load(Path.of("producer.properties"));
 * TransportConfig where = kpl.transportConfig().orElse(TransportConfig.of("aws:"));
 * try (KinesisTransport transport = Transports.open(where);
 *     KinesisProducer producer = KinesisProducer.create(kpl.producerConfig(), transport)) {
 *   producer.add("orders", "customer-42", data);
 * }
 * }</pre>
 *
 * <p>What each key becomes:
 *
 * <ul>
 *   <li>Producer keys, as in the KPL: AggregationEnabled, AggregationMaxCount, AggregationMaxSize,
 *       CollectionMaxCount, CollectionMaxSize, RecordMaxBufferedTime, RecordTtl, RateLimit,
 *       FailIfThrottled, MaxUserRecordSize, MetricsLevel, MetricsGranularity, MetricsNamespace; and
 *       kinesis-lite's own: MaxOutstandingRecords, MaxOutstandingBytes, BufferFullWait,
 *       StrictOrdering, CloseTimeout. Keys left out keep the {@link ProducerConfig#defaults()}.
 *   <li>Transport keys: with {@code KinesisEndpoint} (a host or IP, as in the KPL) the selection is
 *       {@code https://KinesisEndpoint:KinesisPort}, signed for {@code Region} or {@code
 *       us-east-1}; with only {@code Region} it is {@code aws:Region}; with neither, {@link
 *       #transportConfig()} is empty. VerifyCertificate=false trusts self-signed certificates
 *       (endpoints only), ConnectTimeout sets the connect timeout, RequestTimeout the call timeout
 *       and MaxConnections the most concurrent requests, in the KPL's ranges (100 to 300,000 ms,
 *       100 to 600,000 ms, 1 to 256). As in the KPL, ConnectTimeout may be longer than
 *       RequestTimeout; the call timeout bounds the whole call, so it then cuts connecting short.
 *       Keys left out keep the {@link TransportConfig} defaults. The largest record the transport
 *       accepts is raised to MaxUserRecordSize or AggregationMaxSize when either is above 1 MiB.
 *   <li>Keys for the KPL's native process and the other keys kinesis-lite does not use, and unknown
 *       keys: not applied, each reported by {@link #notes()} with the reason and logged once at
 *       WARN.
 * </ul>
 *
 * <p>The file is read as {@link Properties#load(InputStream)} reads it (ISO 8859-1, comments,
 * continuation lines); whitespace after a value is ignored too. Every bad value is reported at
 * once: {@link #load} and {@link #from} throw one {@link IllegalArgumentException} with a line per
 * bad key naming the key, the value and what is accepted.
 */
public final class KplProperties {
  private static final Logger LOG = LoggerFactory.getLogger(KplProperties.class);

  private static final long MIB = 1024 * 1024;
  private static final long HOUR_MS = Duration.ofHours(1).toMillis();

  /** The producer keys, applied to {@link ProducerConfig}. */
  private static final Set<String> PRODUCER_KEYS =
      Set.of(
          "AggregationEnabled",
          "AggregationMaxCount",
          "AggregationMaxSize",
          "CollectionMaxCount",
          "CollectionMaxSize",
          "RecordMaxBufferedTime",
          "RecordTtl",
          "RateLimit",
          "FailIfThrottled",
          "MaxUserRecordSize",
          "MetricsLevel",
          "MetricsGranularity",
          "MetricsNamespace",
          "MaxOutstandingRecords",
          "MaxOutstandingBytes",
          "BufferFullWait",
          "StrictOrdering",
          "CloseTimeout");

  /** The transport keys, applied to {@link TransportConfig} when it is present. */
  private static final Set<String> TRANSPORT_KEYS =
      Set.of(
          "Region",
          "KinesisEndpoint",
          "KinesisPort",
          "VerifyCertificate",
          "ConnectTimeout",
          "RequestTimeout",
          "MaxConnections");

  /** The KPL keys kinesis-lite does not use, with the reason. */
  private static final Map<String, String> NOT_USED = notUsed();

  /** Keys whose values never appear in notes or logs. */
  private static final Set<String> SECRET = Set.of("ProxyUserName", "ProxyPassword");

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+");

  private final String source;
  private final ProducerConfig producerConfig;
  private final TransportConfig transportConfig;
  private final List<String> notes;

  private KplProperties(
      String source,
      ProducerConfig producerConfig,
      TransportConfig transportConfig,
      List<String> notes) {
    this.source = source;
    this.producerConfig = producerConfig;
    this.transportConfig = transportConfig;
    this.notes = List.copyOf(notes);
  }

  private static Map<String, String> notUsed() {
    String noNative = "kinesis-lite runs inside the JVM, with no native process";
    String metrics =
        "kinesis-lite reports metrics to Micrometer, not CloudWatch; ship them with the registry"
            + " you choose";
    String proxy =
        "kinesis-lite's transport has no proxy option yet; this file's proxy settings are not"
            + " applied";
    String trust =
        "kinesis-lite uses the JVM trust store (javax.net.ssl.trustStore); for a local endpoint's"
            + " self-signed certificate set VerifyCertificate=false";
    Map<String, String> m = new LinkedHashMap<>();
    m.put("NativeExecutable", noNative + " to run");
    m.put("TempDirectory", noNative + " to extract");
    m.put("ThreadingModel", noNative + "; its requests are asynchronous, at most MaxConnections");
    m.put("ThreadPoolSize", noNative + "; its requests are asynchronous, at most MaxConnections");
    m.put("EnableCoreDumps", noNative + " to dump");
    m.put("LogLevel", "kinesis-lite logs through SLF4J; use your SLF4J backend to set the level");
    m.put(
        "CredentialsRefreshDelay",
        noNative + " to hand credentials to; the AWS SDK refreshes them itself");
    m.put("EnableDaemonHealthCheck", noNative + " to check");
    m.put("DaemonHealthCheckTimeoutMs", noNative + " to check");
    m.put("EnableOldestFutureTracker", "no daemon can lose a future; RecordTtl bounds every one");
    m.put(
        "ReturnUserRecordOnFailure",
        "RecordFailedException always carries the attempts, and the caller keeps the record it"
            + " added");
    m.put("UserRecordTimeoutInMillis", "RecordTtl bounds every future");
    m.put("MinConnections", "the KPL does not use it either");
    m.put("MetricsUploadDelay", metrics);
    m.put("CloudwatchEndpoint", metrics);
    m.put("CloudwatchPort", metrics);
    m.put("StsEndpoint", "kinesis-lite never calls STS (the KPL neither, since 1.0.5)");
    m.put("StsPort", "kinesis-lite never calls STS (the KPL neither, since 1.0.5)");
    m.put("CaCertPath", trust);
    m.put("CaCertFile", trust);
    m.put("ProxyHost", proxy);
    m.put("ProxyPort", proxy);
    m.put("ProxyUserName", proxy);
    m.put("ProxyPassword", proxy);
    m.put(
        "GlueSchemaRegistryPropertiesFilePath",
        "kinesis-lite has no Glue Schema Registry support; serialize records before adding them");
    return Map.copyOf(m);
  }

  /**
   * Returns the keys this class applies: the producer keys (to {@link ProducerConfig}) and the
   * transport keys (to {@link TransportConfig}, when the file says where Kinesis is), sorted. Any
   * other key is reported by {@link #notes()} and not applied. For documentation and tooling that
   * must stay in step with what the reader takes.
   */
  public static Set<String> appliedKeys() {
    Set<String> keys = new TreeSet<>(PRODUCER_KEYS);
    keys.addAll(TRANSPORT_KEYS);
    return Collections.unmodifiableSet(keys);
  }

  /**
   * Reads a KPL properties file.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException listing every bad value, one per line
   */
  public static KplProperties load(Path file) {
    Objects.requireNonNull(file, "file == null");
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read KPL properties file " + file, e);
    }
    return parse(file.toString(), properties);
  }

  /**
   * Reads KPL properties already loaded, defaults included.
   *
   * @throws IllegalArgumentException listing every bad value, one per line
   */
  public static KplProperties from(Properties properties) {
    Objects.requireNonNull(properties, "properties == null");
    return parse("properties", properties);
  }

  /** Returns the producer settings: the file's, and the defaults for keys it leaves out. */
  public ProducerConfig producerConfig() {
    return producerConfig;
  }

  /**
   * Returns where Kinesis is and how to reach it, if the file sets {@code KinesisEndpoint} or
   * {@code Region}; otherwise empty, and the caller chooses.
   */
  public Optional<TransportConfig> transportConfig() {
    return Optional.ofNullable(transportConfig);
  }

  /** Returns one line per key that was not applied, saying why; ordered by key. */
  public List<String> notes() {
    return notes;
  }

  /** Summarizes the effective settings. */
  @Override
  public String toString() {
    return "KplProperties{source="
        + source
        + ", producer="
        + producerConfig
        + ", transport="
        + (transportConfig != null ? transportConfig : "none (neither Region nor KinesisEndpoint)")
        + ", notes="
        + notes.size()
        + "}";
  }

  private static KplProperties parse(String source, Properties properties) {
    Values values = new Values(properties);
    ProducerConfig producer = producer(values);
    TransportConfig transport = transport(values, producer);
    Map<String, String> notes = new TreeMap<>();
    for (String key : values.keys()) {
      String note = note(key, values, transport != null);
      if (note != null) {
        notes.put(key, note);
      }
    }
    if (!values.errors.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid KPL properties in "
              + source
              + ":\n"
              + String.join("\n", values.errors.values()));
    }
    for (String note : notes.values()) {
      LOG.warn("KPL properties in {}: {}", source, note);
    }
    return new KplProperties(source, producer, transport, new ArrayList<>(notes.values()));
  }

  private static ProducerConfig producer(Values v) {
    ProducerConfig.Builder b = ProducerConfig.builder();
    v.bool("AggregationEnabled", b::aggregationEnabled);
    v.whole("AggregationMaxCount", 1, Long.MAX_VALUE, b::aggregationMaxCount);
    v.whole("AggregationMaxSize", 64, 10 * MIB, n -> b.aggregationMaxSize((int) n));
    v.whole("CollectionMaxCount", 1, 500, n -> b.collectionMaxCount((int) n));
    v.whole("CollectionMaxSize", 52_224, Long.MAX_VALUE, b::collectionMaxSize);
    v.millis("RecordMaxBufferedTime", 0, Long.MAX_VALUE, b::recordMaxBufferedTime);
    v.millis("RecordTtl", 100, Long.MAX_VALUE, b::recordTtl);
    v.whole("RateLimit", 1, Long.MAX_VALUE, b::rateLimit);
    v.bool("FailIfThrottled", b::failIfThrottled);
    v.whole("MaxUserRecordSize", 64, 10 * MIB, n -> b.maxUserRecordSize((int) n));
    v.choice("MetricsLevel", ProducerConfig.MetricsLevel.class, b::metricsLevel);
    v.choice("MetricsGranularity", ProducerConfig.MetricsGranularity.class, b::metricsGranularity);
    v.text(
        "MetricsNamespace",
        "must be 1 to 255 characters not starting with AWS/",
        false,
        b::metricsNamespace);
    v.whole("MaxOutstandingRecords", 1, 1_000_000_000L, b::maxOutstandingRecords);
    v.whole("MaxOutstandingBytes", 1024, Long.MAX_VALUE, b::maxOutstandingBytes);
    v.millis("BufferFullWait", 0, HOUR_MS, b::bufferFullWait);
    v.bool("StrictOrdering", b::strictOrdering);
    v.millis("CloseTimeout", 0, HOUR_MS, b::closeTimeout);
    return b.build();
  }

  /** Validates the transport keys always; returns a config only if the file says where to go. */
  private static TransportConfig transport(Values v, ProducerConfig producer) {
    TransportConfig.Builder b = TransportConfig.builder();
    Where w = new Where();
    v.text(
        "Region",
        "must be an AWS region name like us-east-1",
        true,
        r -> {
          b.region(r);
          w.region = r;
        });
    v.text(
        "KinesisEndpoint",
        "must be a host name or IP address only, without scheme or port"
            + " (https is implied; the port is KinesisPort)",
        true,
        e -> {
          if (!HOST.matcher(e).matches()) {
            throw new IllegalArgumentException("not a host name or IP address: " + e);
          }
          w.endpoint = e;
        });
    v.whole("KinesisPort", 1, 65_535, p -> w.port = p);
    v.bool("VerifyCertificate", c -> w.verify = c);
    v.millis("ConnectTimeout", 100, 300_000, b::connectTimeout);
    v.millis("RequestTimeout", 100, 600_000, b::callTimeout);
    v.whole("MaxConnections", 1, 256, n -> b.maxConcurrency((int) n));
    if ((w.region == null && w.endpoint == null)
        || v.errors.containsKey("Region")
        || v.errors.containsKey("KinesisEndpoint")) {
      return null;
    }
    if (w.endpoint != null) {
      v.apply("KinesisEndpoint", () -> b.selection("https://" + w.endpoint + ":" + w.port));
      b.region(w.region != null ? w.region : "us-east-1");
      b.trustSelfSignedCertificates(!w.verify);
    } else {
      b.selection("aws:" + w.region);
      if (!w.verify) {
        v.error(
            "VerifyCertificate",
            "VerifyCertificate=false is only for a local KinesisEndpoint: kinesis-lite never"
                + " turns off certificate checks against real AWS (Region="
                + w.region
                + ")");
      }
    }
    int largest =
        Math.max(
            producer.maxUserRecordSize(),
            producer.aggregationEnabled() ? producer.aggregationMaxSize() : 0);
    if (largest > TransportConfig.DEFAULT_MAX_RECORD_SIZE) {
      b.maxRecordSize(largest);
    }
    if (!v.errors.isEmpty()) {
      return null;
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      v.error("", "the transport settings are not valid: " + e.getMessage());
      return null;
    }
  }

  /** Where Kinesis is, as the transport keys say. */
  private static final class Where {
    String region;
    String endpoint;
    long port = 443;
    boolean verify = true;
  }

  private static String note(String key, Values v, boolean transport) {
    String shown = SECRET.contains(key) || v.raw(key).isEmpty() ? key : key + "=" + v.raw(key);
    String reason = NOT_USED.get(key);
    if (reason != null) {
      return shown + " is not used: " + reason;
    }
    if (TRANSPORT_KEYS.contains(key)) {
      if (!transport) {
        return v.raw(key).isEmpty()
            ? null
            : shown
                + " is not applied: without Region or KinesisEndpoint there is no transport"
                + " config; choose the transport in code";
      }
      if (key.equals("KinesisPort") && !v.has("KinesisEndpoint")) {
        return shown
            + " is not applied: it only goes with KinesisEndpoint; aws:REGION uses the region's"
            + " standard endpoint";
      }
      return null;
    }
    if (PRODUCER_KEYS.contains(key)) {
      return null;
    }
    String suggestion = suggest(key);
    return "unknown key "
        + key
        + ", not used: "
        + (suggestion != null
            ? "did you mean " + suggestion + "?"
            : "neither a KPL nor a kinesis-lite property");
  }

  /**
   * Returns the known key {@code key} was probably meant to be: the same but for case, else the
   * nearest within two edits (the first alphabetically on a tie); or null.
   */
  private static String suggest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Set<String> keys : List.of(PRODUCER_KEYS, TRANSPORT_KEYS, NOT_USED.keySet())) {
      for (String known : keys) {
        int d = distance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT), 3);
        if (d <= 2 && (d < bestDistance || (d == bestDistance && known.compareTo(best) < 0))) {
          best = known;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  /** Levenshtein distance, or {@code limit} if it is at least that. */
  private static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin >= limit) {
        return limit;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return Math.min(previous[b.length()], limit);
  }

  /** The raw values, which keys were read, and the errors so far, one per key. */
  private static final class Values {
    private final Map<String, String> raw = new TreeMap<>();
    private final Map<String, String> errors = new TreeMap<>();

    Values(Properties properties) {
      for (String key : properties.stringPropertyNames()) {
        raw.put(key, properties.getProperty(key).strip());
      }
    }

    Set<String> keys() {
      return raw.keySet();
    }

    boolean has(String key) {
      return raw.containsKey(key) && !raw.get(key).isEmpty();
    }

    String raw(String key) {
      return raw.get(key);
    }

    void error(String key, String message) {
      errors.putIfAbsent(key, message);
    }

    /** Runs {@code setter}, turning its rejection into an error for {@code key}. */
    void apply(String key, Runnable setter) {
      try {
        setter.run();
      } catch (IllegalArgumentException e) {
        error(key, key + "=" + raw(key) + " is not valid: " + e.getMessage());
      }
    }

    void bool(String key, Consumer<Boolean> setter) {
      String value = raw.get(key);
      if (value == null) {
        return;
      }
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        apply(key, () -> setter.accept(Boolean.parseBoolean(value)));
      } else {
        error(key, key + "=" + value + " is not a boolean: must be true or false");
      }
    }

    void whole(String key, long min, long max, LongConsumer setter) {
      String value = raw.get(key);
      if (value == null) {
        return;
      }
      String range = "must be between " + min + " and " + max;
      BigInteger n;
      try {
        n = new BigInteger(value);
      } catch (NumberFormatException e) {
        error(key, key + "=" + value + " is not a whole number: " + range);
        return;
      }
      if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
        error(key, key + "=" + value + " is out of range: " + range);
        return;
      }
      apply(key, () -> setter.accept(n.longValueExact()));
    }

    void millis(String key, long min, long max, Consumer<Duration> setter) {
      whole(key, min, max, ms -> setter.accept(Duration.ofMillis(ms)));
    }

    <E extends Enum<E>> void choice(String key, Class<E> type, Consumer<E> setter) {
      String value = raw.get(key);
      if (value == null) {
        return;
      }
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(value)) {
          apply(key, () -> setter.accept(e));
          return;
        }
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT));
      }
      error(key, key + "=" + value + " is not valid: must be one of " + String.join(", ", names));
    }

    /** Reads a text value; empty means unset if {@code emptyIsUnset}. */
    void text(String key, String accepted, boolean emptyIsUnset, Consumer<String> setter) {
      String value = raw.get(key);
      if (value == null || (emptyIsUnset && value.isEmpty())) {
        return;
      }
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        error(key, key + "=" + value + " is not valid: " + accepted);
      }
    }
  }
}
