package io.kinesislite.agent.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Kinesis Agent's configuration keys (reference: its agent.json documentation and code) that
 * kinesis-lite takes, does not need, or cannot honour, with what the notices about them say.
 * Thread-safe.
 */
final class AgentJsonKeys {
  /** Where the notices point users for metrics: the agent's default metrics address. */
  static final String METRICS = "http://127.0.0.1:9514/metrics";

  /** Top-level keys kinesis-lite does not need, with what it does instead. */
  static final Map<String, String> TOP_NOT_NEEDED = topNotNeeded();

  /** Top-level keys with no effect in kinesis-lite, with why. */
  static final Map<String, String> TOP_UNSUPPORTED = topUnsupported();

  /**
   * Top-level keys the reader handles itself: taken, mapped, or reported depending on the value.
   */
  static final Set<String> TOP_READ =
      Set.of(
          "flows",
          "checkpointFile",
          "kinesis.endpoint",
          "kinesis.region",
          "awsAccessKeyId",
          "awsSecretAccessKey",
          "connectionTimeoutMillis",
          "socketTimeoutMillis",
          "shutdownTimeoutMillis");

  /** Flow keys kinesis-lite does not need, with what it does instead. */
  static final Map<String, String> FLOW_NOT_NEEDED = flowNotNeeded();

  /** Flow keys the reader handles itself: taken, mapped, or reported depending on the value. */
  static final Set<String> FLOW_READ =
      Set.of(
          "filePattern",
          "kinesisStream",
          "deliveryStream",
          "partitionKeyOption",
          "initialPosition",
          "maxBufferAgeMillis",
          "maxBufferSizeBytes",
          "maxBufferSizeRecords",
          "minTimeBetweenFilePollsMillis",
          "maxTimeBetweenFileTrackerRefreshMillis",
          "retryInitialBackoffMillis",
          "retryMaxBackoffMillis",
          "multiLineStartPattern",
          "skipHeaderLines",
          "truncatedRecordTerminator",
          "fileFooterPattern",
          "dataProcessingOptions",
          "aggregatedRecordSizeBytes");

  private AgentJsonKeys() {}

  /** The notice text for a key the Kinesis Agent does not have. */
  static String unknown(String key, Set<String> known) {
    String near = Quantities.nearest(key, known);
    return "unknown key: the Kinesis Agent does not have it either, so it had no effect and has"
        + " none here"
        + (near != null ? " (did you mean " + near + "?)" : "");
  }

  static String unknown(String key, List<String> known) {
    return unknown(key, new TreeSet<>(known));
  }

  /** Every top-level key the Kinesis Agent has. */
  static Set<String> allTopKeys() {
    Set<String> keys = new TreeSet<>(TOP_READ);
    keys.addAll(TOP_NOT_NEEDED.keySet());
    keys.addAll(TOP_UNSUPPORTED.keySet());
    return keys;
  }

  /** Every flow key the Kinesis Agent has. */
  static Set<String> allFlowKeys() {
    Set<String> keys = new TreeSet<>(FLOW_READ);
    keys.addAll(FLOW_NOT_NEEDED.keySet());
    return keys;
  }

  private static Map<String, String> topNotNeeded() {
    String threads =
        "kinesis-lite sends asynchronously, with at most 64 requests in flight per transport"
            + " (transport maxConcurrency in agent.yaml); there is no pool of sending threads to"
            + " size";
    String sdk =
        "the AWS SDK v2 client pools and reuses connections itself; kinesis-lite leaves its"
            + " connection handling as it is";
    String checkpoints =
        "kinesis-lite keeps its state in a plain file (state.json in stateDirectory) that it"
            + " replaces atomically; there is no database to time out";
    String log =
        "kinesis-lite serves its metrics (records, bytes behind, checkpoint age) for Prometheus"
            + " at "
            + METRICS
            + " instead of writing them to its log";
    Map<String, String> m = new TreeMap<>();
    m.put("maxSendingThreads", threads);
    m.put("maxSendingThreadsPerCore", threads);
    m.put("sendingThreadsKeepAliveMillis", threads);
    m.put("sendingThreadsMaxQueueSize", threads);
    m.put("maxConnections", threads);
    m.put("connectionTTLMillis", sdk);
    m.put("useTcpKeepAlive", sdk);
    m.put(
        "useHttpGzip",
        "kinesis-lite does not compress requests; KPL aggregation (producer AggregationEnabled,"
            + " on by default) packs small records densely instead");
    m.put("userAgent", "requests carry the AWS SDK's own user agent");
    m.put("userAgentOverride", "requests carry the AWS SDK's own user agent");
    m.put("checkpoints.queryTimeoutSeconds", checkpoints);
    m.put("checkpoints.connectionTimeoutSeconds", checkpoints);
    m.put(
        "checkpointTimeToLiveDays",
        "state.json holds an entry only for each file kinesis-lite still tracks, and drops it"
            + " once the file is gone, so no entries need purging by age");
    m.put("log.emitMetrics", log);
    m.put("log.emitInternalMetrics", log);
    m.put(
        "log.statusReportingPeriodSeconds",
        "kinesis-lite reports progress as metrics (bytes behind, checkpoint age) at "
            + METRICS
            + " rather than as periodic log lines");
    return Map.copyOf(m);
  }

  private static Map<String, String> topUnsupported() {
    String cloudwatch =
        "kinesis-lite does not publish metrics to CloudWatch; it serves them for Prometheus at "
            + METRICS
            + " (metrics address in agent.yaml)";
    String credentials =
        "the flows use the default credentials chain (environment, profile, web"
            + " identity, container, instance profile)";
    Map<String, String> m = new TreeMap<>();
    for (String key :
        List.of(
            "cloudwatch.emitMetrics",
            "cloudwatch.endpoint",
            "cloudwatch.namespace",
            "cloudwatch.tagInstance",
            "cloudwatch.metricsBufferTimeMillis",
            "cloudwatch.metricsQueueSize")) {
      m.put(key, cloudwatch);
    }
    m.put(
        "firehose.endpoint",
        "kinesis-lite ships to Kinesis Data Streams only; Firehose (deliveryStream) flows are"
            + " skipped");
    m.put("sts.endpoint", "kinesis-lite does not call STS itself; " + credentials);
    String assume =
        "kinesis-lite does not assume roles itself; "
            + credentials
            + ", which can assume a role from a profile's role_arn or AWS_ROLE_ARN with a web"
            + " identity token";
    m.put("assumeRoleARN", assume);
    m.put("assumeRoleExternalId", assume);
    String provider = "kinesis-lite loads no credentials provider classes; " + credentials;
    m.put("userDefinedCredentialsProvider.classname", provider);
    m.put("userDefinedCredentialsProvider.location", provider);
    return Map.copyOf(m);
  }

  private static Map<String, String> flowNotNeeded() {
    String queue =
        "kinesis-lite bounds what is read and not yet acknowledged by bytes over all flows"
            + " (maxBufferedBytes, 64 MiB) and pauses reading above it; there is no publish queue"
            + " to size or wait on";
    Map<String, String> m = new TreeMap<>();
    m.put("publishQueueCapacity", queue);
    m.put("waitOnFullPublishQueueMillis", queue);
    m.put("waitOnEmptyPublishQueueMillis", queue);
    m.put(
        "log.emitInternalMetrics",
        "kinesis-lite serves every flow's metrics for Prometheus at " + METRICS);
    return Map.copyOf(m);
  }
}
