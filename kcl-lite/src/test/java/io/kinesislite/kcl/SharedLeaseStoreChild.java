package io.kinesislite.kcl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second JVM for {@link EmbeddedLeaseStoreSharedTest}: opens a shared store over the directory
 * and table it is given, says {@code ready}, waits for a line on standard input, then takes the
 * lease {@code leaseKey} for {@code owner} {@code takes} times, each time from a fresh read and
 * again after a {@link LeaseLostException}, and says {@code done <takes> <losses>}.
 *
 * <p>Arguments: directory, table, lease key, owner, number of takes. Or {@code --open-exclusive DIR
 * TABLE}: tries to open the table with {@link EmbeddedLeaseStore#inDirectory} and says {@code
 * opened} or {@code refused}.
 */
public final class SharedLeaseStoreChild {
  private SharedLeaseStoreChild() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--open-exclusive")) {
      // Says whether an exclusive store can open the table now: "opened" or "refused".
      try (LeaseStore leases = EmbeddedLeaseStore.inDirectory(Path.of(args[1]), args[2])) {
        System.out.println("opened " + leases);
      } catch (io.kinesislite.transport.FatalException e) {
        System.out.println("refused: " + e.getMessage());
      }
      return;
    }
    Path dir = Path.of(args[0]);
    String table = args[1];
    String leaseKey = args[2];
    String owner = args[3];
    int takes = Integer.parseInt(args[4]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (LeaseStore leases = EmbeddedLeaseStore.sharedInDirectory(dir, table)) {
      System.out.println("ready");
      System.out.flush();
      if (in.readLine() == null) {
        return;
      }
      int losses = takeRepeatedly(leases, leaseKey, owner, takes);
      System.out.println("done " + takes + " " + losses);
      System.out.flush();
    }
  }

  /**
   * Takes the lease {@code takes} times, each from a fresh read, retrying after a lost race;
   * returns how many races it lost.
   */
  static int takeRepeatedly(LeaseStore leases, String leaseKey, String owner, int takes) {
    int losses = 0;
    for (int done = 0; done < takes; ) {
      Lease observed = leases.get(leaseKey).orElseThrow();
      try {
        leases.take(observed, owner);
        done++;
      } catch (LeaseLostException e) {
        losses++;
      }
    }
    return losses;
  }
}
