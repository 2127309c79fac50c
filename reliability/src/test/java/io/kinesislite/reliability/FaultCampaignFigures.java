package io.kinesislite.reliability;

import io.kinesislite.kpl.ProducerConfig;
import io.kinesislite.reliability.FaultPlan.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The figures of campaign 2 ({@link FaultInjectionCampaignIT}) as rows of its report: faults by
 * kind and operation, records' fates, peaks of what each producer held against its limits, stalls
 * and recoveries, and the failed attempts producers reported, by code and source.
 *
 * <p>Immutable once made (it reads its sources, which are done by then); not thread-safe.
 *
 * @param proxy the proxy, for the faults it injected and the calls it saw
 * @param ledger the records' fates
 * @param tally the ledger's final tally
 * @param attempts the failed attempts the producers reported
 * @param sides the producers
 * @param consumer the consumers' progress
 * @param writeRecoveries how long after each write outage the first record was acknowledged
 * @param readRecoveries how long after each read outage a record was consumed for the first time
 * @param storms how many storms there were
 * @param batches how many batches the consumers processed
 */
public record FaultCampaignFigures(
    FaultProxy proxy,
    RecordLedger ledger,
    RecordLedger.Tally tally,
    AttemptTally attempts,
    List<ProducerSide> sides,
    StallWatch consumer,
    List<Duration> writeRecoveries,
    List<Duration> readRecoveries,
    long storms,
    long batches) {

  /** Adds the figures to {@code report}, in the order the report shows them. */
  public void addTo(CampaignReport.Builder report) {
    for (Fault f : Fault.values()) {
      report.figure("faults: " + f.label(), format(proxy.injected(f)));
    }
    report
        .figure(
            "faults on PutRecords / GetRecords",
            format(faultsOn(proxy, "PutRecords")) + " / " + format(faultsOn(proxy, "GetRecords")))
        .figure(
            "calls through the proxy",
            format(proxy.callsByOperation().values().stream().mapToLong(Long::longValue).sum()))
        .figure("storms", format(storms))
        .figure(
            "recovery after each write outage (to the next acknowledgement)",
            times(writeRecoveries))
        .figure(
            "recovery after each read outage (to the next record consumed)", times(readRecoveries))
        .figure("records acknowledged", format(ledger.acknowledged()))
        .figure("records failed (future failed)", format(tally.failed()) + failureKinds())
        .figure("failed but stored all the same", format(tally.failedButStored()))
        .figure("adds refused (BufferFullException)", format(ledger.refusedCount()))
        .figure(
            "adds that waited for room",
            format(sides.stream().mapToLong(s -> s.adders().blockedAdds()).sum()));
    for (ProducerSide s : sides) {
      ProducerConfig c = s.producer().config();
      report.figure(
          "peak outstanding, " + s.name() + " producer (limit)",
          format(s.peakRecords().get())
              + " records ("
              + format(c.maxOutstandingRecords())
              + "), "
              + format(s.peakBytes().get())
              + " bytes ("
              + format(c.maxOutstandingBytes())
              + ")");
      report.figure(
          "worst producer stall, " + s.name(), CampaignReport.format(s.progress().worst()));
    }
    report
        .figure("worst consumer stall", CampaignReport.format(consumer.worst()))
        .figure(
            "throttled attempts, by serve's limits / injected",
            format(attempts.of("ProvisionedThroughputExceededException", false))
                + " / "
                + format(attempts.of("ProvisionedThroughputExceededException", true)))
        .figure("failed attempts (per record) by code", counts(attempts.all()))
        .figure("calls through the proxy by operation", counts(proxy.callsByOperation()))
        .figure("consumer batches", format(batches));
  }

  /** The longest stall of any producer or of the consumers. */
  public static Duration worstStall(List<ProducerSide> sides, StallWatch consumer) {
    Duration worst = consumer.worst();
    for (ProducerSide s : sides) {
      worst = s.progress().worst().compareTo(worst) > 0 ? s.progress().worst() : worst;
    }
    return worst;
  }

  /** Faults of every kind injected into calls of {@code operation}. */
  public static long faultsOn(FaultProxy proxy, String operation) {
    long n = 0;
    for (Fault f : Fault.values()) {
      n += proxy.injected(operation, f);
    }
    return n;
  }

  private String failureKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    sides.forEach(s -> s.adders().failures().forEach((k, n) -> kinds.merge(k, n, Long::sum)));
    return kinds.isEmpty() ? "" : " (" + counts(kinds) + ")";
  }

  private static String times(List<Duration> times) {
    return times.stream().map(CampaignReport::format).collect(Collectors.joining(", "));
  }

  private static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + ": " + format(e.getValue()))
        .collect(Collectors.joining("; "));
  }

  private static String format(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
