package dev.sandboxagent.host.cli;

import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.InstallSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The option value types of the commands; a bad value is a usage error naming the option. */
final class Converters {

  private Converters() {}

  /** A TCP port, 0 (any free port) to 65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("'" + value + "' is not a port number (0 to 65535)");
    }
  }

  /** A whole number of at least 1. */
  static final class PositiveLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        long v = Long.parseLong(value.strip());
        if (v >= 1) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("'" + value + "' is not a positive whole number");
    }
  }

  /** A whole number from 1 to {@link Integer#MAX_VALUE}. */
  static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      long v = new PositiveLong().convert(value);
      if (v > Integer.MAX_VALUE) {
        throw new TypeConversionException("'" + value + "' is more than " + Integer.MAX_VALUE);
      }
      return (int) v;
    }
  }

  /** A whole number of at least 0 (an offset, a limit). */
  static final class Count implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      if (value.matches("\\d{1,18}")) {
        return Long.parseLong(value);
      }
      throw new TypeConversionException("'" + value + "' is not a whole number");
    }
  }

  /** A number of seconds, at least 1. */
  static final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Duration.ofSeconds(new PositiveLong().convert(value));
    }
  }

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s} or ISO-8601 ({@code PT12H}). */
  static final class Span implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return HostConfig.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** The install sources to try, in order. */
  record SourceOrder(List<InstallSettings.SourceKind> kinds) {}

  /** {@code local,npm,vendor}: a subset, in the order to try. */
  static final class Sources implements ITypeConverter<SourceOrder> {
    @Override
    public SourceOrder convert(String value) {
      try {
        return new SourceOrder(InstallSettings.parseSources(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code <AGENT>=<PATH>}. */
  static final class AgentPath implements ITypeConverter<Map.Entry<String, Path>> {
    @Override
    public Map.Entry<String, Path> convert(String value) {
      Map<String, Path> one = new LinkedHashMap<>();
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new TypeConversionException("'" + value + "' is not <AGENT>=<PATH>");
      }
      InstallSettings.parseAgentPath(value, one, "");
      return one.entrySet().iterator().next();
    }
  }

  /** An {@code http://} or {@code https://} URL with a host: where a daemon answers. */
  static final class Endpoint implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value.strip());
      } catch (URISyntaxException e) {
        throw new TypeConversionException("'" + value + "' is not a URL: " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new TypeConversionException("'" + value + "' is not an http:// or https:// URL with a host");
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new TypeConversionException("'" + value + "' has a query or fragment; give the daemon's base URL");
      }
      return uri;
    }
  }
}
