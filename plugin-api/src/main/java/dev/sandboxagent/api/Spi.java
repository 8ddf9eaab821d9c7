package dev.sandboxagent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this SPI. */
public final class Spi {

  private static final String VERSION = load();

  private Spi() {}

  /**
   * Returns the SPI version, e.g. {@code 1.0.0}. A method rather than a constant so that plugins
   * compiled against one version read the version of the SPI they actually run with.
   */
  public static String version() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Spi.class.getResourceAsStream("spi.properties")) {
      if (in == null) {
        throw new IllegalStateException("spi.properties missing from plugin-api");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("spi.version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
