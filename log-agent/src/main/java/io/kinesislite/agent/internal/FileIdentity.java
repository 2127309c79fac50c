package io.kinesislite.agent.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Which file a path names: its device and inode, and a fingerprint of its first bytes (SHA-256 of
 * up to {@value #FINGERPRINT_BYTES} bytes, with how many were hashed). The inode says whether a
 * renamed path is still the same file; the fingerprint says whether an inode now holds other
 * content (a file truncated and written again, or an inode reused after a deletion) and finds the
 * copy that copytruncate rotation leaves behind.
 *
 * <p>Immutable and thread-safe.
 *
 * @param device the file system's device number
 * @param inode the inode number
 * @param fingerprint hex SHA-256 of the first {@code fingerprintLength} bytes; empty for an empty
 *     file
 * @param fingerprintLength how many bytes the fingerprint covers, at most {@value
 *     #FINGERPRINT_BYTES}
 */
public record FileIdentity(long device, long inode, String fingerprint, int fingerprintLength) {
  /** How many leading bytes a fingerprint covers once the file is that long. */
  public static final int FINGERPRINT_BYTES = 1024;

  /** Reads the device and inode of {@code path} (following links) and fingerprints its start. */
  public static FileIdentity of(Path path, FileChannel channel) throws IOException {
    return of(path, head(channel));
  }

  /** The identity of {@code path} whose first bytes are {@code head} (from {@link #head}). */
  public static FileIdentity of(Path path, byte[] head) throws IOException {
    long[] devIno = deviceAndInode(path);
    return new FileIdentity(devIno[0], devIno[1], sha256(head, head.length), head.length);
  }

  /** Reads the first bytes of {@code channel} in one go: up to {@value #FINGERPRINT_BYTES}. */
  public static byte[] head(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(FINGERPRINT_BYTES);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) <= 0) {
        break;
      }
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  /** Returns the device and inode of {@code path}, following links, as {@code {dev, ino}}. */
  public static long[] deviceAndInode(Path path) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(path, "unix:dev,ino");
    return new long[] {
      ((Number) attrs.get("dev")).longValue(), ((Number) attrs.get("ino")).longValue()
    };
  }

  /** Whether this is the file at {@code device}/{@code inode}. */
  public boolean sameInode(long device, long inode) {
    return this.device == device && this.inode == inode;
  }

  /**
   * Whether {@code channel}'s content still starts with the bytes this fingerprint covers: false
   * once the file was truncated below them or rewritten.
   */
  public boolean contentMatches(FileChannel channel) throws IOException {
    if (channel.size() < fingerprintLength) {
      return false;
    }
    return fingerprint.equals(fingerprint(channel, fingerprintLength));
  }

  /**
   * Returns this identity with a fingerprint over all of {@code head} (the file's first bytes, read
   * in one go), if {@code head} is longer and still starts as the fingerprinted bytes did; the same
   * identity otherwise, so a file truncated and rewritten meanwhile is never taken for the file it
   * replaced.
   */
  public FileIdentity extended(byte[] head) {
    if (head.length <= fingerprintLength || !fingerprint.equals(sha256(head, fingerprintLength))) {
      return this;
    }
    return new FileIdentity(device, inode, sha256(head, head.length), head.length);
  }

  /** Returns the identity of the same content at another inode (a copy, or the file moved). */
  public FileIdentity at(long device, long inode) {
    return new FileIdentity(device, inode, fingerprint, fingerprintLength);
  }

  /** Hex SHA-256 of the first {@code length} bytes of {@code channel}; empty for length 0. */
  static String fingerprint(FileChannel channel, int length) throws IOException {
    if (length == 0) {
      return "";
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) <= 0) {
        break;
      }
    }
    if (buffer.hasRemaining()) {
      return "short:" + buffer.position(); // shrank while read: matches no fingerprint
    }
    return sha256(buffer.array(), length);
  }

  private static String sha256(byte[] bytes, int length) {
    if (length == 0) {
      return "";
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
