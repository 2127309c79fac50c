package io.kinesislite.reliability;

import io.kinesislite.kpl.KinesisProducer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer of a campaign with what drives and watches it: its adding threads, its progress, and
 * the peaks of the records and bytes it held outstanding, as {@link #sample()} saw them.
 *
 * <p>Thread-safe: {@link #sample()} runs on the sampling thread, the rest is read at the end.
 *
 * @param name how the report names it
 * @param producer the producer
 * @param adders the threads adding records to it
 * @param progress its acknowledgements
 * @param peakRecords the most records seen outstanding
 * @param peakBytes the most bytes seen outstanding
 */
public record ProducerSide(
    String name,
    KinesisProducer producer,
    RecordAdders adders,
    StallWatch progress,
    AtomicLong peakRecords,
    AtomicLong peakBytes) {

  /** A side whose peaks start at 0. */
  public ProducerSide(
      String name, KinesisProducer producer, RecordAdders adders, StallWatch progress) {
    this(name, producer, adders, progress, new AtomicLong(), new AtomicLong());
  }

  /** Samples what the producer holds now into the peaks. */
  public void sample() {
    peakRecords.accumulateAndGet(producer.outstandingRecords(), Math::max);
    peakBytes.accumulateAndGet(producer.outstandingBytes(), Math::max);
  }

  /** Whether either peak reached 90 % of its limit: the limits, not the adders, set the pace. */
  public boolean reachedALimit() {
    return peakRecords.get() >= producer.config().maxOutstandingRecords() * 9 / 10
        || peakBytes.get() >= producer.config().maxOutstandingBytes() * 9 / 10;
  }
}
