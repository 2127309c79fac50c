package io.kinesislite.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kinesislite.agent.AgentConfig;
import io.kinesislite.agent.ConfigNotice;
import io.kinesislite.agent.FlowConfig;
import io.kinesislite.agent.KeySource;
import io.kinesislite.agent.LoadedConfig;
import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.transport.TransportConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The text {@code check-config} prints: every effective setting of the agent and of each flow,
 * defaults included, under the names agent.yaml gives them, then the notices grouped by kind.
 * Durations are written as people write them ({@code 100 ms}, {@code 10 s}), sizes in bytes,
 * strings and patterns JSON-quoted so that whitespace and escapes show. The same configuration
 * always gives the same text. Thread-safe.
 */
public final class SettingsReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final StringBuilder out = new StringBuilder();

  private SettingsReport() {}

  /** Returns the report of {@code loaded}. */
  public static String of(LoadedConfig loaded) {
    SettingsReport r = new SettingsReport();
    r.report(loaded);
    return r.out.toString();
  }

  private void report(LoadedConfig loaded) {
    AgentConfig c = loaded.config();
    line(0, "sources:");
    for (Path p : loaded.source()) {
      line(1, "- " + p);
    }
    line(0, "agent:");
    line(1, "stateDirectory: " + c.stateDirectory() + " (state file: state.json)");
    line(1, "checkpointInterval: " + time(c.checkpointInterval()));
    line(1, "shutdownTimeout: " + time(c.shutdownTimeout()));
    line(1, "maxBufferedBytes: " + bytes(c.maxBufferedBytes()));
    line(1, "scanInterval: " + time(c.scanInterval()));
    line(1, "pollInterval: " + time(c.pollInterval()));
    line(1, "retryInitialBackoff: " + time(c.retryInitialBackoff()));
    line(1, "retryMaxBackoff: " + time(c.retryMaxBackoff()));
    line(1, "metrics.address: " + c.metricsAddress().map(SettingsReport::address).orElse("off"));
    line(1, "producer:");
    producer(2, c.producer());
    line(0, "flows: " + c.flows().size());
    for (FlowConfig f : c.flows()) {
      flow(f);
    }
    List<ConfigNotice> notices = loaded.notices();
    line(0, "notices: " + notices.size());
    for (ConfigNotice.Kind kind : ConfigNotice.Kind.values()) {
      List<ConfigNotice> ofKind = loaded.notices(kind);
      if (ofKind.isEmpty()) {
        continue;
      }
      line(1, kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + ofKind.size());
      for (ConfigNotice n : ofKind) {
        line(2, "- " + n.key() + ": " + n.message());
      }
    }
  }

  private void flow(FlowConfig f) {
    line(1, "- id: " + quote(f.id()));
    line(2, "stream: " + f.stream());
    line(2, "files: " + quoted(f.files()));
    line(2, "exclude: " + quoted(f.excludes()));
    line(2, "includeCompressed: " + f.includeCompressed());
    transport(2, f.transportConfig());
    line(
        2,
        "createStream: "
            + (f.createStreamShards() == 0
                ? "0 (never: the stream must exist)"
                : f.createStreamShards() + " shards, if the stream is missing"));
    line(2, "initialPosition: " + f.initialPosition().name().toLowerCase(Locale.ROOT));
    line(2, "multiLine.startPattern: " + pattern(f.multiLineStartPattern()));
    line(2, "multiLine.flushTimeout: " + time(f.multiLineFlushTimeout()));
    line(2, "skipHeaderLines: " + f.skipHeaderLines());
    line(2, "maxRecordBytes: " + bytes(f.maxRecordBytes()));
    line(2, "truncatedRecordTerminator: " + quote(f.truncatedRecordTerminator()));
    line(2, "fileFooterPattern: " + pattern(f.fileFooterPattern()));
    if (f.processing().isEmpty()) {
      line(2, "processing: none (records are sent as read)");
    } else {
      line(2, "processing:");
      for (ProcessorSpec step : f.processing()) {
        line(3, "- " + step(step));
      }
    }
    line(2, "partitionKey: " + key(f.partitionKey()));
    line(2, "explicitHashKey: " + f.explicitHashKey().map(SettingsReport::key).orElse("none"));
    if (f.producer().isPresent()) {
      line(2, "producer:");
      producer(3, f.producer().get());
    } else {
      line(2, "producer: the agent's (above)");
    }
  }

  private void transport(int indent, TransportConfig t) {
    line(indent, "transport: " + t.selection());
    String defaultRegion;
    switch (t.selection().kind()) {
      case AWS:
        defaultRegion = "the SDK's default region chain";
        break;
      case ENDPOINT:
        defaultRegion = "us-east-1 (the default for an endpoint)";
        break;
      default:
        defaultRegion = "none (not used by the bundled engine)";
    }
    line(indent + 1, "region: " + t.region().orElse(defaultRegion));
    line(indent + 1, "credentials: " + t.credentials());
    line(indent + 1, "trustSelfSignedCertificates: " + t.trustSelfSignedCertificates());
    line(indent + 1, "connectTimeout: " + time(t.connectTimeout()));
    line(indent + 1, "callTimeout: " + time(t.callTimeout()));
    line(indent + 1, "maxAttempts: " + t.maxAttempts());
    line(indent + 1, "maxConcurrency: " + t.maxConcurrency());
    line(indent + 1, "maxRecordSize: " + bytes(t.maxRecordSize()));
  }

  private void producer(int indent, ProducerConfig p) {
    line(indent, "AggregationEnabled: " + p.aggregationEnabled());
    line(indent, "AggregationMaxCount: " + p.aggregationMaxCount());
    line(indent, "AggregationMaxSize: " + bytes(p.aggregationMaxSize()));
    line(indent, "CollectionMaxCount: " + p.collectionMaxCount());
    line(indent, "CollectionMaxSize: " + bytes(p.collectionMaxSize()));
    line(indent, "RecordMaxBufferedTime: " + time(p.recordMaxBufferedTime()));
    line(indent, "RecordTtl: " + time(p.recordTtl()));
    line(indent, "RateLimit: " + p.rateLimit() + " %");
    line(indent, "FailIfThrottled: " + p.failIfThrottled());
    line(indent, "MaxUserRecordSize: " + bytes(p.maxUserRecordSize()));
    line(indent, "MetricsLevel: " + p.metricsLevel().name().toLowerCase(Locale.ROOT));
    line(indent, "MetricsGranularity: " + p.metricsGranularity().name().toLowerCase(Locale.ROOT));
    line(indent, "MetricsNamespace: " + p.metricsNamespace());
    line(indent, "MaxOutstandingRecords: " + p.maxOutstandingRecords());
    line(indent, "MaxOutstandingBytes: " + bytes(p.maxOutstandingBytes()));
    line(indent, "BufferFullWait: " + time(p.bufferFullWait()));
    line(indent, "StrictOrdering: " + p.strictOrdering());
    line(indent, "CloseTimeout: " + time(p.closeTimeout()));
  }

  /** A step as agent.yaml writes it, every option shown. */
  static String step(ProcessorSpec step) {
    if (step instanceof ProcessorSpec.SingleLine s) {
      return "singleLine: {noTrim: " + s.noTrim() + ", escapeNewLine: " + s.escapeNewLine() + "}";
    }
    if (step instanceof ProcessorSpec.CsvToJson c) {
      return "csvToJson: {fields: "
          + quoted(c.fieldNames())
          + ", delimiter: "
          + quote(String.valueOf(c.delimiter()))
          + ", onError: "
          + onError(c.onError())
          + "}";
    }
    if (step instanceof ProcessorSpec.LogToJson l) {
      List<String> fields = l.fieldNames();
      String which = "";
      if (fields.isEmpty()) {
        fields = l.matchPattern().isPresent() ? Regexes.namedGroups(l.matchPattern().get()) : null;
        fields = fields == null || fields.isEmpty() ? l.format().fields() : fields;
        which = l.matchPattern().isPresent() ? " (the pattern's named groups)" : " (the format's)";
      }
      return "logToJson: {format: "
          + l.format().name().toLowerCase(Locale.ROOT)
          + ", matchPattern: "
          + pattern(l.matchPattern())
          + ", fields: "
          + quoted(fields)
          + which
          + ", onError: "
          + onError(l.onError())
          + "}";
    }
    if (step instanceof ProcessorSpec.AddMetadata a) {
      return "addMetadata: {wrap: "
          + a.wrap()
          + ", timestamp: "
          + a.timestamp()
          + ", host: "
          + a.host()
          + ", file: "
          + a.file()
          + ", offset: "
          + a.offset()
          + ", fields: "
          + json(a.fields())
          + "}";
    }
    if (step instanceof ProcessorSpec.JsonPassthrough j) {
      return "jsonPassthrough: {onError: " + onError(j.onError()) + "}";
    }
    return "addBrackets: {}";
  }

  /** A key source as agent.yaml writes it. */
  static String key(KeySource key) {
    if (key instanceof KeySource.Random) {
      return "random";
    }
    if (key instanceof KeySource.LineHash) {
      return "line-hash";
    }
    if (key instanceof KeySource.FilePath) {
      return "file";
    }
    if (key instanceof KeySource.Host) {
      return "host";
    }
    if (key instanceof KeySource.JsonField j) {
      return "{jsonField: " + quote(j.field()) + "}";
    }
    KeySource.RegexGroup r = (KeySource.RegexGroup) key;
    return "{regex: " + quote(r.pattern().pattern()) + ", group: " + quote(r.group()) + "}";
  }

  private static String onError(ProcessorSpec.OnError e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static String time(Duration d) {
    return io.kinesislite.transport.internal.ConfigChecks.readable(d);
  }

  private static String bytes(long n) {
    return n + " bytes";
  }

  private static String address(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static String pattern(Optional<Pattern> p) {
    return p.map(x -> quote(x.pattern())).orElse("none");
  }

  private static String quoted(List<String> values) {
    return values.stream().map(SettingsReport::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String quote(String s) {
    return json(s);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }

  private void line(int indent, String text) {
    out.append("  ".repeat(indent)).append(text).append('\n');
  }
}
