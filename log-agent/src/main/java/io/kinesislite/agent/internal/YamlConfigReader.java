package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigFileException;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.InitialPosition;
import io.kinesislite.agent.KeySource;
import io.kinesislite.agent.LoadedConfig;
import io.kinesislite.agent.LogFormat;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import io.kinesislite.transport.CredentialsSource;
import io.kinesislite.transport.TransportConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads the agent's own configuration file, {@code agent.yaml}. Thread-safe.
 *
 * <p>Keys are camelCase and all optional except {@code flows} and each flow's {@code files} and
 * {@code stream}; a key left out, or set to null, keeps its default (see {@link AgentConfig} and
 * {@link FlowConfig}). A key the schema does not have is an error naming it, the nearest valid key
 * and all valid keys there; so is a key given twice. Durations are {@code 100ms}, {@code 1s},
 * {@code 2m} (or {@code 2min}), {@code 1h}, {@code 1d} or a whole number of milliseconds; sizes are
 * bytes, or {@code 1KiB}, {@code 64MiB}, {@code 1GiB} (powers of 1024), or {@code 1KB}, {@code
 * 1MB}, {@code 1GB} (powers of 1000). {@code src/main/dist/agent.yaml} is a commented example.
 *
 * <pre>
 * stateDirectory: /var/lib/kinesis-lite-agent   # state.json lives here
 * checkpointInterval: 1s        # how often state.json is written
 * shutdownTimeout: 10s          # a graceful stop waits this long for records in flight
 * maxBufferedBytes: 64MiB       # read but not acknowledged, over all flows; reading pauses above
 * scanInterval: 1s              # how often the file patterns are listed again
 * pollInterval: 100ms           # the reader's wait when no file grew
 * retryInitialBackoff: 100ms    # first wait before a failed record is sent again; doubles …
 * retryMaxBackoff: 10s          # … up to this
 * metrics: {address: "127.0.0.1:9514"}   # or address: off; serves /metrics and /health
 * transport: embedded:/var/lib/kinesis-lite   # the default of every flow; string or map (below)
 * producer: {RecordMaxBufferedTime: 100}       # KPL property names and units
 * flows:
 *   - id: app                   # default: kinesis:STREAM:FILES
 *     files: [/var/log/app/*.log]   # a list or one string; absolute globs, ** allowed
 *     exclude: ["*.gz.log"]     # globs of paths or of file names
 *     includeCompressed: false  # .gz .bz2 .xz .zst .zip are skipped unless true
 *     stream: app-logs          # required
 *     transport: …              # replaces the top-level transport; a map without selection
 *                               # only changes its options
 *     createStream: 2           # create the stream with 2 shards if missing; 0: never
 *     initialPosition: end_of_file   # or start_of_file, any case
 *     multiLine: {startPattern: '^\d{4}-', flushTimeout: 1s}
 *     skipHeaderLines: 0
 *     maxRecordBytes: 1048320   # a size; longer records are cut and end with …
 *     truncatedRecordTerminator: "\n"
 *     fileFooterPattern: '^-- end --$'
 *     processing:               # in order; each a one-key map, or a bare step name
 *       - singleLine: {noTrim: false, escapeNewLine: false}
 *       - csvToJson: {fields: [a, b], delimiter: ",", onError: pass}
 *       - logToJson: {format: combined_apache, matchPattern: …, fields: […], onError: pass}
 *       - addMetadata: {wrap: false, timestamp: true, host: true, file: true, offset: true,
 *                       fields: {env: prod}}
 *       - jsonPassthrough: {onError: pass}
 *       - addBrackets
 *     partitionKey: random      # line-hash | file | host | {jsonField: NAME} |
 *                               # {regex: REGEX, group: NAME-OR-NUMBER (default 1)}
 *     explicitHashKey: {jsonField: hashKey}   # the same forms; default: none
 *     producer: {CollectionMaxCount: 200}     # over the top-level producer map
 * </pre>
 *
 * <p>{@code transport}, in full: either the selection string ({@code embedded:}, {@code
 * embedded:DIR}, {@code aws:}, {@code aws:REGION}, {@code http(s)://HOST:PORT}), or a map of {@code
 * selection}, {@code region}, {@code credentials} ({@code automatic}, {@code default-chain}, {@code
 * {profile: NAME}} or {@code {accessKeyId: …, secretAccessKey: …, sessionToken: …}}), {@code
 * trustSelfSignedCertificates}, {@code callTimeout}, {@code connectTimeout}, {@code maxAttempts},
 * {@code maxConcurrency} and {@code maxRecordSize} (see {@link TransportConfig}). A flow's
 * transport that names a selection (a string, or a map with {@code selection}) replaces the
 * top-level one; a map without {@code selection} changes only the top-level one's options it has.
 * Default: {@code embedded:} (in memory).
 *
 * <p>{@code producer} maps take KPL property names ({@code AggregationEnabled}, {@code
 * RecordMaxBufferedTime}, {@code CollectionMaxCount}, …) with the KPL's units (milliseconds,
 * bytes), read by {@link io.kinesislite.kpl.KplProperties}; a flow's map is read over the top-level
 * one. KPL keys kinesis-lite does not use are reported as notices; the KPL's transport keys
 * (Region, KinesisEndpoint, ConnectTimeout, …) are errors, since {@code transport} says that.
 *
 * <p>Processing steps: {@code onError} is {@code pass} (send the record unchanged, counted) or
 * {@code drop}; default {@code pass}. {@code logToJson.format} is one of {@code common_apache},
 * {@code combined_apache}, {@code apache_error}, {@code syslog_rfc3164}, {@code syslog_rfc3339},
 * {@code syslog_rfc5424}, {@code custom} (the Kinesis Agent's names, like {@code
 * COMBINEDAPACHELOG}, are accepted too); with {@code matchPattern} it may be left out (custom), and
 * the fields are the pattern's named groups or {@code fields}, one per group in order. {@code
 * csvToJson.delimiter} is one character (default {@code ,}). {@code addMetadata} options are all
 * false by default, {@code fields} empty.
 */
public final class YamlConfigReader {
  static final List<String> TOP_KEYS =
      List.of(
          "stateDirectory",
          "checkpointInterval",
          "shutdownTimeout",
          "maxBufferedBytes",
          "scanInterval",
          "pollInterval",
          "retryInitialBackoff",
          "retryMaxBackoff",
          "metrics",
          "transport",
          "producer",
          "flows");

  static final List<String> FLOW_KEYS =
      List.of(
          "id",
          "files",
          "exclude",
          "includeCompressed",
          "stream",
          "transport",
          "createStream",
          "initialPosition",
          "multiLine",
          "skipHeaderLines",
          "maxRecordBytes",
          "truncatedRecordTerminator",
          "fileFooterPattern",
          "processing",
          "partitionKey",
          "explicitHashKey",
          "producer");

  static final List<String> TRANSPORT_KEYS =
      List.of(
          "selection",
          "region",
          "credentials",
          "trustSelfSignedCertificates",
          "callTimeout",
          "connectTimeout",
          "maxAttempts",
          "maxConcurrency",
          "maxRecordSize");

  /** The keys of the top-level {@code metrics} map. */
  static final List<String> METRICS_KEYS = List.of("address");

  /** The keys of a flow's {@code multiLine} map. */
  static final List<String> MULTI_LINE_KEYS = List.of("startPattern", "flushTimeout");

  private static final List<String> KEY_FORMS =
      List.of("random", "line-hash", "file", "host", "{jsonField: NAME}", "{regex: …, group: …}");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Returns the keys agent.yaml takes at its top level, in the order of the example file; the keys
   * of a nested map are dotted ({@code metrics.address}, {@code transport.region}). {@code
   * transport} is listed itself too, since it may also be a selection string. {@code producer}
   * takes KPL property names (see {@link io.kinesislite.kpl.KplProperties}) and {@code flows} the
   * keys of {@link #flowKeys()}.
   */
  public static List<String> topLevelKeys() {
    return dotted(TOP_KEYS);
  }

  /**
   * Returns the keys one entry of {@code flows} takes, dotted for nested maps ({@code
   * multiLine.startPattern}, {@code transport.callTimeout}), as {@link #topLevelKeys()} does.
   */
  public static List<String> flowKeys() {
    return dotted(FLOW_KEYS);
  }

  private static List<String> dotted(List<String> keys) {
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      switch (key) {
        case "metrics" -> METRICS_KEYS.forEach(k -> out.add(key + "." + k));
        case "multiLine" -> MULTI_LINE_KEYS.forEach(k -> out.add(key + "." + k));
        case "transport" -> {
          out.add(key); // a selection string, or a map of the keys below
          TRANSPORT_KEYS.forEach(k -> out.add(key + "." + k));
        }
        default -> out.add(key);
      }
    }
    return List.copyOf(out);
  }

  private final Path file;
  private final List<ConfigNotice> notices = new ArrayList<>();

  private YamlConfigReader(Path file) {
    this.file = file;
  }

  /**
   * Reads {@code text}, the contents of {@code file}.
   *
   * @throws ConfigFileException if it is not YAML, or not a valid configuration
   */
  public static LoadedConfig read(Path file, String text) {
    YamlConfigReader reader = new YamlConfigReader(file);
    JsonNode tree = parse(file, text);
    AgentConfig config = reader.agent(ConfigNode.root(file, tree, false, ""));
    return new LoadedConfig(config, reader.notices, List.of(file));
  }

  private static JsonNode parse(Path file, String text) {
    YAMLMapper mapper = new YAMLMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigFileException(file, "", syntaxError("YAML", e), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new ConfigFileException(file, "", "the file is empty: flows are required", null);
    }
    return tree;
  }

  /** Describes a parse error with its line and column, as Jackson gives them. */
  static String syntaxError(String format, JsonProcessingException e) {
    String where =
        e.getLocation() != null && e.getLocation().getLineNr() > 0
            ? " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
            : "";
    String message = String.valueOf(e.getOriginalMessage()).strip();
    return "not valid "
        + format
        + where
        + ": "
        + message.replace(" in 'reader'", "").replaceAll("\\s*\\n\\s*", " ");
  }

  private AgentConfig agent(ConfigNode root) {
    root.checkKeys(TOP_KEYS);
    AgentConfig.Builder b = AgentConfig.builder();
    ConfigNode n = root.get("stateDirectory");
    if (n.isSet()) {
      String dir = n.text();
      n.run(() -> b.stateDirectory(Path.of(dir)));
    }
    set(root.get("checkpointInterval"), c -> b.checkpointInterval(c.duration()));
    set(root.get("shutdownTimeout"), c -> b.shutdownTimeout(c.duration()));
    set(root.get("maxBufferedBytes"), c -> b.maxBufferedBytes(c.size()));
    set(root.get("scanInterval"), c -> b.scanInterval(c.duration()));
    set(root.get("pollInterval"), c -> b.pollInterval(c.duration()));
    set(root.get("retryInitialBackoff"), c -> b.retryInitialBackoff(c.duration()));
    set(root.get("retryMaxBackoff"), c -> b.retryMaxBackoff(c.duration()));
    ConfigNode metrics = root.get("metrics");
    if (metrics.isSet()) {
      metrics.checkKeys(METRICS_KEYS);
      ConfigNode address = metrics.get("address");
      if (address.isSet()) {
        b.metricsAddress(metricsAddress(address));
      }
    }
    TransportConfig transport = TransportConfig.of(TransportConfig.DEFAULT_SELECTION);
    if (root.get("transport").isSet()) {
      transport = transport(root.get("transport"), transport);
    }
    ProducerSettings producer = ProducerSettings.defaults();
    if (root.get("producer").isSet()) {
      producer = ProducerSettings.read(root.get("producer"), producer, notices);
      b.producer(producer.config());
    }
    ConfigNode flows = root.get("flows");
    if (!flows.isSet()) {
      throw flows.missing("a list of flows, each with files and stream");
    }
    List<FlowConfig> built = new ArrayList<>();
    for (ConfigNode flow : flows.list()) {
      built.add(flow(flow, transport, producer));
    }
    flows.run(() -> b.flows(built));
    return buildAgent(root, b);
  }

  private static AgentConfig buildAgent(ConfigNode root, AgentConfig.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      String key = message.startsWith("retryInitialBackoff") ? "retryInitialBackoff" : "flows";
      throw root.get(key).error(message, e);
    }
  }

  private FlowConfig flow(ConfigNode n, TransportConfig agentTransport, ProducerSettings producer) {
    n.checkKeys(FLOW_KEYS);
    ConfigNode stream = n.get("stream");
    if (!stream.isSet()) {
      throw stream.missing("the name of the stream this flow ships to");
    }
    String streamName = stream.text();
    FlowConfig.Builder b = stream.apply(() -> FlowConfig.builder(streamName));
    set(n.get("id"), c -> b.id(c.text()));
    ConfigNode files = n.get("files");
    if (!files.isSet()) {
      throw files.missing("the glob patterns of the files to tail, like /var/log/app/*.log");
    }
    files.run(() -> b.files(files.strings()));
    set(n.get("exclude"), c -> b.excludes(c.strings()));
    set(n.get("includeCompressed"), c -> b.includeCompressed(c.bool()));
    TransportConfig transport = agentTransport;
    if (n.get("transport").isSet()) {
      transport = transport(n.get("transport"), agentTransport);
    }
    String selection = transport.selection().toString();
    b.transport(selection).transportConfig(transport);
    set(n.get("createStream"), c -> b.createStreamShards(c.wholeInt()));
    set(n.get("initialPosition"), c -> b.initialPosition(initialPosition(c)));
    ConfigNode multiLine = n.get("multiLine");
    if (multiLine.isSet()) {
      multiLine.checkKeys(MULTI_LINE_KEYS);
      ConfigNode start = multiLine.get("startPattern");
      if (start.isSet()) {
        Regexes.compile(start);
        start.run(() -> b.multiLineStartPattern(start.text()));
      }
      set(multiLine.get("flushTimeout"), c -> b.multiLineFlushTimeout(c.duration()));
    }
    set(n.get("skipHeaderLines"), c -> b.skipHeaderLines(c.wholeInt()));
    set(n.get("maxRecordBytes"), c -> b.maxRecordBytes(c.sizeInt()));
    set(n.get("truncatedRecordTerminator"), c -> b.truncatedRecordTerminator(c.text()));
    ConfigNode footer = n.get("fileFooterPattern");
    if (footer.isSet()) {
      Regexes.compile(footer);
      footer.run(() -> b.fileFooterPattern(footer.text()));
    }
    ConfigNode processing = n.get("processing");
    if (processing.isSet()) {
      List<ProcessorSpec> steps = new ArrayList<>();
      for (ConfigNode step : processing.list()) {
        steps.add(step(step));
      }
      b.processing(steps);
    }
    set(n.get("partitionKey"), c -> b.partitionKey(keySource(c)));
    set(n.get("explicitHashKey"), c -> b.explicitHashKey(keySource(c)));
    if (n.get("producer").isSet()) {
      b.producer(ProducerSettings.read(n.get("producer"), producer, notices).config());
    }
    FlowConfig flow = buildFlow(n, b);
    if (flow.maxRecordBytes() > transport.maxRecordSize()) {
      throw n.get("maxRecordBytes")
          .error(
              flow.maxRecordBytes()
                  + " bytes is more than the transport accepts ("
                  + transport.maxRecordSize()
                  + "); raise transport maxRecordSize too, for a stream configured for records"
                  + " that large");
    }
    return flow;
  }

  private static FlowConfig buildFlow(ConfigNode n, FlowConfig.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      String key =
          message.startsWith("truncatedRecordTerminator") ? "truncatedRecordTerminator" : "files";
      throw n.get(key).error(message, e);
    }
  }

  /**
   * Reads a transport: a string or a map with {@code selection} replaces {@code base}; a map
   * without one changes only the options it has.
   */
  static TransportConfig transport(ConfigNode n, TransportConfig base) {
    if (!n.json().isObject()) {
      String selection = n.text();
      TransportConfig.Builder b = TransportConfig.builder();
      n.run(() -> b.selection(selection));
      return n.apply(b::build);
    }
    n.checkKeys(TRANSPORT_KEYS);
    TransportConfig.Builder b =
        n.get("selection").isSet() ? TransportConfig.builder() : base.toBuilder();
    set(n.get("selection"), c -> b.selection(c.text()));
    set(n.get("region"), c -> b.region(c.text()));
    set(n.get("credentials"), c -> b.credentials(credentials(c)));
    set(n.get("trustSelfSignedCertificates"), c -> b.trustSelfSignedCertificates(c.bool()));
    set(n.get("callTimeout"), c -> b.callTimeout(c.duration()));
    set(n.get("connectTimeout"), c -> b.connectTimeout(c.duration()));
    set(n.get("maxAttempts"), c -> b.maxAttempts(c.wholeInt()));
    set(n.get("maxConcurrency"), c -> b.maxConcurrency(c.wholeInt()));
    set(n.get("maxRecordSize"), c -> b.maxRecordSize(c.sizeInt()));
    return n.apply(b::build);
  }

  private static CredentialsSource credentials(ConfigNode n) {
    if (!n.json().isObject()) {
      String kind = n.text();
      switch (kind) {
        case "automatic":
          return CredentialsSource.automatic();
        case "default-chain":
          return CredentialsSource.defaultChain();
        default:
          throw n.error(
              "must be automatic, default-chain, {profile: NAME} or {accessKeyId: …,"
                  + " secretAccessKey: …}: '"
                  + kind
                  + "'");
      }
    }
    List<String> keys = n.keys();
    if (keys.contains("profile")) {
      n.checkKeys(List.of("profile"));
      return n.get("profile").apply(() -> CredentialsSource.profile(n.get("profile").text()));
    }
    n.checkKeys(List.of("accessKeyId", "secretAccessKey", "sessionToken"));
    for (String required : List.of("accessKeyId", "secretAccessKey")) {
      if (!n.get(required).isSet()) {
        throw n.get(required).missing("static credentials need accessKeyId and secretAccessKey");
      }
    }
    String token = n.get("sessionToken").isSet() ? n.get("sessionToken").text() : null;
    return n.apply(
        () ->
            CredentialsSource.staticKeys(
                n.get("accessKeyId").text(), n.get("secretAccessKey").text(), token));
  }

  private static InetSocketAddress metricsAddress(ConfigNode n) {
    if (n.json().isBoolean() && !n.json().booleanValue()) {
      return null; // YAML 1.1 reads a bare off as false
    }
    String text = n.text().strip();
    if (text.equalsIgnoreCase("off")) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (host.isEmpty() || port < 0 || port > 65_535) {
      throw n.error(
          "must be HOST:PORT (like 127.0.0.1:9514, [::1]:9514; port 0 picks a free one) or off: '"
              + text
              + "'");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw n.error("cannot resolve host '" + host + "'");
    }
    return address;
  }

  private static InitialPosition initialPosition(ConfigNode n) {
    String value = n.text();
    for (InitialPosition p : InitialPosition.values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    throw n.error("must be start_of_file or end_of_file: '" + value + "'");
  }

  /** Reads a partition key or explicit hash key source. */
  static KeySource keySource(ConfigNode n) {
    if (!n.json().isObject()) {
      String value = n.text();
      switch (value.toLowerCase(Locale.ROOT)) {
        case "random":
          return new KeySource.Random();
        case "line-hash":
          return new KeySource.LineHash();
        case "file":
          return new KeySource.FilePath();
        case "host":
          return new KeySource.Host();
        default:
          throw n.error("must be one of " + String.join(", ", KEY_FORMS) + ": '" + value + "'");
      }
    }
    if (n.keys().contains("jsonField")) {
      n.checkKeys(List.of("jsonField"));
      ConfigNode field = n.get("jsonField");
      return field.apply(() -> new KeySource.JsonField(field.text()));
    }
    if (n.keys().contains("regex")) {
      n.checkKeys(List.of("regex", "group"));
      Pattern pattern = Regexes.compile(n.get("regex"));
      ConfigNode groupNode = n.get("group");
      String group = groupNode.isSet() ? groupNode.text() : "1";
      Regexes.checkGroup(groupNode.isSet() ? groupNode : n.get("regex"), pattern, group);
      return new KeySource.RegexGroup(pattern, group);
    }
    throw n.error("must be one of " + String.join(", ", KEY_FORMS) + ", not " + n.describe());
  }

  private static final List<String> STEPS =
      List.of(
          "singleLine", "csvToJson", "logToJson", "addMetadata", "jsonPassthrough", "addBrackets");

  /** Reads one processing step: a one-key map, or a bare step name. */
  static ProcessorSpec step(ConfigNode n) {
    String name;
    ConfigNode options;
    if (n.json().isObject()) {
      List<String> keys = n.keys();
      if (keys.size() != 1) {
        throw n.error(
            "a step is a map with one key, the step's name ("
                + String.join(", ", STEPS)
                + "), not "
                + keys.size()
                + " keys "
                + keys);
      }
      name = keys.get(0);
      options = n.get(name);
    } else {
      name = n.text();
      options = n.get(name); // missing: every option at its default
    }
    if (!STEPS.contains(name)) {
      throw n.error(
          "unknown step '"
              + name
              + "'"
              + Optional.ofNullable(Quantities.nearest(name, STEPS))
                  .map(s -> " (did you mean " + s + "?)")
                  .orElse("")
              + "; valid steps: "
              + String.join(", ", STEPS));
    }
    if (options.isSet()) {
      options.requireObject();
    }
    switch (name) {
      case "singleLine":
        check(options, "noTrim", "escapeNewLine");
        return new ProcessorSpec.SingleLine(
            flag(options.get("noTrim")), flag(options.get("escapeNewLine")));
      case "csvToJson":
        check(options, "fields", "delimiter", "onError");
        return csvToJson(options);
      case "logToJson":
        check(options, "format", "matchPattern", "fields", "onError");
        return logToJson(options);
      case "addMetadata":
        check(options, "wrap", "timestamp", "host", "file", "offset", "fields");
        return new ProcessorSpec.AddMetadata(
            flag(options.get("wrap")),
            flag(options.get("timestamp")),
            flag(options.get("host")),
            flag(options.get("file")),
            flag(options.get("offset")),
            metadataFields(options.get("fields")));
      case "jsonPassthrough":
        check(options, "onError");
        return new ProcessorSpec.JsonPassthrough(onError(options.get("onError")));
      default:
        check(options);
        return new ProcessorSpec.AddBrackets();
    }
  }

  private static ProcessorSpec csvToJson(ConfigNode options) {
    ConfigNode fields = options.get("fields");
    if (!fields.isSet()) {
      throw fields.missing("the field names of the columns, in order");
    }
    List<String> names = fields.strings();
    char delimiter = ',';
    ConfigNode d = options.get("delimiter");
    if (d.isSet()) {
      String text = d.text();
      if (text.length() != 1) {
        throw d.error(
            "must be one character (write \"\\t\" in double quotes for a tab): '" + text + "'");
      }
      delimiter = text.charAt(0);
    }
    char delim = delimiter;
    return fields.apply(
        () -> new ProcessorSpec.CsvToJson(names, delim, onError(options.get("onError"))));
  }

  private static ProcessorSpec logToJson(ConfigNode options) {
    ConfigNode formatNode = options.get("format");
    ConfigNode patternNode = options.get("matchPattern");
    ConfigNode fieldsNode = options.get("fields");
    Optional<Pattern> pattern =
        patternNode.isSet() ? Optional.of(Regexes.compile(patternNode)) : Optional.empty();
    LogFormat format;
    if (formatNode.isSet()) {
      format = logFormat(formatNode);
    } else if (pattern.isPresent()) {
      format = LogFormat.CUSTOM;
    } else {
      throw formatNode.missing(
          "the log format ("
              + String.join(", ", logFormatNames())
              + "), or a matchPattern for your own");
    }
    List<String> fields = fieldsNode.isSet() ? fieldsNode.strings() : List.of();
    if (pattern.isPresent()) {
      if (!fields.isEmpty()) {
        Regexes.checkGroupsFor(patternNode, pattern.get(), fields.size(), "fields");
      } else if (Regexes.namedGroups(pattern.get()).isEmpty()) {
        throw fieldsNode.missing(
            "matchPattern has no named groups ((?<name>…)), so fields must name its groups");
      }
    } else if (format == LogFormat.CUSTOM) {
      throw patternNode.missing("format custom needs a matchPattern");
    } else if (!fields.isEmpty() && fields.size() != format.fields().size()) {
      throw fieldsNode.error(
          "renames the "
              + format.fields().size()
              + " fields of "
              + format.name().toLowerCase(Locale.ROOT)
              + " "
              + format.fields()
              + ", so it must name "
              + format.fields().size()
              + ", not "
              + fields.size());
    }
    LogFormat f = format;
    return options.apply(
        () -> new ProcessorSpec.LogToJson(f, pattern, fields, onError(options.get("onError"))));
  }

  private static List<String> logFormatNames() {
    List<String> names = new ArrayList<>();
    for (LogFormat f : LogFormat.values()) {
      names.add(f.name().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  /** The Kinesis Agent's names for our formats. */
  private static final Map<String, LogFormat> AGENT_FORMATS =
      Map.of(
          "COMMONAPACHELOG", LogFormat.COMMON_APACHE,
          "COMBINEDAPACHELOG", LogFormat.COMBINED_APACHE,
          "APACHEERRORLOG", LogFormat.APACHE_ERROR,
          "SYSLOG", LogFormat.SYSLOG_RFC3164,
          "RFC3339SYSLOG", LogFormat.SYSLOG_RFC3339);

  private static LogFormat logFormat(ConfigNode n) {
    String value = n.text();
    for (LogFormat f : LogFormat.values()) {
      if (f.name().equalsIgnoreCase(value)) {
        return f;
      }
    }
    LogFormat agent = AGENT_FORMATS.get(value.toUpperCase(Locale.ROOT));
    if (agent != null) {
      return agent;
    }
    throw n.error("must be one of " + String.join(", ", logFormatNames()) + ": '" + value + "'");
  }

  private static OnError onError(ConfigNode n) {
    if (!n.isSet()) {
      return OnError.PASS;
    }
    String value = n.text();
    for (OnError e : OnError.values()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw n.error("must be pass or drop: '" + value + "'");
  }

  private static boolean flag(ConfigNode n) {
    return n.isSet() && n.bool();
  }

  private static Map<String, Object> metadataFields(ConfigNode n) {
    if (!n.isSet()) {
      return Map.of();
    }
    n.requireObject();
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String key : n.keys()) {
      ConfigNode value = n.get(key);
      if (!value.isSet()) {
        throw value.error("a metadata field needs a value");
      }
      fields.put(key, JSON.convertValue(value.json(), Object.class));
    }
    return fields;
  }

  private static void check(ConfigNode options, String... valid) {
    if (options.isSet()) {
      options.checkKeys(List.of(valid));
    }
  }

  /** Applies {@code setter} if the key is set; its rejection becomes an error for the key. */
  private static void set(ConfigNode n, Consumer<ConfigNode> setter) {
    if (n.isSet()) {
      n.run(() -> setter.accept(n));
    }
  }
}
