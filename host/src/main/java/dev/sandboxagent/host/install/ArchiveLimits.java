package dev.sandboxagent.host.install;

/**
 * How far one archive may expand, checked while it is extracted: a hostile or broken archive stops
 * at the first byte or entry past a bound, before it fills the disk.
 *
 * @param maxBytes the most content bytes written to disk, counted as they are written (not as the
 *     archive's headers declare them)
 * @param maxEntries the most entries (files, directories, links) extracted
 */
public record ArchiveLimits(long maxBytes, int maxEntries) {

  /** 2 GiB: several times the largest agent program (Claude Code's, about 380 MB). */
  public static final long DEFAULT_MAX_BYTES = 2L << 30;

  /** 100,000 entries: agent packages hold at most a few thousand. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  /** The defaults. */
  public static final ArchiveLimits DEFAULT = new ArchiveLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);

  /** Validates. */
  public ArchiveLimits {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
  }
}
