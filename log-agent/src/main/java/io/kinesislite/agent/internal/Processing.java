package io.kinesislite.agent.internal;

import io.kinesislite.agent.ProcessorSpec;
import io.kinesislite.agent.ProcessorSpec.OnError;
import java.util.List;
import java.util.Objects;

/**
 * A flow's processing: its {@link ProcessorSpec} steps, applied to each record in order.
 *
 * <pre>{@code
 * Processing processing = Processing.of(flow.processing(), listener);
 * byte[] out = processing.apply(line, new RecordContext(path, offset, host, clock.instant()));
 * if (out != null) {
 *   producer.add(stream, key, out);
 * }
 * }</pre>
 *
 * <p>When a step cannot process a record (a line its pattern does not match, a CSV line that does
 * not parse, a record that is not JSON), the listener is told the step's name and why, and the
 * step's {@link OnError} decides: {@code PASS} hands the record, as it was before that step, on to
 * the next step (or out, after the last), {@code DROP} drops it. Steps without an {@code onError}
 * never fail. Unlike the Kinesis Agent, which sends the raw line when any converter fails, the
 * steps after a failed one still run: {@code logToJson} then {@code addMetadata} gives even a line
 * that does not match the host and file it came from.
 *
 * <p>Records are bytes. Steps that write JSON read the record as UTF-8, bytes that are not UTF-8
 * becoming U+FFFD; every JSON record they write ends with {@code \n}, as the Kinesis Agent's do.
 * The other steps keep the bytes they do not change, and a record no step changes is returned as
 * is: with no steps, {@link #apply} returns its argument.
 *
 * <p>Thread-safe: the steps are immutable, so one instance may serve many tailing threads (the
 * listener must then be thread-safe too).
 */
public final class Processing {
  private final Step[] steps;
  private final OnError[] onError;
  private final ProcessingListener listener;

  private Processing(Step[] steps, OnError[] onError, ProcessingListener listener) {
    this.steps = steps;
    this.onError = onError;
    this.listener = listener;
  }

  /**
   * Builds the steps of {@code specs}, in order.
   *
   * @param specs the flow's processing steps; may be empty
   * @param listener told about records a step cannot process
   * @return the flow's processing, ready for any thread
   * @throws IllegalArgumentException naming the step if a spec cannot be built (field names that do
   *     not fit a pattern's groups, a metadata value that is not JSON)
   */
  public static Processing of(List<ProcessorSpec> specs, ProcessingListener listener) {
    Objects.requireNonNull(specs, "specs == null");
    Objects.requireNonNull(listener, "listener == null");
    Step[] steps = new Step[specs.size()];
    OnError[] onError = new OnError[specs.size()];
    for (int i = 0; i < steps.length; i++) {
      ProcessorSpec spec = Objects.requireNonNull(specs.get(i), "specs[" + i + "] == null");
      steps[i] = step(spec);
      onError[i] = onError(spec);
    }
    return new Processing(steps, onError, listener);
  }

  private static Step step(ProcessorSpec spec) {
    if (spec instanceof ProcessorSpec.SingleLine s) {
      return new SingleLineStep(s);
    } else if (spec instanceof ProcessorSpec.CsvToJson s) {
      return new CsvToJsonStep(s);
    } else if (spec instanceof ProcessorSpec.LogToJson s) {
      return new LogToJsonStep(s);
    } else if (spec instanceof ProcessorSpec.AddMetadata s) {
      return new AddMetadataStep(s);
    } else if (spec instanceof ProcessorSpec.JsonPassthrough) {
      return new JsonPassthroughStep();
    } else if (spec instanceof ProcessorSpec.AddBrackets) {
      return new AddBracketsStep();
    }
    throw new IllegalArgumentException("unknown processing step: " + spec);
  }

  private static OnError onError(ProcessorSpec spec) {
    if (spec instanceof ProcessorSpec.CsvToJson s) {
      return s.onError();
    } else if (spec instanceof ProcessorSpec.LogToJson s) {
      return s.onError();
    } else if (spec instanceof ProcessorSpec.JsonPassthrough s) {
      return s.onError();
    }
    return OnError.PASS;
  }

  /**
   * Processes one record.
   *
   * @param record the record's bytes, as framed from the file; never modified
   * @param context where and when it was read
   * @return the processed bytes ({@code record} itself when no step changed it), or null if a step
   *     dropped the record
   */
  public byte[] apply(byte[] record, RecordContext context) {
    byte[] current = record;
    for (int i = 0; i < steps.length; i++) {
      byte[] next;
      try {
        next = steps[i].apply(current, context);
      } catch (StepFailure | RuntimeException e) {
        // A RuntimeException is a bug in a step: it must not stop the flow either.
        listener.processingError(
            steps[i].name(), e instanceof StepFailure ? e.getMessage() : "unexpected " + e);
        if (onError[i] == OnError.DROP) {
          return null;
        }
        continue;
      }
      if (next == null) {
        return null;
      }
      current = next;
    }
    return current;
  }
}
