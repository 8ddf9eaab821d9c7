package dev.sandboxagent.api;

import java.nio.file.Path;

/** What the host gives an adapter to install its agent or to list modes. Implemented by the host. */
public interface InstallContext {

  /** The directory agent programs are installed into; it exists. */
  Path installDir();

  /** Whether an existing installation should be replaced. */
  boolean reinstall();

  /** The requested version, or null for the latest. */
  String version();

  /** A logger for the plugin. */
  System.Logger logger();

  /** The SPI version of the running host. */
  default String spiVersion() {
    return Spi.version();
  }
}
