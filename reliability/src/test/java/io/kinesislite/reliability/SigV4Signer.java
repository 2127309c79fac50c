package io.kinesislite.reliability;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a Kinesis JSON call with AWS Signature Version 4 by hand, so that the security campaign can
 * send requests an SDK never would: signed for one body and sent with another, signed with a wrong
 * secret or at a stale date. Signs {@code host}, {@code x-amz-date} and {@code x-amz-target}, and
 * optionally declares the payload hash in {@code X-Amz-Content-Sha256}.
 *
 * <p>Stateless; thread-safe.
 */
final class SigV4Signer {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String REGION = "us-east-1";

  private SigV4Signer() {}

  /**
   * The header lines of a signed call.
   *
   * @param signedBody the body the signature covers (the one sent may differ, to tamper)
   * @param declareHash whether to send {@code X-Amz-Content-Sha256} with the signed body's hash
   */
  static List<String> headers(
      String keyId,
      String secret,
      Instant at,
      String target,
      byte[] signedBody,
      boolean declareHash) {
    String date = AMZ_DATE.format(at);
    String day = date.substring(0, 8);
    String payloadHash = hex(sha256(signedBody));
    String signedHeaders =
        declareHash
            ? "host;x-amz-content-sha256;x-amz-date;x-amz-target"
            : "host;x-amz-date;x-amz-target";
    String canonicalHeaders =
        "host:127.0.0.1\n"
            + (declareHash ? "x-amz-content-sha256:" + payloadHash + "\n" : "")
            + "x-amz-date:"
            + date
            + "\n"
            + "x-amz-target:"
            + target
            + "\n";
    String canonical = "POST\n/\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
    String scope = day + "/" + REGION + "/kinesis/aws4_request";
    String toSign =
        "AWS4-HMAC-SHA256\n"
            + date
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, REGION);
    key = hmac(key, "kinesis");
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));
    List<String> headers = new ArrayList<>();
    headers.add("X-Amz-Date: " + date);
    if (declareHash) {
      headers.add("X-Amz-Content-Sha256: " + payloadHash);
    }
    headers.add(
        "Authorization: AWS4-HMAC-SHA256 Credential="
            + keyId
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + signature);
    return headers;
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
