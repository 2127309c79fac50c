package io.kinesislite.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 4, disk faults, for the durable engine and the log agent's state: rounds of a full disk
 * (a 2 MiB tmpfs filled up, then freed), a read-only directory (the tmpfs remounted read-only, then
 * read-write), a damaged segment file (a flipped bit or a cut inside a record, while the engine is
 * stopped), a damaged {@code state.json}, and a state directory that fills up or turns read-only
 * under a running agent. Each fault asserts its documented error text naming the path and cause,
 * that every acknowledged record (every line written, for the agent) is readable afterwards, and
 * that writes succeed again once the fault clears; see {@link EngineDiskFaults} and {@link
 * AgentStateFaults}.
 *
 * <p>Needs root to mount the tmpfs; without it the campaign fails with the reason (never skips).
 */
class DiskFaultCampaignIT {
  private static final CampaignMode MODE = CampaignMode.current();

  @TempDir Path dir;

  @Test
  void diskFaultsLoseNoAcknowledgedRecordAndClearErrorsGiveWayToRecovery() throws Exception {
    // The short form makes one round (each fault once, each segment damage once); the full form
    // makes rounds until its time is up.
    Duration runFor = MODE.pick(Duration.ZERO, Duration.ofMinutes(3));
    Random random = new Random();
    long started = System.nanoTime();
    long until = started + runFor.toNanos();
    List<FaultOutcome> outcomes = new ArrayList<>();
    int round = 0;
    do {
      Path r = dir.resolve("round-" + round);
      outcomes.add(EngineDiskFaults.fullDisk(r.resolve("full"), random));
      outcomes.add(EngineDiskFaults.readOnlyDirectory(r.resolve("read-only")));
      for (int how = 0; how < EngineDiskFaults.SEGMENT_DAMAGES; how++) {
        outcomes.add(EngineDiskFaults.damagedSegment(r.resolve("segment-" + how), random, how));
      }
      try (AgentStateFaults agent =
          new AgentStateFaults(r.resolve("agent-damaged"), r.resolve("agent-damaged/state"))) {
        outcomes.add(agent.damagedStateFile(random));
      }
      try (SmallDisk disk = SmallDisk.mount(r.resolve("agent-full-disk"), "1m");
          AgentStateFaults agent =
              new AgentStateFaults(r.resolve("agent-full"), disk.path().resolve("state"))) {
        outcomes.add(
            agent.stateDirectoryFault(
                "agent: state directory full",
                () -> disk.fillLeaving(0),
                disk::free,
                "No space left on device"));
      }
      try (SmallDisk disk = SmallDisk.mount(r.resolve("agent-ro-disk"), "1m");
          AgentStateFaults agent =
              new AgentStateFaults(r.resolve("agent-ro"), disk.path().resolve("state"))) {
        outcomes.add(
            agent.stateDirectoryFault(
                "agent: state directory read-only",
                disk::readOnly,
                disk::readWrite,
                "Read-only file system"));
      }
      round++;
    } while (System.nanoTime() < until);
    Duration ran = Duration.ofNanos(System.nanoTime() - started);

    report(outcomes, round, ran, dir).write();

    for (FaultOutcome o : outcomes) {
      assertThat(o.lost()).as("records lost after %s", o.fault()).isZero();
    }
  }

  // The error as one line, the temporary directory as DIR and a log line without its logger.
  private static String shown(String error, Path dir) {
    String line = error.replace(dir.toString(), "DIR").replaceAll("\\s+", " ").replace('`', '\'');
    int logger = line.indexOf(" - ");
    return line.startsWith("[") && logger > 0 ? line.substring(logger + 3) : line;
  }

  private static CampaignReport report(
      List<FaultOutcome> outcomes, int rounds, Duration ran, Path dir) {
    long written = 0;
    long lost = 0;
    long duplicates = 0;
    long destroyed = 0;
    FaultOutcome worst = outcomes.get(0);
    Map<String, List<FaultOutcome>> byFault = new LinkedHashMap<>();
    for (FaultOutcome o : outcomes) {
      written += o.acknowledged();
      lost += o.lost();
      duplicates += o.duplicates();
      destroyed += o.destroyed();
      worst = o.recovery().compareTo(worst.recovery()) > 0 ? o : worst;
      byFault.computeIfAbsent(o.fault(), k -> new ArrayList<>()).add(o);
    }
    CampaignReport.Builder report =
        CampaignReport.builder(4, "Disk faults")
            .what(
                rounds
                    + " round(s) of every fault: the durable engine (sync ALWAYS) on a 2 MiB tmpfs"
                    + " filled up under its writers then freed, and remounted read-only then"
                    + " read-write; a segment file damaged while the engine is stopped (a bit"
                    + " flipped in the last segment, early in a sealed one and in a sealed one's last"
                    + " record; the last segment cut inside a record); the log agent's state.json"
                    + " damaged while it is stopped, and its state directory (a 1 MiB tmpfs) filled"
                    + " up or remounted read-only while it runs. Records written are the records"
                    + " acknowledged (lines written, for the agent); lost means acknowledged and not"
                    + " readable, whole, afterwards, apart from the records the campaign destroyed"
                    + " on purpose (the damaged record and those after it), which must not be"
                    + " served and are counted on their own.")
            .ran(ran)
            .faults(outcomes.size())
            .records(written, lost, duplicates)
            .worstRecovery(worst.recovery(), "until writes succeed again: " + worst.fault());
    byFault.forEach(
        (fault, list) -> {
          Duration worstOfFault =
              list.stream().map(FaultOutcome::recovery).max(Duration::compareTo).orElseThrow();
          report.figure(
              fault + ": faults, worst recovery",
              list.size() + ", " + CampaignReport.format(worstOfFault));
        });
    report.figure(
        "records destroyed on purpose (the damaged record and those after it in its shard)",
        String.format(Locale.ROOT, "%,d", destroyed));
    byFault.forEach(
        (fault, list) -> report.note(fault + ": `" + shown(list.get(0).error(), dir) + "`"));
    report.note(
        "Recovery is measured from the moment the fault clears (space freed, remounted"
            + " read-write, the engine reopened over the damaged segment, the damaged state"
            + " moved aside) until a write succeeds again; for the agent's state directory,"
            + " until a save succeeds and /health is ok again.");
    return report.build();
  }
}
