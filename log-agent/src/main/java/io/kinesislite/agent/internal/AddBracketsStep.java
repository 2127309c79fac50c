package io.kinesislite.agent.internal;

import io.kinesislite.agent.ProcessorSpec;

/**
 * {@link ProcessorSpec.AddBrackets}: <code>"{" + record + "}"</code>, the Kinesis Agent's
 * ADDBRACKETS example step. As there, the whole record goes inside, its trailing newline too
 * ({@code hello\n} becomes <code>{hello\n}</code>). Unlike there (it decodes and re-encodes the
 * text), the record's bytes are copied as they are, bytes that are not UTF-8 included. Never fails.
 *
 * <p>Immutable; thread-safe.
 */
final class AddBracketsStep implements Step {
  @Override
  public byte[] apply(byte[] record, RecordContext ctx) {
    byte[] out = new byte[record.length + 2];
    out[0] = '{';
    System.arraycopy(record, 0, out, 1, record.length);
    out[out.length - 1] = '}';
    return out;
  }

  @Override
  public String name() {
    return "addBrackets";
  }
}
