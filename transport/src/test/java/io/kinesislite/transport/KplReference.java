package io.kinesislite.transport;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Reference material for the KPL format tests: the KPL-written vectors in {@code kpl-vectors/}, the
 * KPL's {@code messages.proto} as a protobuf descriptor (so that protobuf-java itself can check our
 * bytes), helpers to craft aggregates by hand, and random user records.
 */
final class KplReference {
  static final String WITH_EHKS = "kpl-with-ehks.txt";
  static final String NO_EHKS = "kpl-no-ehks.txt";
  static final String SHARED_KEYS = "kpl-shared-keys.txt";
  static final String NOT_AGGREGATED = "kpl-not-aggregated.txt";

  private KplReference() {}

  /** A Kinesis record from the vectors and the user records it holds. */
  record Vector(
      String name,
      boolean aggregated,
      String outerPartitionKey,
      byte[] data,
      List<UserRecord> records) {}

  static Vector vector(String name) {
    String text;
    try (InputStream in = KplReference.class.getResourceAsStream("/kpl-vectors/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test vector " + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean aggregated = false;
    String outerPartitionKey = null;
    byte[] data = null;
    List<UserRecord> records = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      switch (fields[0]) {
        case "aggregated" -> aggregated = Boolean.parseBoolean(fields[1]);
        case "outerPartitionKey" -> outerPartitionKey = fields[1];
        case "data" -> data = Base64.getDecoder().decode(fields[1]);
        case "record" -> {
          String explicitHashKey = fields[2].equals("-") ? null : fields[2];
          byte[] userData = unescape(fields[3]).getBytes(StandardCharsets.UTF_8);
          records.add(new UserRecord(fields[1], explicitHashKey, userData, records.size()));
        }
        default -> throw new IllegalArgumentException(name + ": unknown line " + line);
      }
    }
    return new Vector(name, aggregated, outerPartitionKey, data, List.copyOf(records));
  }

  private static String unescape(String escaped) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\') {
        char next = escaped.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Returns {@code AggregatedRecord} from the KPL's {@code messages.proto}, field for field. */
  static Descriptor aggregatedRecordType() {
    DescriptorProto tag =
        DescriptorProto.newBuilder()
            .setName("Tag")
            .addField(field("key", 1, Label.LABEL_REQUIRED, Type.TYPE_STRING))
            .addField(field("value", 2, Label.LABEL_OPTIONAL, Type.TYPE_STRING))
            .build();
    DescriptorProto record =
        DescriptorProto.newBuilder()
            .setName("Record")
            .addField(field("partition_key_index", 1, Label.LABEL_REQUIRED, Type.TYPE_UINT64))
            .addField(field("explicit_hash_key_index", 2, Label.LABEL_OPTIONAL, Type.TYPE_UINT64))
            .addField(field("data", 3, Label.LABEL_REQUIRED, Type.TYPE_BYTES))
            .addField(
                field("tags", 4, Label.LABEL_REPEATED, Type.TYPE_MESSAGE).setTypeName(".kpl.Tag"))
            .build();
    DescriptorProto aggregatedRecord =
        DescriptorProto.newBuilder()
            .setName("AggregatedRecord")
            .addField(field("partition_key_table", 1, Label.LABEL_REPEATED, Type.TYPE_STRING))
            .addField(field("explicit_hash_key_table", 2, Label.LABEL_REPEATED, Type.TYPE_STRING))
            .addField(
                field("records", 3, Label.LABEL_REPEATED, Type.TYPE_MESSAGE)
                    .setTypeName(".kpl.Record"))
            .build();
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("messages.proto")
            .setPackage("kpl")
            .addMessageType(aggregatedRecord)
            .addMessageType(tag)
            .addMessageType(record)
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[0])
          .findMessageTypeByName("AggregatedRecord");
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FieldDescriptorProto.Builder field(
      String name, int number, Label label, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(label)
        .setType(type);
  }

  /** Writes protobuf fields by hand. */
  interface ProtoWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  /** Returns the protobuf bytes {@code writer} writes. */
  static byte[] proto(ProtoWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      writer.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Returns {@code message} framed as an aggregated record: magic, message, valid MD5. */
  static byte[] aggregate(byte[] message) {
    byte[] framed = new byte[4 + message.length + 16];
    framed[0] = (byte) 0xF3;
    framed[1] = (byte) 0x89;
    framed[2] = (byte) 0x9A;
    framed[3] = (byte) 0xC2;
    System.arraycopy(message, 0, framed, 4, message.length);
    System.arraycopy(md5(message), 0, framed, 4 + message.length, 16);
    return framed;
  }

  /** Returns the protobuf message of an aggregated record. */
  static byte[] messageOf(byte[] aggregate) {
    byte[] message = new byte[aggregate.length - 20];
    System.arraycopy(aggregate, 4, message, 0, message.length);
    return message;
  }

  static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns {@code records} encoded by a fresh {@link AggregateEncoder}. */
  static byte[] encode(List<UserRecord> records) {
    AggregateEncoder encoder = new AggregateEncoder();
    for (UserRecord record : records) {
      encoder.add(record.partitionKey(), record.explicitHashKey().orElse(null), record.dataBytes());
    }
    return encoder.encode();
  }

  /** Returns a read-only direct buffer holding {@code bytes}, behind 3 bytes of other data. */
  static ByteBuffer offsetDirectBuffer(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 3);
    buffer.put(new byte[] {1, 2, 3}).put(bytes).flip().position(3);
    return buffer.asReadOnlyBuffer();
  }

  /**
   * Returns 1 to {@code maxCount} random user records, numbered from 0, whose keys come from small
   * pools (so that table entries are shared), with partition keys of any Unicode including
   * supplementary characters, explicit hash keys on none, some or all records, and data of 0 to a
   * few thousand bytes.
   */
  static List<UserRecord> randomRecords(Random random, int maxCount) {
    int count = 1 + random.nextInt(maxCount);
    List<String> partitionKeys = new ArrayList<>();
    for (int i = 1 + random.nextInt(count); i > 0; i--) {
      partitionKeys.add(randomPartitionKey(random));
    }
    List<String> explicitHashKeys = new ArrayList<>();
    for (int i = 1 + random.nextInt(count); i > 0; i--) {
      explicitHashKeys.add(randomHashKey(random).toString());
    }
    double explicitShare = new double[] {0, 0.5, 1}[random.nextInt(3)];
    List<UserRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String partitionKey = partitionKeys.get(random.nextInt(partitionKeys.size()));
      String explicitHashKey =
          random.nextDouble() < explicitShare
              ? explicitHashKeys.get(random.nextInt(explicitHashKeys.size()))
              : null;
      records.add(new UserRecord(partitionKey, explicitHashKey, randomData(random), i));
    }
    return records;
  }

