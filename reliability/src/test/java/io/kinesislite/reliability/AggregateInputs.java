package io.kinesislite.reliability;

import io.kinesislite.transport.AggregateEncoder;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of bytes for the KPL aggregated-record decoder ({@code AggregateDecoder}):
 * random bytes, with and without the magic prefix; valid aggregates of random user records; valid
 * aggregates with bytes flipped, cut or added in the protobuf message and the MD5 trailer computed
 * again, so that the damage reaches the protobuf parser instead of stopping at the digest; and
 * crafted messages (lengths of 2 GiB, indexes past the key tables, groups nested deep, wire types
 * that do not exist).
 *
 * <p>Stateless; thread-safe.
 */
final class AggregateInputs {
  static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  /** One input: its bytes, what it is, and for an undamaged aggregate the records it holds. */
  record Input(byte[] bytes, String kind, List<Original> originals) {
    @Override
    public String toString() {
      return kind
          + " ("
          + bytes.length
          + " bytes: "
          + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
          + ")";
    }
  }

  /** A user record as written. */
  record Original(String partitionKey, String explicitHashKey, byte[] data) {}

  private AggregateInputs() {}

  static Arbitrary<Input> inputs() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, randomBytes()),
        Tuple.of(15, valid()),
        Tuple.of(40, mutated(true)),
        Tuple.of(10, mutated(false)),
        Tuple.of(25, crafted()));
  }

  private static Arbitrary<Input> randomBytes() {
    return Combinators.combine(
            Arbitraries.of(true, false), Arbitraries.bytes().array(byte[].class).ofMaxSize(600))
        .as(
            (magic, bytes) ->
                new Input(
                    magic ? concat(MAGIC, bytes) : bytes,
                    magic ? "magic + random bytes" : "random bytes",
                    null));
  }

  private static Arbitrary<List<Original>> originals() {
    Arbitrary<String> key =
        Arbitraries.strings().withCharRange('\u0020', '\ud7ff').ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> hashKey =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just((String) null)),
            Tuple.of(
                1,
                Arbitraries.bigIntegers()
                    .between(
                        java.math.BigInteger.ZERO,
                        java.math.BigInteger.TWO.pow(128).subtract(java.math.BigInteger.ONE))
                    .map(java.math.BigInteger::toString)));
    return Combinators.combine(key, hashKey, Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
        .as(Original::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(20);
  }

  private static Arbitrary<Input> valid() {
    return originals().map(o -> new Input(encode(o), "valid aggregate", o));
  }

  /**
   * A valid aggregate with its protobuf message damaged; {@code rehash} recomputes the MD5 so that
   * the parser sees the damage.
   */
  private static Arbitrary<Input> mutated(boolean rehash) {
    Arbitrary<int[]> edits =
        Combinators.combine(
                Arbitraries.integers().between(0, 3), // flip, cut, insert, set a byte to 0xff
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255))
            .as((kind, at, value) -> new int[] {kind, at, value})
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(l -> l.stream().flatMapToInt(Arrays::stream).toArray());
    return Combinators.combine(originals(), edits)
        .as(
            (o, e) -> {
              byte[] whole = encode(o);
              byte[] message = Arrays.copyOfRange(whole, MAGIC.length, whole.length - 16);
              for (int i = 0; i < e.length; i += 3) {
                message = edit(message, e[i], e[i + 1], e[i + 2]);
              }
              byte[] trailer =
                  rehash
                      ? md5(message)
                      : Arrays.copyOfRange(whole, whole.length - 16, whole.length);
              return new Input(
                  concat(concat(MAGIC, message), trailer),
                  rehash ? "mutated aggregate, MD5 recomputed" : "mutated aggregate, MD5 kept",
                  null);
            });
  }

  private static byte[] edit(byte[] message, int kind, int at, int value) {
    if (message.length == 0) {
      return new byte[] {(byte) value};
    }
    int i = at % message.length;
    return switch (kind) {
      case 0 -> {
        byte[] m = message.clone();
        m[i] ^= (byte) (1 << (value % 8));
        yield m;
      }
      case 1 -> Arrays.copyOf(message, i);
      case 2 -> {
        byte[] m = new byte[message.length + 1];
        System.arraycopy(message, 0, m, 0, i);
        m[i] = (byte) value;
        System.arraycopy(message, i, m, i + 1, message.length - i);
        yield m;
      }
      default -> {
        byte[] m = message.clone();
        m[i] = (byte) 0xff;
        yield m;
      }
    };
  }

  /** Hand-made protobuf messages that a careless parser would allocate for or recurse on. */
  private static Arbitrary<Input> crafted() {
    return Arbitraries.of(
            "record claiming 2 GiB",
            "data claiming 2 GiB",
            "key claiming 2 GiB",
            "index past the table",
            "index uint64 max",
            "deep groups",
            "wire type 6",
            "wire type 7",
            "end group first",
            "empty message",
            "record without data",
            "record without key index",
            "varint of 11 bytes",
            "tables after records")
        .map(kind -> new Input(aggregate(craft(kind)), "crafted: " + kind, null));
  }

  private static byte[] craft(String kind) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    switch (kind) {
      case "record claiming 2 GiB" -> {
        m.write(0x0a);
        m.write(1);
        m.write('k');
        m.write(0x1a);
        varint(m, Integer.MAX_VALUE);
        m.write(0x08);
        m.write(0);
      }
      case "data claiming 2 GiB" -> {
        m.write(0x0a);
        m.write(1);
        m.write('k');
        m.write(0x1a);
        m.write(8);
        m.write(0x08);
        m.write(0);
        m.write(0x1a);
        varint(m, Integer.MAX_VALUE);
        m.write(1);
      }
      case "key claiming 2 GiB" -> {
        m.write(0x0a);
        varint(m, Integer.MAX_VALUE - 1);
        m.write('k');
      }
      case "index past the table" -> record(m, 5, new byte[] {1});
      case "index uint64 max" -> {
        m.write(0x0a);
        m.write(1);
        m.write('k');
        m.write(0x1a);
        m.write(14);
        m.write(0x08);
        for (int i = 0; i < 9; i++) {
          m.write(0xff);
        }
        m.write(0x01);
        m.write(0x1a);
        m.write(1);
        m.write('x');
      }
      case "deep groups" -> {
        for (int i = 0; i < 10_000; i++) {
          m.write(0x23); // field 4, start group
        }
      }
      case "wire type 6" -> m.write(0x26);
      case "wire type 7" -> m.write(0x27);
      case "end group first" -> m.write(0x24);
      case "empty message" -> {}
      case "record without data" -> {
        m.write(0x0a);
        m.write(1);
        m.write('k');
        m.write(0x1a);
        m.write(2);
        m.write(0x08);
        m.write(0);
      }
      case "record without key index" -> {
        m.write(0x0a);
        m.write(1);
        m.write('k');
        m.write(0x1a);
        m.write(3);
        m.write(0x1a);
        m.write(1);
        m.write('x');
      }
      case "varint of 11 bytes" -> {
        m.write(0x08);
        for (int i = 0; i < 11; i++) {
          m.write(0xff);
        }
      }
      default -> {
        record(m, 0, new byte[] {7});
        m.write(0x0a);
        m.write(1);
        m.write('k');
      }
    }
    return m.toByteArray();
  }

  private static void record(ByteArrayOutputStream m, int keyIndex, byte[] data) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.write(0x08);
    varint(r, keyIndex);
    r.write(0x1a);
    varint(r, data.length);
    r.writeBytes(data);
    m.write(0x1a);
    varint(m, r.size());
    m.writeBytes(r.toByteArray());
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] encode(List<Original> originals) {
    AggregateEncoder encoder = new AggregateEncoder();
    for (Original o : originals) {
      encoder.add(o.partitionKey(), o.explicitHashKey(), o.data());
    }
    return encoder.encode();
  }

  private static byte[] aggregate(byte[] message) {
    return concat(concat(MAGIC, message), md5(message));
  }

  static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
