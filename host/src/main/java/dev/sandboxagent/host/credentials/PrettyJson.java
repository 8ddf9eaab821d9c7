package dev.sandboxagent.host.credentials;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON printed the way the command line prints it: two-space indentation, {@code "key": value},
 * {@code {}} and {@code []} for empty containers.
 */
public final class PrettyJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PrettyJson() {}

  /** Renders {@code value}. */
  public static String render(Object value) {
    try {
      return JSON.writer(new Printer()).writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }

  private static final class Printer extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    Printer() {
      super(DefaultPrettyPrinter.DEFAULT_ROOT_VALUE_SEPARATOR);
      _objectIndenter = new DefaultIndenter("  ", "\n");
      _arrayIndenter = new DefaultIndenter("  ", "\n");
      _separators = Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER);
      _objectFieldValueSeparatorWithSpaces = ": ";
    }

    Printer(Printer base) {
      super(base);
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new Printer(this);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      if (nrOfEntries == 0) {
        _nesting--;
        g.writeRaw('}');
        return;
      }
      super.writeEndObject(g, nrOfEntries);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      if (nrOfValues == 0) {
        _nesting--;
        g.writeRaw(']');
        return;
      }
      super.writeEndArray(g, nrOfValues);
    }
  }
}
