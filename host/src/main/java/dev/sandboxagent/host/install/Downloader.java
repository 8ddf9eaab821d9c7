package dev.sandboxagent.host.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;

/**
 * Plain HTTP(S) downloads with a connect timeout and a stall timeout (no byte for that long fails
 * the download), following redirects, verifying length and checksum, and writing to a file only
 * when everything checked out.
 */
public final class Downloader {

  /** Receives progress: bytes so far and the total, or -1 when unknown. */
  @FunctionalInterface
  public interface Progress {
    void update(long bytes, long total);

    Progress NONE = (bytes, total) -> {};
  }

  private static final int MAX_REDIRECTS = 10;

  private final Duration connectTimeout;
  private final Duration stallTimeout;

  public Downloader(Duration connectTimeout, Duration stallTimeout) {
    this.connectTimeout = connectTimeout;
    this.stallTimeout = stallTimeout;
  }

  /** 30 s to connect, 30 s without a byte. */
  public static Downloader standard() {
    return new Downloader(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  /** Fetches a small document (a packument, a version file) into memory. */
  public byte[] fetch(URI uri, Map<String, String> headers) throws DownloadException {
    HttpURLConnection connection = open(uri, headers);
    try (InputStream in = connection.getInputStream()) {
      return in.readAllBytes();
    } catch (SocketTimeoutException e) {
      throw new DownloadException("download stalled for " + stallTimeout.toSeconds() + " s: " + uri, e);
    } catch (IOException e) {
      throw new DownloadException("download failed: " + uri + ": " + e.getMessage(), e);
    } finally {
      connection.disconnect();
    }
  }

  /**
   * Downloads {@code uri} to {@code dest}: the bytes go to a temporary file beside it, which is
   * moved into place only after its length and {@code integrity} check out.
   */
  public void download(URI uri, Path dest, Integrity integrity, Map<String, String> headers, Progress progress)
      throws DownloadException {
    HttpURLConnection connection = open(uri, headers);
    Path partial = dest.resolveSibling(dest.getFileName() + ".part");
    MessageDigest digest = integrity.newDigest();
    long total = connection.getContentLengthLong();
    long received = 0;
    try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(partial)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        if (digest != null) {
          digest.update(buffer, 0, n);
        }
        received += n;
        progress.update(received, total);
      }
    } catch (SocketTimeoutException e) {
      deleteQuietly(partial);
      throw new DownloadException("download stalled for " + stallTimeout.toSeconds() + " s: " + uri, e);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new DownloadException("download failed: " + uri + ": " + e.getMessage(), e);
    } finally {
      connection.disconnect();
    }
    try {
      if (total >= 0 && received != total) {
        throw new DownloadException("download truncated: " + uri + ": got " + received + " of " + total + " bytes");
      }
      if (digest != null) {
        integrity.verify(digest.digest(), uri.toString());
      }
      Files.move(partial, dest, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw e instanceof DownloadException d ? d : new DownloadException("cannot write " + dest + ": " + e, e);
    }
  }

  private HttpURLConnection open(URI uri, Map<String, String> headers) throws DownloadException {
    URI current = uri;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpURLConnection connection;
      int status;
      try {
        connection = (HttpURLConnection) current.toURL().openConnection();
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) stallTimeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("User-Agent", "sandbox-agent");
        headers.forEach(connection::setRequestProperty);
        status = connection.getResponseCode();
      } catch (SocketTimeoutException e) {
        throw new DownloadException("download timed out: " + current, e);
      } catch (IOException | IllegalArgumentException e) {
        throw new DownloadException("download failed: " + current + ": " + e.getMessage(), e);
      }
      if (status >= 300 && status < 400 && connection.getHeaderField("Location") != null) {
        current = current.resolve(connection.getHeaderField("Location"));
        connection.disconnect();
        continue;
      }
      if (status < 200 || status >= 300) {
        connection.disconnect();
        throw new DownloadException("download failed: " + current + " (HTTP " + status + ")");
      }
      return connection;
    }
    throw new DownloadException("download failed: too many redirects: " + uri);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort: a stale .part file is replaced by the next attempt
    }
  }
}
