package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MockTextTest {

  /** The 25 code points with the Unicode White_Space property. */
  static IntStream whiteSpace() {
    return IntStream.concat(
        IntStream.concat(IntStream.rangeClosed(0x09, 0x0D), IntStream.rangeClosed(0x2000, 0x200A)),
        IntStream.of(0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000));
  }

  @Test
  void whiteSpaceIsExactlyTheUnicodeProperty() {
    Pattern property = Pattern.compile("\\p{IsWhite_Space}");
    List<Integer> mismatches = new ArrayList<>();
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      if (MockText.isWhiteSpace(c) != property.matcher(Character.toString(c)).matches()) {
        mismatches.add(c);
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(whiteSpace().filter(MockText::isWhiteSpace).count()).isEqualTo(25);
  }

  @ParameterizedTest
  @MethodSource("whiteSpace")
  void stripsEveryWhiteSpaceCodePoint(int c) {
    String ws = Character.toString(c);
    assertThat(MockText.strip(ws + ws + "a" + ws + "b" + ws)).isEqualTo("a" + ws + "b");
    assertThat(MockText.words(ws + "a" + ws + ws + "b" + ws)).containsExactly("a", "b");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x08, 0x0E, 0x1C, 0x1F, 0x180E, 0x200B, 0x2060, 0xFEFF})
  void keepsWhatTrimOrStripWouldRemoveButIsNotWhiteSpace(int c) {
    String s = Character.toString(c) + "hello" + Character.toString(c);
    assertThat(MockText.strip(s)).isEqualTo(s);
    assertThat(MockText.words(s)).containsExactly(s);
  }

  @Test
  void stripsTheBriefsExamples() {
    assertThat(MockText.strip("\u00A0hello\u0085")).isEqualTo("hello");
    assertThat(MockText.strip("\u2007\u202F")).isEmpty();
    assertThat(MockText.strip("")).isEmpty();
    assertThat(MockText.words("\u2003echo\u3000a   b")).containsExactly("echo", "a", "b");
    assertThat(MockText.words(" \t\n")).isEmpty();
  }

  @Test
  void foldsOnlyAsciiLetters() {
    assertThat(MockText.asciiEqualsIgnoreCase("Reply OK.", "rEPLY ok.")).isTrue();
    assertThat(MockText.asciiEqualsIgnoreCase("s", "\u017F")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("S", "\u017F")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("K", "\u212A")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("i", "\u0130")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("I", "\u0131")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("\u00E9", "\u00C9")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("ok", "ok.")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("@[`{", "@[`{")).isTrue();
    assertThat(MockText.asciiEqualsIgnoreCase("@", "`")).isFalse();
    assertThat(MockText.asciiEqualsIgnoreCase("[", "{")).isFalse();
  }
}
