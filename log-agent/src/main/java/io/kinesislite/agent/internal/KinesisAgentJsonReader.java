package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFileException;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.ConfigNotice.Kind;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.KeySource;
import io.kinesislite.agent.LoadedConfig;
import io.kinesislite.agent.ProcessorSpec.OnError;
import io.kinesislite.kpl.KplProperties;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import io.kinesislite.transport.internal.ConfigChecks;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Kinesis Agent's {@code agent.json} unchanged, with the flows of every {@code *.json}
 * file in the {@code agent.d} directory beside it (in file-name order; a file that cannot be read
 * or parsed is reported as an {@link Kind#UNSUPPORTED} notice and skipped; keys other than {@code
 * flows} in those files are reported and not used, as the Kinesis Agent ignores them). JSON with
 * comments, flat dotted keys; numbers and booleans are also taken as strings, as the Kinesis Agent
 * takes them. A key given twice in one object is an error (the Kinesis Agent silently takes the
 * last one). Thread-safe.
 *
 * <p>No key is ignored unseen: each is taken, or reported as a {@link ConfigNotice} — {@link
 * Kind#MAPPED} when it becomes a setting of another name or meaning, {@link Kind#NOT_NEEDED} when
 * kinesis-lite does the job another way, {@link Kind#UNSUPPORTED} when it has no effect, with
 * "unknown key" for keys the Kinesis Agent does not have either (and a key in the wrong place — a
 * flow key at the top level, or the reverse — is reported as having no effect there, since the
 * Kinesis Agent does not read it there either). {@code filePattern} (its last element a glob; our
 * patterns are a superset), {@code kinesisStream}, {@code initialPosition}, {@code
 * multiLineStartPattern}, {@code skipHeaderLines}, {@code truncatedRecordTerminator}, {@code
 * fileFooterPattern} and {@code dataProcessingOptions} are taken as written, without a notice.
 *
 * <table>
 *   <caption>What becomes of agent.json keys</caption>
 *   <tr><th>agent.json</th><th>kinesis-lite</th></tr>
 *   <tr><td>kinesis.endpoint, kinesis.region</td><td>every flow's transport: a standard {@code
 *       kinesis.REGION.amazonaws.com} endpoint becomes {@code aws:REGION}; any other (a VPC or
 *       FIPS endpoint, a local emulator) the endpoint URL, signed for kinesis.region; only a
 *       region, {@code aws:REGION}; neither, {@code aws:} (the SDK's default region chain, as the
 *       Kinesis Agent falls back to AWS_DEFAULT_REGION)</td></tr>
 *   <tr><td>awsAccessKeyId + awsSecretAccessKey</td><td>static credentials</td></tr>
 *   <tr><td>connectionTimeoutMillis, socketTimeoutMillis</td><td>transport connectTimeout,
 *       callTimeout</td></tr>
 *   <tr><td>checkpointFile</td><td>stateDirectory = its directory; state.json is kept there, the
 *       SQLite file itself is never read or written</td></tr>
 *   <tr><td>shutdownTimeoutMillis</td><td>shutdownTimeout</td></tr>
 *   <tr><td>minTimeBetweenFilePollsMillis, maxTimeBetweenFileTrackerRefreshMillis,
 *       retryInitialBackoffMillis, retryMaxBackoffMillis (per flow)</td><td>pollInterval,
 *       scanInterval, retryInitialBackoff, retryMaxBackoff (agent-wide: if flows differ, the
 *       smallest value)</td></tr>
 *   <tr><td>maxBufferAgeMillis, maxBufferSizeRecords, maxBufferSizeBytes</td><td>the flow's
 *       producer RecordMaxBufferedTime, CollectionMaxCount, CollectionMaxSize (at least 52,224,
 *       the KPL's minimum)</td></tr>
 *   <tr><td>partitionKeyOption</td><td>RANDOM: random keys; DETERMINISTIC: line-hash, the MD5
 *       of each record's bytes (the Kinesis Agent hashes its whole read buffer instead, so equal
 *       lines rarely got equal keys)</td></tr>
 *   <tr><td>SINGLELINE, CSVTOJSON, LOGTOJSON, ADDMETADATA, ADDBRACKETS</td><td>singleLine,
 *       csvToJson (the delimiter is a regex in the Kinesis Agent: one character or an escaped one,
 *       {@code \\t}, {@code \\|}, is accepted, anything else is an error), logToJson,
 *       addMetadata with wrap, addBrackets</td></tr>
 *   <tr><td>deliveryStream flows, firehose.endpoint, aggregatedRecordSizeBytes, cloudwatch.*,
 *       sts.endpoint, assumeRoleARN, assumeRoleExternalId, userDefinedCredentialsProvider.*,
 *       ADDEC2METADATA, USINGPLUGGIN</td><td>unsupported: reported, and the flow or step is left
 *       out</td></tr>
 * </table>
 *
 * <p>LOGTOJSON: the Kinesis Agent drops lines its format does not match, and so do flows read from
 * agent.json ({@link OnError#DROP}), so a migrated agent ships the same records. The step is
 * reported as a {@link Kind#MAPPED} notice saying so, and that agent.yaml's {@code onError: pass}
 * sends such lines on unchanged instead (dropped lines are counted in the metrics either way).
 *
 * <p>Defaults: a key left out keeps kinesis-lite's default, also where the Kinesis Agent's differs:
 * records wait at most 100 ms to be sent (maxBufferAgeMillis: 60,000 ms), patterns are listed again
 * every 1 s (maxTimeBetweenFileTrackerRefreshMillis: 10 s), connections time out after 5 s and
 * calls after 30 s (connectionTimeoutMillis 10 s, socketTimeoutMillis 50 s), state lives in {@code
 * /var/lib/kinesis-lite-agent} (checkpointFile: {@code /var/run/aws-kinesis-agent/checkpoints},
 * wiped at reboot), and metrics are served for Prometheus at 127.0.0.1:9514 (CloudWatch metrics:
 * not sent). Buffers of 500 records and 5 MiB, 100 ms polls, 100 ms to 10 s back-off, END_OF_FILE,
 * random keys, a 10 s shutdown timeout and skipping {@code .gz/.bz2/.zip} files are the same in
 * both.
 */
public final class KinesisAgentJsonReader {
  /** The per-flow keys that are agent-wide settings in kinesis-lite. */
  private static final Map<String, String> AGENT_WIDE =
      Map.of(
          "minTimeBetweenFilePollsMillis", "pollInterval",
          "maxTimeBetweenFileTrackerRefreshMillis", "scanInterval",
          "retryInitialBackoffMillis", "retryInitialBackoff",
          "retryMaxBackoffMillis", "retryMaxBackoff");

  private static final Pattern STANDARD_ENDPOINT =
      Pattern.compile("kinesis\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.amazonaws\\.com(?:\\.cn)?");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d{1,2}");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.ALLOW_COMMENTS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path file;
  private final List<ConfigNotice> notices = new ArrayList<>();
  private final AgentJsonSteps steps = new AgentJsonSteps(notices);
  private final List<Path> sources = new ArrayList<>();
  private final AgentConfig.Builder agent = AgentConfig.builder();
  private final List<Draft> flows = new ArrayList<>();

  /** Agent-wide settings flows set: our name → where each value was set, and the value. */
  private final Map<String, Map<ConfigNode, Duration>> agentWide = new TreeMap<>();

  private ConfigNode endpoint;
  private int endpointNotice = -1;
  private ConfigNode region;
  private int regionNotice = -1;
  private ConfigNode accessKeyId;
  private int accessKeyNotice = -1;
  private ConfigNode secretAccessKey;
  private int secretKeyNotice = -1;
  private ConfigNode connectTimeout;
  private ConfigNode callTimeout;

  /** A Kinesis flow read, waiting for the agent-wide transport. */
  private record Draft(ConfigNode node, FlowConfig.Builder builder) {}

  private KinesisAgentJsonReader(Path file) {
    this.file = file;
  }

  /**
   * Returns every top-level key of the Kinesis Agent's agent.json this reader knows, sorted: the
   * ones it takes or maps, and the ones it reports as not needed or unsupported. Any other key is
   * reported as unknown.
   */
  public static Set<String> topLevelKeys() {
    return Collections.unmodifiableSet(AgentJsonKeys.allTopKeys());
  }

  /** Returns every flow key of agent.json this reader knows, sorted, as {@link #topLevelKeys()}. */
  public static Set<String> flowKeys() {
    return Collections.unmodifiableSet(AgentJsonKeys.allFlowKeys());
  }

  /**
   * Reads {@code text}, the contents of {@code file}, and the {@code agent.d} files beside it.
   *
   * @throws ConfigFileException if it is not JSON, or not a configuration kinesis-lite can run
   */
  public static LoadedConfig read(Path file, String text) {
    KinesisAgentJsonReader reader = new KinesisAgentJsonReader(file);
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigFileException(file, "", YamlConfigReader.syntaxError("JSON", e), e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new ConfigFileException(file, "", "the file is empty: flows are required", null);
    }
    ConfigNode root = ConfigNode.root(file, tree, true, "");
    root.requireObject();
    reader.sources.add(file);
    reader.main(root);
    reader.agentDirectory();
    return new LoadedConfig(reader.build(root), reader.notices, reader.sources);
  }

  private void main(ConfigNode root) {
    if (!root.get("flows").isSet()) {
      throw root.get("flows").missing("a list of flows, each with filePattern and kinesisStream");
    }
    for (String key : root.keys()) {
      ConfigNode n = root.get(key);
      switch (key) {
        case "flows":
          readFlows(n);
          break;
        case "checkpointFile":
          checkpointFile(n);
          break;
        case "kinesis.endpoint":
          endpoint = n;
          endpointNotice = placeholder(n);
          break;
        case "kinesis.region":
          region = n;
          regionNotice = placeholder(n);
          break;
        case "awsAccessKeyId":
          accessKeyId = n;
          accessKeyNotice = placeholder(n);
          break;
        case "awsSecretAccessKey":
          secretAccessKey = n;
          secretKeyNotice = placeholder(n);
          break;
        case "connectionTimeoutMillis":
          connectTimeout = n;
          notice(n, Kind.MAPPED, "→ every flow's transport connectTimeout, " + millis(n));
          break;
        case "socketTimeoutMillis":
          callTimeout = n;
          notice(
              n,
              Kind.MAPPED,
              "→ every flow's transport callTimeout, "
                  + millis(n)
                  + ": kinesis-lite bounds each call as a whole (retries of connection failures"
                  + " included) rather than each wait for a socket read");
          break;
        case "shutdownTimeoutMillis":
          Duration shutdown = millisValue(n);
          n.run(() -> agent.shutdownTimeout(shutdown));
          notice(n, Kind.MAPPED, "→ shutdownTimeout, " + ConfigChecks.readable(shutdown));
          break;
        default:
          other(n, key);
      }
    }
    boolean both = accessKeyId != null && secretAccessKey != null;
    for (ConfigNode n : new ConfigNode[] {accessKeyId, secretAccessKey}) {
      if (n == null) {
        continue;
      }
      String message =
          both
              ? "→ every flow's transport credentials: static keys (the secret is never printed"
                  + " or logged)"
              : "not used without "
                  + (n == accessKeyId ? "awsSecretAccessKey" : "awsAccessKeyId")
                  + ": static credentials need both; the flows use the default credentials chain";
      notices.set(
          n == accessKeyId ? accessKeyNotice : secretKeyNotice,
          new ConfigNotice(n.noticeKey(), both ? Kind.MAPPED : Kind.UNSUPPORTED, message));
    }
  }

  /** A top-level key other than the ones kinesis-lite takes. */
  private void other(ConfigNode n, String key) {
    if (key.equals("cloudwatch.emitMetrics") && isFalse(n)) {
      notice(
          n,
          Kind.NOT_NEEDED,
          "kinesis-lite sends no metrics to CloudWatch in any case; they are served for"
              + " Prometheus at "
              + AgentJsonKeys.METRICS);
    } else if (AgentJsonKeys.TOP_NOT_NEEDED.containsKey(key)) {
      notice(n, Kind.NOT_NEEDED, AgentJsonKeys.TOP_NOT_NEEDED.get(key));
    } else if (AgentJsonKeys.TOP_UNSUPPORTED.containsKey(key)) {
      notice(n, Kind.UNSUPPORTED, AgentJsonKeys.TOP_UNSUPPORTED.get(key));
    } else if (AgentJsonKeys.FLOW_READ.contains(key)
        || AgentJsonKeys.FLOW_NOT_NEEDED.containsKey(key)) {
      notice(
          n,
          Kind.UNSUPPORTED,
          "a flow key at the top level: the Kinesis Agent reads it only inside a flow, so it had"
              + " no effect here, and has none in kinesis-lite; move it into each flow");
    } else {
      notice(n, Kind.UNSUPPORTED, AgentJsonKeys.unknown(key, AgentJsonKeys.allTopKeys()));
    }
  }

  private static boolean isFalse(ConfigNode n) {
    try {
      return !n.bool();
    } catch (ConfigFileException e) {
      return false;
    }
  }

  private void checkpointFile(ConfigNode n) {
    Path checkpoint = n.apply(() -> Path.of(n.text()));
    Path dir = checkpoint.getParent();
    if (dir == null) {
      throw n.error(
          "must be a path with a directory, like /var/lib/aws-kinesis-agent/checkpoints: '"
              + checkpoint
              + "'");
    }
    agent.stateDirectory(dir);
    String tmpfs =
        dir.startsWith("/var/run") || dir.startsWith("/run")
            ? "; that directory is wiped at reboot on most systems, so every file would be read"
                + " again from its initialPosition: prefer one under /var/lib"
            : "";
    notice(
        n,
        Kind.MAPPED,
        "→ stateDirectory "
            + dir
            + ": kinesis-lite keeps its own state file, state.json, in that directory and never"
            + " reads or writes the Kinesis Agent's SQLite file "
            + checkpoint.getFileName()
            + ", so files it has not seen are read from their initialPosition"
            + tmpfs);
  }

  private void readFlows(ConfigNode flowsNode) {
    List<ConfigNode> list = flowsNode.list();
    for (ConfigNode flow : list) {
      Draft d = flow(flow);
      if (d != null) {
        flows.add(d);
      }
    }
  }

  /** Reads one flow; null for a Firehose flow, which is skipped. */
  private Draft flow(ConfigNode n) {
    n.requireObject();
    ConfigNode pattern = n.get("filePattern");
    ConfigNode delivery = n.get("deliveryStream");
    ConfigNode stream = n.get("kinesisStream");
    if (delivery.isSet()) {
      notice(
          delivery,
          Kind.UNSUPPORTED,
          "a Firehose flow (delivery stream '"
              + delivery.json().asText()
              + "'"
              + (pattern.isSet() ? ", files " + pattern.json().asText() : "")
              + "): kinesis-lite ships to Kinesis Data Streams only, so this flow is skipped");
      return null;
    }
    if (!stream.isSet()) {
      throw n.error(
          "neither kinesisStream nor deliveryStream: a flow needs kinesisStream, the Kinesis"
              + " stream it ships to");
    }
    if (!pattern.isSet()) {
      throw pattern.missing("the files this flow tails, like /var/log/app/*.log");
    }
    String streamName = stream.text();
    FlowConfig.Builder b = stream.apply(() -> FlowConfig.builder(streamName));
    Properties producer = new Properties();
    for (String key : n.keys()) {
      ConfigNode v = n.get(key);
      switch (key) {
        case "filePattern":
          v.run(() -> b.files(List.of(v.text())));
          break;
        case "kinesisStream":
          break;
        case "partitionKeyOption":
          KeySource keySource = partitionKeyOption(v);
          b.partitionKey(keySource);
          partitionKeyNotice(v, keySource);
          break;
        case "initialPosition":
          b.initialPosition(initialPosition(v));
          break;
        case "maxBufferAgeMillis":
          long age = whole(v, 1_000, 900_000);
          producer.setProperty("RecordMaxBufferedTime", Long.toString(age));
          notice(
              v,
              Kind.MAPPED,
              "→ this flow's producer RecordMaxBufferedTime, "
                  + ConfigChecks.readable(Duration.ofMillis(age))
                  + " (without it: 100 ms, kinesis-lite's default, not the Kinesis Agent's 60 s)");
          break;
        case "maxBufferSizeRecords":
          long records = whole(v, 1, 500);
          producer.setProperty("CollectionMaxCount", Long.toString(records));
          notice(v, Kind.MAPPED, "→ this flow's producer CollectionMaxCount, " + records);
          break;
        case "maxBufferSizeBytes":
          long bytes = whole(v, 1, 5L * 1024 * 1024);
          long size = Math.max(bytes, 52_224);
          producer.setProperty("CollectionMaxSize", Long.toString(size));
          notice(
              v,
              Kind.MAPPED,
              "→ this flow's producer CollectionMaxSize, "
                  + size
                  + " bytes"
                  + (size != bytes ? " (raised from " + bytes + ", the KPL's minimum)" : ""));
          break;
        case "minTimeBetweenFilePollsMillis":
        case "maxTimeBetweenFileTrackerRefreshMillis":
        case "retryInitialBackoffMillis":
        case "retryMaxBackoffMillis":
          String setting = AGENT_WIDE.get(key);
          Duration d = millisValue(v);
          agentWide.computeIfAbsent(setting, s -> new LinkedHashMap<>()).put(v, d);
          notice(
              v,
              Kind.MAPPED,
              "→ "
                  + setting
                  + ", "
                  + ConfigChecks.readable(d)
                  + " (agent-wide in kinesis-lite: if flows set different values, the smallest"
                  + " applies to all)");
          break;
        case "multiLineStartPattern":
          Regexes.compile(v);
          v.run(() -> b.multiLineStartPattern(v.text()));
          break;
        case "skipHeaderLines":
          int lines = v.wholeInt();
          v.run(() -> b.skipHeaderLines(lines));
          break;
        case "truncatedRecordTerminator":
          v.run(() -> b.truncatedRecordTerminator(v.text()));
          break;
        case "fileFooterPattern":
          Regexes.compile(v);
          v.run(() -> b.fileFooterPattern(v.text()));
          break;
        case "dataProcessingOptions":
          b.processing(steps.read(v));
          break;
        case "aggregatedRecordSizeBytes":
          notice(
              v,
              Kind.UNSUPPORTED,
              "a Firehose-only setting (newline-joined records), which the Kinesis Agent ignores"
                  + " for Kinesis flows too; kinesis-lite packs records into KPL aggregates"
                  + " instead (producer AggregationEnabled, on by default)");
          break;
        default:
          if (AgentJsonKeys.FLOW_NOT_NEEDED.containsKey(key)) {
            notice(v, Kind.NOT_NEEDED, AgentJsonKeys.FLOW_NOT_NEEDED.get(key));
          } else if (AgentJsonKeys.TOP_READ.contains(key)
              || AgentJsonKeys.TOP_NOT_NEEDED.containsKey(key)
              || AgentJsonKeys.TOP_UNSUPPORTED.containsKey(key)) {
            notice(
                v,
                Kind.UNSUPPORTED,
                "an agent-wide key inside a flow: the Kinesis Agent reads it only at the top"
                    + " level, so it had no effect here, and has none in kinesis-lite; move it to"
                    + " the top level");
          } else {
            notice(v, Kind.UNSUPPORTED, AgentJsonKeys.unknown(key, AgentJsonKeys.allFlowKeys()));
          }
      }
    }
    if (!producer.isEmpty()) {
      ProducerConfig config;
      try {
        config = KplProperties.from(producer).producerConfig();
      } catch (IllegalArgumentException e) {
        throw n.error(String.valueOf(e.getMessage()), e);
      }
      b.producer(config);
    }
    return new Draft(n, b);
  }

  private static KeySource partitionKeyOption(ConfigNode n) {
    String value = n.text();
    if (value.equalsIgnoreCase("RANDOM")) {
      return new KeySource.Random();
    }
    if (value.equalsIgnoreCase("DETERMINISTIC")) {
      return new KeySource.LineHash();
    }
    throw n.error("must be RANDOM or DETERMINISTIC: '" + value + "'");
  }

  private void partitionKeyNotice(ConfigNode n, KeySource key) {
    notice(
        n,
        Kind.MAPPED,
        key instanceof KeySource.LineHash
            ? "→ partitionKey: line-hash, the MD5 of each record's bytes, so equal lines get equal"
                + " keys (the Kinesis Agent hashed its whole read buffer, so they seldom did)"
            : "→ partitionKey: random, a random key per record, as in the Kinesis Agent");
  }

  private static InitialPosition initialPosition(ConfigNode n) {
    String value = n.text();
    for (InitialPosition p : InitialPosition.values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw n.error("must be START_OF_FILE or END_OF_FILE: '" + value + "'");
  }

  /** Reads the flows of each {@code agent.d/*.json}; a file that will not parse is skipped. */
  private void agentDirectory() {
    Path parent = file.getParent();
    Path dir = parent == null ? Path.of("agent.d") : parent.resolve("agent.d");
    if (!Files.isDirectory(dir)) {
      return;
    }
    TreeSet<Path> files = new TreeSet<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : listing) {
        if (Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      notices.add(
          new ConfigNotice(
              "agent.d",
              Kind.UNSUPPORTED,
              "the directory cannot be listed, so no flows are read" + " from it: " + e));
      return;
    }
    for (Path p : files) {
      String prefix = "agent.d/" + p.getFileName() + ":";
      JsonNode tree;
      try {
        tree = JSON.readTree(Files.readString(p, StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        skipped(prefix, YamlConfigReader.syntaxError("JSON", e));
        continue;
      } catch (IOException e) {
        skipped(prefix, "cannot be read: " + e);
        continue;
      }
      if (tree == null || !tree.isObject()) {
        skipped(prefix, "not a JSON object");
        continue;
      }
      ConfigNode root = ConfigNode.root(p, tree, true, prefix);
      if (root.get("flows").isSet() && !root.get("flows").json().isArray()) {
        skipped(prefix, "flows is not a list");
        continue;
      }
      sources.add(p);
      for (String key : root.keys()) {
        if (key.equals("flows")) {
          readFlows(root.get(key));
        } else {
          notice(
              root.get(key),
              Kind.UNSUPPORTED,
              "only the flows of agent.d files are read, as the Kinesis Agent reads them; put"
                  + " agent-wide keys in the main file");
        }
      }
    }
  }

  private void skipped(String prefix, String reason) {
    notices.add(
        new ConfigNotice(
            prefix.substring(0, prefix.length() - 1),
            Kind.UNSUPPORTED,
            "skipped, with its flows, as the Kinesis Agent skips it: " + reason));
  }

  private AgentConfig build(ConfigNode root) {
    TransportConfig transport = transport(root);
    for (Map.Entry<String, Map<ConfigNode, Duration>> e : agentWide.entrySet()) {
      Duration smallest = e.getValue().values().stream().min(Duration::compareTo).orElseThrow();
      ConfigNode first = e.getValue().keySet().iterator().next();
      Consumer<Duration> setter;
      switch (e.getKey()) {
        case "pollInterval":
          setter = agent::pollInterval;
          break;
        case "scanInterval":
          setter = agent::scanInterval;
          break;
        case "retryInitialBackoff":
          setter = agent::retryInitialBackoff;
          break;
        default:
          setter = agent::retryMaxBackoff;
      }
      first.run(() -> setter.accept(smallest));
    }
    List<FlowConfig> built = new ArrayList<>();
    for (Draft d : flows) {
      d.builder().transport(transport.selection().toString()).transportConfig(transport);
      try {
        built.add(d.builder().build());
      } catch (IllegalArgumentException e) {
        throw d.node().error(String.valueOf(e.getMessage()), e);
      }
    }
    if (built.isEmpty()) {
      throw root.get("flows")
          .error(
              "no Kinesis flow to run: kinesis-lite ships to Kinesis Data Streams only, and"
                  + " Firehose (deliveryStream) flows are skipped");
    }
    root.get("flows").run(() -> agent.flows(built));
    try {
      return agent.build();
    } catch (IllegalArgumentException e) {
      Map<ConfigNode, Duration> initial = agentWide.get("retryInitialBackoff");
      ConfigNode at = initial != null ? initial.keySet().iterator().next() : root.get("flows");
      throw at.error(String.valueOf(e.getMessage()), e);
    }
  }

  private TransportConfig transport(ConfigNode root) {
    TransportConfig.Builder b = TransportConfig.builder();
    String regionName = region != null ? region.text().strip() : null;
    if (endpoint != null) {
      String text = endpoint.text().strip();
      String url = text.contains("://") ? text : "https://" + text;
      String host;
      try {
        host = new URI(url).getHost();
      } catch (URISyntaxException e) {
        throw endpoint.error("not an endpoint URL: '" + text + "'", e);
      }
      if (host == null) {
        throw endpoint.error("not an endpoint URL: '" + text + "'");
      }
      host = host.toLowerCase(Locale.ROOT);
      Matcher standard = STANDARD_ENDPOINT.matcher(host);
      String selection;
      String message;
      if (standard.matches() && (regionName == null || regionName.equals(standard.group(1)))) {
        selection = "aws:" + standard.group(1);
        message = "→ every flow's transport: " + selection + ", the region's standard endpoint";
      } else {
        selection = url;
        String signing = regionName != null ? regionName : regionIn(host);
        if (signing != null && regionName == null) {
          endpoint.run(() -> b.region(signing));
        }
        message =
            "→ every flow's transport: "
                + url
                + ", signed for "
                + (signing != null ? signing : "us-east-1 (no kinesis.region)");
      }
      endpoint.run(() -> b.selection(selection));
      notices.set(endpointNotice, new ConfigNotice(endpoint.noticeKey(), Kind.MAPPED, message));
    } else {
      String selection = regionName != null ? "aws:" + regionName : "aws:";
      (region != null ? region : root).run(() -> b.selection(selection));
    }
    if (region != null) {
      region.run(() -> b.region(regionName));
      notices.set(
          regionNotice,
          new ConfigNotice(
              region.noticeKey(),
              Kind.MAPPED,
              endpoint == null
                  ? "→ every flow's transport: aws:"
                      + regionName
                      + ", the region's standard"
                      + " endpoint"
                  : "→ the transport's signing region, " + regionName));
    }
    if (accessKeyId != null && secretAccessKey != null) {
      String id = accessKeyId.text();
      String secret = secretAccessKey.text();
      accessKeyId.run(() -> b.credentials(CredentialsSource.staticKeys(id, secret)));
    }
    Duration call = TransportConfig.DEFAULT_CALL_TIMEOUT;
    if (callTimeout != null) {
      Duration c = millisValue(callTimeout);
      callTimeout.run(() -> b.callTimeout(c));
      call = c;
    }
    if (connectTimeout != null) {
      Duration connect = millisValue(connectTimeout);
      connectTimeout.run(() -> b.connectTimeout(connect));
    } else if (call.compareTo(TransportConfig.DEFAULT_CONNECT_TIMEOUT) < 0) {
      Duration c = call;
      callTimeout.run(() -> b.connectTimeout(c)); // a short call timeout bounds the connect too
    }
    ConfigNode at =
        connectTimeout != null ? connectTimeout : endpoint != null ? endpoint : root.get("flows");
    return at.apply(b::build);
  }

  /** The region a label of {@code host} names ({@code vpce-1.kinesis.us-west-2.vpce…}), or null. */
  private static String regionIn(String host) {
    for (String label : host.split("\\.")) {
      if (REGION.matcher(label).matches()) {
        return label;
      }
    }
    return null;
  }

  private int placeholder(ConfigNode n) {
    notices.add(new ConfigNotice(n.noticeKey(), Kind.MAPPED, "→ every flow's transport"));
    return notices.size() - 1;
  }

  private void notice(ConfigNode n, Kind kind, String message) {
    notices.add(new ConfigNotice(n.noticeKey(), kind, message));
  }

  private static long whole(ConfigNode n, long min, long max) {
    long value = n.whole();
    if (value < min || value > max) {
      throw n.error(
          "must be between " + min + " and " + max + ", as in the Kinesis Agent: " + value);
    }
    return value;
  }

  private static Duration millisValue(ConfigNode n) {
    long ms = n.whole();
    if (ms < 0) {
      throw n.error("must not be negative: " + ms);
    }
    return Duration.ofMillis(ms);
  }

  private static String millis(ConfigNode n) {
    return ConfigChecks.readable(millisValue(n));
  }
}
