package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;

/**
 * JSON printed the way the command line prints it: two-space indentation, {@code "key": value},
 * {@code {}} and {@code []} for empty containers.
 */
final class PrettyJson {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final Separators SEPARATORS = Separators.createDefaultInstance()
      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
      .withObjectEmptySeparator("")
      .withArrayEmptySeparator("");
  private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter(SEPARATORS)
      .withObjectIndenter(new DefaultIndenter("  ", "\n"))
      .withArrayIndenter(new DefaultIndenter("  ", "\n"));

  private PrettyJson() {}

  /**
   * The command line's one mapper, made on first use: building it loads hundreds of classes, which
   * a command that only prints an answer (or the parser building its model) should not pay for.
   */
  static ObjectMapper mapper() {
    return Mapper.JSON;
  }

  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  /** Renders {@code value}. */
  static String render(Object value) {
    try {
      return mapper().writer(PRINTER).writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  /**
   * Renders the first JSON value of {@code text} token by token, as {@link #render} renders it read
   * into a tree (anything after it is ignored, as the mapper ignores it), without the mapper.
   *
   * @throws IOException when {@code text} does not start with a JSON value
   */
  static String reformat(String text) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonParser parser = FACTORY.createParser(text);
        JsonGenerator generator = FACTORY.createGenerator(out)) {
      if (parser.nextToken() == null) {
        throw new IOException("no JSON value");
      }
      generator.setPrettyPrinter(PRINTER.createInstance());
      generator.copyCurrentStructure(parser);
    }
    return out.toString();
  }
}
