package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON printed the way the command line prints it: two-space indentation, {@code "key": value},
 * {@code {}} and {@code []} for empty containers.
 */
final class PrettyJson {

  /**
   * The command line's one mapper, made on first use: building it loads hundreds of classes, which
   * a command that prints no JSON (or the parser building its model) should not pay for.
   */
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Separators SEPARATORS = Separators.createDefaultInstance()
      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
      .withObjectEmptySeparator("")
      .withArrayEmptySeparator("");
  private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter(SEPARATORS)
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private PrettyJson() {}

  /** Renders {@code value}. */
  static String render(Object value) {
    try {
      return JSON.writer(PRINTER).writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }
}
