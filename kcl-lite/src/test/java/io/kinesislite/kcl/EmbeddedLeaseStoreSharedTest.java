package io.kinesislite.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kinesislite.transport.FatalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease-store contract over a shared table ({@link EmbeddedLeaseStore#sharedInDirectory}), and
 * what sharing adds: stores over one file, in this JVM and in another, see each other's writes and
 * lose conditional writes to each other exactly as workers sharing a DynamoDB table do.
 */
class EmbeddedLeaseStoreSharedTest extends LeaseStoreContract {
  private static final String TABLE = "fleet-app";

  @TempDir Path dir;

  private int contractTables;

  @Override
  protected LeaseStore openStore() {
    // A table per store: the contract's stores must not share one another's rows.
    return EmbeddedLeaseStore.sharedInDirectory(dir, "contract-" + contractTables++);
  }

  private LeaseStore shared() {
    LeaseStore store = EmbeddedLeaseStore.sharedInDirectory(dir, TABLE);
    store.ensureTable();
    return store;
  }

  @Test
  void aTakeThroughOneStoreMakesTheOthersStaleRenewFailAndCheckpointsAreSeenByBoth() {
    try (LeaseStore a = shared();
        LeaseStore b = shared()) {
      assertThat(a.createIfAbsent(newLease(SHARD))).isTrue();
      assertThat(b.createIfAbsent(newLease(SHARD))).isFalse();

      Lease heldByB = b.take(b.get(SHARD).orElseThrow(), "worker-b");
      Lease stolenByA = a.take(a.get(SHARD).orElseThrow(), "worker-a");
      assertThat(stolenByA.counter()).isEqualTo(heldByB.counter() + 1);

      assertThatThrownBy(() -> b.renew(heldByB))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("owner now worker-a");
      assertThatThrownBy(() -> b.checkpoint(heldByB, Checkpoint.at(SEQ_1, 0)))
          .isInstanceOf(LeaseLostException.class);

      Lease checkpointed = a.checkpoint(stolenByA, Checkpoint.at(SEQ_2, 4));
      assertThat(b.get(SHARD)).contains(checkpointed);
      assertThat(b.list()).containsExactly(checkpointed);
      assertThat(checkpointed.checkpoint()).isEqualTo(Checkpoint.at(SEQ_2, 4));

      b.delete(SHARD);
      assertThat(a.list()).isEmpty();
    }
  }

  @Test
  void aLeaseWrittenSharedSurvivesReopeningAndTheFileIsTheExclusiveStoresFormat() {
    Lease checkpointed;
    try (LeaseStore a = shared()) {
      a.createIfAbsent(newLease(SHARD));
      checkpointed =
          a.checkpoint(a.take(a.get(SHARD).orElseThrow(), "worker-a"), Checkpoint.at(SEQ_1, 2));
    }
    try (LeaseStore exclusive = EmbeddedLeaseStore.inDirectory(dir, TABLE)) {
      assertThat(exclusive.list()).containsExactly(checkpointed);
    }
  }

  @Test
  @SuppressWarnings("try") // the exclusive store is held open by its try block
  void anExclusiveStoreAndSharedStoresKeepEachOtherOut() {
    try (LeaseStore exclusive = EmbeddedLeaseStore.inDirectory(dir, "exclusive-first")) {
      assertThatThrownBy(() -> EmbeddedLeaseStore.sharedInDirectory(dir, "exclusive-first"))
          .isInstanceOf(FatalException.class)
          .hasMessageContaining("exclusive");
    }
    try (LeaseStore a = shared();
        LeaseStore b = shared()) {
      assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
          .isInstanceOf(FatalException.class);
      b.close();
      assertThat(a.list()).isEmpty(); // a still holds the table after b left
      assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
          .isInstanceOf(FatalException.class);
    }
    // The last shared store closed: the table can be opened exclusively again.
    EmbeddedLeaseStore.inDirectory(dir, TABLE).close();
  }

  @Test
  @Timeout(60)
  void concurrentTakesThroughTwoStoresInThisJvmLoseNoWrite() throws Exception {
    int takes = 150;
    try (LeaseStore a = shared();
        LeaseStore b = shared()) {
      a.createIfAbsent(newLease(SHARD));
      CompletableFuture<Integer> byB =
          CompletableFuture.supplyAsync(
              () -> SharedLeaseStoreChild.takeRepeatedly(b, SHARD, "worker-b", takes));
      SharedLeaseStoreChild.takeRepeatedly(a, SHARD, "worker-a", takes);
      byB.get(30, TimeUnit.SECONDS);

      // Every successful take raised the counter by exactly one: none overwrote another.
      assertThat(a.get(SHARD).orElseThrow().counter()).isEqualTo(2L * takes);
    }
  }

  /**
   * An exclusive open refused in this JVM must not drop the OS locks this JVM's shared stores hold
   * (on POSIX, closing any channel of a file does): another process is still kept out.
   */
  @Test
  @Timeout(60)
  void aRefusedExclusiveOpenInThisJvmLeavesAnotherProcessLockedOut() throws Exception {
    try (LeaseStore store = shared()) {
      assertThatThrownBy(() -> EmbeddedLeaseStore.inDirectory(dir, TABLE))
          .isInstanceOf(FatalException.class);

      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SharedLeaseStoreChild.class.getName(),
                  "--open-exclusive",
                  dir.toString(),
                  TABLE)
              .redirectErrorStream(true)
              .start();
      String said;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        said = String.join("\n", out.lines().toList());
      } finally {
        child.destroyForcibly();
      }
      assertThat(said).contains("refused: ").doesNotContain("opened");
      assertThat(store.list()).isEmpty();
    }
  }

  /**
   * The cross-process case: a second JVM takes the lease through its own shared store, racing this
   * one; every take in either process is a conditional write the other sees, so the counter ends at
   * exactly the number of successful takes, and a lease the child took makes this JVM's stale copy
   * lose.
   */
  @Test
  @Timeout(60)
  void aSecondJvmSharesTheTableWithConditionalWritesThatExcludeEachOther() throws Exception {
    int takes = 300;
    try (LeaseStore store = shared()) {
      store.createIfAbsent(newLease(SHARD));
      Lease mine = store.take(store.get(SHARD).orElseThrow(), "worker-parent");

      Path log = dir.resolve("child.log");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SharedLeaseStoreChild.class.getName(),
                  dir.toString(),
                  TABLE,
                  SHARD,
                  "worker-child",
                  Integer.toString(takes))
              .redirectError(log.toFile())
              .start();
      try (BufferedReader out =
              new BufferedReader(
                  new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
          Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
        assertThat(out.readLine()).as("child's first line; its stderr: %s", log).isEqualTo("ready");
        in.write("go\n");
        in.flush();
        int parentLosses =
            SharedLeaseStoreChild.takeRepeatedly(store, SHARD, "worker-parent", takes);
        String done = out.readLine();
        assertThat(done).as("child's last line; stderr: %s", stderr(log)).startsWith("done ");
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();

        Lease end = store.get(SHARD).orElseThrow();
        assertThat(end.counter()).isEqualTo(mine.counter() + 2L * takes);
        // The races were real: the processes' calls interleaved (each lost at least once), or one
        // ran entirely before the other, which the counter check covers as well.
        System.out.println(
            "shared store across processes: parent lost "
                + parentLosses
                + " races, child "
                + List.of(done.split(" ")).get(2));
        assertThatThrownBy(() -> store.renew(mine)).isInstanceOf(LeaseLostException.class);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static String stderr(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
