package io.kinesislite.kcl;

import io.kinesislite.transport.FatalException;

/**
 * This worker no longer holds the lease it wrote to: another worker took it, or it expired and was
 * taken, so the write (a renewal, a checkpoint) was refused and nothing was written. Trying again
 * cannot help; the record processor of that shard is told with {@code leaseLost}.
 */
public class LeaseLostException extends FatalException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }

  // A refused LeaseStore.handOff: what the row says instead (current null: there is no row).
  static LeaseLostException handOffRefused(String leaseKey, String from, Lease current) {
    return new LeaseLostException(
        "hand-off of lease "
            + leaseKey
            + " failed: "
            + (current == null
                ? "there is no such lease"
                : "it is owned by "
                    + current.owner().orElse("nobody")
                    + current.checkpointOwner().map(c -> ", handed off by " + c).orElse("")
                    + ", not by "
                    + from));
  }
}
