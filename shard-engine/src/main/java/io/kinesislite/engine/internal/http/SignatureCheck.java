package io.kinesislite.engine.internal.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 on requests, against a fixed set of access keys, and fails with
 * the errors Kinesis answers: {@code MissingAuthenticationTokenException} for no signature, {@code
 * UnrecognizedClientException} for an unknown key, {@code InvalidSignatureException} for a wrong
 * signature or a date too far from the server's clock. Thread-safe.
 */
final class SignatureCheck {
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String UNSIGNED = "UNSIGNED-PAYLOAD";

  private final Map<String, String> keys;
  private final Duration maxSkew;
  private final Clock clock;

  SignatureCheck(Map<String, String> keys, Duration maxSkew, Clock clock) {
    this.keys = Map.copyOf(keys);
    this.maxSkew = maxSkew;
    this.clock = clock;
  }

  /** Throws the error Kinesis would answer unless {@code request} is signed by a known key. */
  void verify(FullHttpRequest request, byte[] body) {
    HttpHeaders headers = request.headers();
    String auth = headers.get("Authorization");
    if (auth == null || auth.isBlank()) {
      throw new ApiException(
          400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    if (!auth.startsWith(ALGORITHM + " ")) {
      throw new ApiException(
          400,
          "IncompleteSignatureException",
          "Unsupported signature algorithm; expected " + ALGORITHM + ".");
    }
    Map<String, String> parts = new TreeMap<>();
    for (String part : auth.substring(ALGORITHM.length() + 1).split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    String credential = parts.get("Credential");
    String signedHeaders = parts.get("SignedHeaders");
    String signature = parts.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      throw new ApiException(
          400,
          "IncompleteSignatureException",
          "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
    }
    String[] scope = credential.split("/");
    if (scope.length != 5 || !scope[4].equals("aws4_request")) {
      throw new ApiException(
          400, "IncompleteSignatureException", "Credential is malformed: " + credential);
    }
    String secret = keys.get(scope[0]);
    if (secret == null) {
      throw new ApiException(
          400,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    String amzDate = headers.get("X-Amz-Date");
    if (amzDate == null) {
      throw new ApiException(400, "IncompleteSignatureException", "Missing X-Amz-Date header.");
    }
    Instant signedAt;
    try {
      signedAt = Instant.from(AMZ_DATE.parse(amzDate));
    } catch (DateTimeParseException e) {
      throw new ApiException(
          400, "IncompleteSignatureException", "X-Amz-Date is not a date: " + amzDate);
    }
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(maxSkew))) {
      throw new ApiException(
          400,
          "InvalidSignatureException",
          "Signature expired: "
              + amzDate
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(maxSkew))
              + " ("
              + AMZ_DATE.format(now)
              + " - "
              + maxSkew.toMinutes()
              + " min.)");
    }
    if (signedAt.isAfter(now.plus(maxSkew))) {
      throw new ApiException(
          400,
          "InvalidSignatureException",
          "Signature not yet current: "
              + amzDate
              + " is still later than "
              + AMZ_DATE.format(now.plus(maxSkew))
              + " ("
              + AMZ_DATE.format(now)
              + " + "
              + maxSkew.toMinutes()
              + " min.)");
    }
    String scopeText = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
    byte[] key = signingKey(secret, scope[1], scope[2], scope[3]);
    String declared = headers.get("X-Amz-Content-Sha256");
    List<String> payloadHashes = new ArrayList<>();
    if (declared != null) {
      // The signature covers the declared hash, not the body: unless the client chose not to
      // sign the payload, the body must be the one hashed, or anyone could swap it in transit.
      if (!declared.equals(UNSIGNED) && !declared.equalsIgnoreCase(hex(sha256(body)))) {
        throw new ApiException(
            400,
            "InvalidSignatureException",
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      payloadHashes.add(declared);
    } else {
      // Without the header the client may have signed the body's hash or, over TLS, not at all.
      payloadHashes.add(hex(sha256(body)));
      payloadHashes.add(UNSIGNED);
    }
    for (String payloadHash : payloadHashes) {
      String canonical = canonicalRequest(request, signedHeaders, payloadHash);
      String toSign =
          ALGORITHM
              + "\n"
              + amzDate
              + "\n"
              + scopeText
              + "\n"
              + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
      String expected = hex(hmac(key, toSign));
      if (MessageDigest.isEqual(
          expected.getBytes(StandardCharsets.US_ASCII),
          signature.getBytes(StandardCharsets.US_ASCII))) {
        return;
      }
    }
    throw new ApiException(
        400,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check"
            + " your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.");
  }

  private static String canonicalRequest(
      FullHttpRequest request, String signedHeaders, String payloadHash) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.rawPath().isEmpty() ? "/" : uri.rawPath();
    StringBuilder query = new StringBuilder();
    String raw = uri.rawQuery();
    if (!raw.isEmpty()) {
      List<String> pairs = new ArrayList<>(List.of(raw.split("&")));
      pairs.replaceAll(p -> p.contains("=") ? p : p + "=");
      pairs.sort(null);
      query.append(String.join("&", pairs));
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      List<String> values = request.headers().getAll(name);
      if (values.isEmpty() && name.equals("host")) {
        values = request.headers().getAll(":authority");
      }
      List<String> trimmed = new ArrayList<>();
      for (String v : values) {
        trimmed.add(v.trim().replaceAll(" +", " "));
      }
      canonicalHeaders
          .append(name.toLowerCase(Locale.ROOT))
          .append(':')
          .append(String.join(",", trimmed))
          .append('\n');
    }
    return request.method().name()
        + "\n"
        + path
        + "\n"
        + query
        + "\n"
        + canonicalHeaders
        + "\n"
        + signedHeaders
        + "\n"
        + payloadHash;
  }

  private static byte[] signingKey(String secret, String date, String region, String service) {
    byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    k = hmac(k, region);
    k = hmac(k, service);
    return hmac(k, "aws4_request");
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
