package io.kinesislite.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request for {@code serve} as the fuzz campaign builds it: the {@code X-Amz-Target} and {@code
 * Content-Type} headers (null when left out), how the {@code Content-Length} lies, extra headers,
 * and the body. {@link #bytes()} writes it as HTTP/1.1.
 *
 * <p>Immutable; thread-safe.
 *
 * @param target the {@code X-Amz-Target} value, or null for none
 * @param contentType the {@code Content-Type} value, or null for none
 * @param length how {@code Content-Length} relates to the body
 * @param extraHeaders further header lines, {@code "Name: value"}
 * @param body the body's bytes
 * @param bodyKind what the body is, for the report ("json", "cbor", "random bytes", ...)
 */
record HostileRequest(
    String target,
    String contentType,
    LengthLie length,
    List<String> extraHeaders,
    byte[] body,
    String bodyKind) {

  /** What the {@code Content-Length} header says. */
  enum LengthLie {
    TRUE,
    MISSING,
    SHORTER,
    LONGER,
    NEGATIVE,
    NOT_A_NUMBER,
    TWO_VALUES,
    HUGE
  }

  /** Headers whose values change how the request is framed, or break the framing. */
  private static final List<String> FRAMING = List.of("transfer-encoding", "expect", "content-");

  /**
   * Whether the request is valid HTTP/1.1 framing with headers a server must read as they are, so
   * that the server owes an answer rather than just a closed connection.
   */
  boolean wellFramed() {
    if (length != LengthLie.TRUE) {
      return false;
    }
    for (String header : extraHeaders) {
      String lower = header.toLowerCase(java.util.Locale.ROOT);
      if (FRAMING.stream().anyMatch(lower::startsWith) || !printable(header)) {
        return false;
      }
    }
    return (target == null || printable(target)) && (contentType == null || printable(contentType));
  }

  /** The request as HTTP/1.1 bytes. */
  byte[] bytes() {
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (target != null) {
      head.append("X-Amz-Target: ").append(target).append("\r\n");
    }
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    switch (length) {
      case TRUE -> head.append("Content-Length: ").append(body.length).append("\r\n");
      case MISSING -> {}
      case SHORTER ->
          head.append("Content-Length: ").append(Math.max(0, body.length / 2)).append("\r\n");
      case LONGER -> head.append("Content-Length: ").append(body.length + 17).append("\r\n");
      case NEGATIVE -> head.append("Content-Length: -").append(body.length + 1).append("\r\n");
      case NOT_A_NUMBER -> head.append("Content-Length: 0x").append(body.length).append("\r\n");
      case TWO_VALUES ->
          head.append("Content-Length: ")
              .append(body.length)
              .append("\r\nContent-Length: ")
              .append(body.length + 1)
              .append("\r\n");
      case HUGE -> head.append("Content-Length: ").append(1L << 40).append("\r\n");
    }
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A short description for a failure report: headers in full, the body by kind and size. */
  @Override
  public String toString() {
    String preview =
        new String(body, 0, Math.min(body.length, 120), StandardCharsets.ISO_8859_1)
            .replaceAll("[^\\x20-\\x7e]", "?");
    return "target="
        + target
        + " type="
        + contentType
        + " length="
        + length
        + " headers="
        + extraHeaders
        + " body="
        + bodyKind
        + "("
        + body.length
        + " bytes: "
        + preview
        + ")";
  }

  private static boolean printable(String text) {
    return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }
}
