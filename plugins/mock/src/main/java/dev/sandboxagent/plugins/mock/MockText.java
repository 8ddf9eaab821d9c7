package dev.sandboxagent.plugins.mock;

import java.util.ArrayList;
import java.util.List;

/**
 * The text rules of the mock's script selection: Unicode {@code White_Space} and ASCII-only case
 * folding. Java has neither built in: {@link String#trim} strips every char up to U+0020 (controls
 * included) and nothing else, {@link String#strip} follows {@link Character#isWhitespace} (which
 * includes U+001C–U+001F and excludes U+0085, U+00A0, U+2007 and U+202F), and {@link
 * String#equalsIgnoreCase} folds non-ASCII letters such as U+017F (ſ) and U+212A (Kelvin sign) too.
 */
final class MockText {

  private MockText() {}

  /** Whether {@code c} has the Unicode {@code White_Space} property (all 25 code points, BMP only). */
  static boolean isWhiteSpace(int c) {
    return (c >= 0x0009 && c <= 0x000D)
        || c == 0x0020
        || c == 0x0085
        || c == 0x00A0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /**
   * Removes leading and trailing {@code White_Space}. Scanning chars is exact: every {@code
   * White_Space} code point is in the BMP and no surrogate is one.
   */
  static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhiteSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isWhiteSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Splits {@code s} into its non-empty runs of non-{@code White_Space} characters. */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      while (i < s.length() && isWhiteSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < s.length() && !isWhiteSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        words.add(s.substring(start, i));
      }
    }
    return words;
  }

  /** Compares two strings ignoring the case of ASCII letters only. */
  static boolean asciiEqualsIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
