package dev.sandboxagent.host.install;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Expected digests of a download: npm's Subresource-Integrity string ({@code sha512-<base64>}, maybe
 * several separated by spaces) and/or a hex SHA-1 ({@code shasum}). The strongest one present is
 * checked.
 *
 * @param sri the {@code integrity} value, or null
 * @param sha1Hex the {@code shasum} value, or null
 */
public record Integrity(String sri, String sha1Hex) {

  /** No expectation. */
  public static Integrity none() {
    return new Integrity(null, null);
  }

  public boolean isEmpty() {
    return (sri == null || sri.isBlank()) && (sha1Hex == null || sha1Hex.isBlank());
  }

  /** The algorithm to compute (a {@link MessageDigest} name), or null when nothing is expected. */
  String algorithm() {
    for (String candidate : List.of("sha512", "sha384", "sha256")) {
      if (expectedFromSri(candidate) != null) {
        return "SHA-" + candidate.substring(3);
      }
    }
    return sha1Hex != null && !sha1Hex.isBlank() ? "SHA-1" : null;
  }

  MessageDigest newDigest() {
    String algorithm = algorithm();
    try {
      return algorithm == null ? null : MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks a computed digest; throws with both values when it does not match. */
  void verify(byte[] actual, String what) throws DownloadException {
    String algorithm = algorithm();
    if (algorithm == null) {
      return;
    }
    List<byte[]> expected = new ArrayList<>();
    if (algorithm.equals("SHA-1")) {
      expected.add(HexFormat.of().parseHex(sha1Hex.strip().toLowerCase(Locale.ROOT)));
    } else {
      expected.addAll(expectedFromSri("sha" + algorithm.substring(4)));
    }
    for (byte[] e : expected) {
      if (MessageDigest.isEqual(e, actual)) {
        return;
      }
    }
    throw new DownloadException("checksum mismatch for " + what + ": expected " + algorithm + " "
        + (algorithm.equals("SHA-1") ? sha1Hex : sri) + ", got "
        + (algorithm.equals("SHA-1") ? HexFormat.of().formatHex(actual) : Base64.getEncoder().encodeToString(actual)));
  }

  /**
   * Whether an integrity string recorded elsewhere (npm's lockfile) names a digest that this one
   * expects too: one algorithm in common with equal values.
   */
  boolean agreesWith(String recordedSri) {
    if (recordedSri == null) {
      return false;
    }
    for (String token : recordedSri.strip().split("\\s+")) {
      int dash = token.indexOf('-');
      if (dash <= 0) {
        continue;
      }
      String algorithm = token.substring(0, dash);
      byte[] recorded;
      try {
        recorded = Base64.getDecoder().decode(token.substring(dash + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      List<byte[]> expected = new ArrayList<>();
      if (algorithm.equals("sha1") && sha1Hex != null && !sha1Hex.isBlank()) {
        expected.add(HexFormat.of().parseHex(sha1Hex.strip().toLowerCase(Locale.ROOT)));
      }
      List<byte[]> fromSri = expectedFromSri(algorithm);
      if (fromSri != null) {
        expected.addAll(fromSri);
      }
      if (expected.stream().anyMatch(e -> MessageDigest.isEqual(e, recorded))) {
        return true;
      }
    }
    return false;
  }

  private List<byte[]> expectedFromSri(String prefix) {
    if (sri == null) {
      return null;
    }
    List<byte[]> values = new ArrayList<>();
    for (String token : sri.strip().split("\\s+")) {
      if (token.startsWith(prefix + "-")) {
        String b64 = token.substring(prefix.length() + 1);
        int q = b64.indexOf('?');
        values.add(Base64.getDecoder().decode(q < 0 ? b64 : b64.substring(0, q)));
      }
    }
    return values.isEmpty() ? null : values;
  }
}