  private static String randomPartitionKey(Random random) {
    int length = random.nextInt(8) == 0 ? 256 : 1 + random.nextInt(40);
    StringBuilder key = new StringBuilder();
    while (true) {
      int codePoint =
          switch (random.nextInt(4)) {
            case 0 -> 0x20 + random.nextInt(0x5F); // printable ASCII
            case 1 -> 0xA0 + random.nextInt(0xD800 - 0xA0); // BMP below the surrogates
            case 2 -> 0x1F300 + random.nextInt(0x300); // emoji, two UTF-16 chars each
            default -> 0x10000 + random.nextInt(0x100000); // any supplementary code point
          };
      if (key.length() + Character.charCount(codePoint) > length) {
        return key.length() == 0 ? "k" : key.toString();
      }
      key.appendCodePoint(codePoint);
    }
  }

  static BigInteger randomHashKey(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> HashKeyRange.MIN_HASH_KEY;
      case 1 -> HashKeyRange.MAX_HASH_KEY;
      default -> new BigInteger(128, random);
    };
  }

  private static byte[] randomData(Random random) {
    int roll = random.nextInt(10);
    int length = roll < 2 ? 0 : roll < 9 ? random.nextInt(300) : random.nextInt(5000);
    byte[] data = new byte[length];
    random.nextBytes(data);
    return data;
  }
}
