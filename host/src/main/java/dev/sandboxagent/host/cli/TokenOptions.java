package dev.sandboxagent.host.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the bearer token comes from: {@code --token}, {@code --token-file}, the {@code SANDBOX_TOKEN}
 * environment variable, or none ({@code --no-token}). A command line gives at most one of the three
 * flags; a flag wins over the environment. The file and the variable keep the token out of the
 * process's command line, which every local user can read; their surrounding whitespace (a trailing
 * newline) is not part of the token. Messages never include the token.
 */
final class TokenOptions {

  /** The environment variable that holds the token when no flag gives one. */
  static final String ENV = "SANDBOX_TOKEN";

  private TokenOptions() {}

  /**
   * Rejects a command line that gives more than one of {@code --token}, {@code --token-file} and
   * {@code --no-token}.
   *
   * @throws UsageException naming the two flags
   */
  static void checkExclusive(String token, String tokenFile, boolean noToken) {
    if (token != null && tokenFile != null) {
      throw new UsageException("the argument '--token <TOKEN>' cannot be used with '--token-file <FILE>'");
    }
    if (noToken && token != null) {
      throw new UsageException("the argument '--token <TOKEN>' cannot be used with '--no-token'");
    }
    if (noToken && tokenFile != null) {
      throw new UsageException("the argument '--token-file <FILE>' cannot be used with '--no-token'");
    }
  }

  /**
   * The token to require or send: {@code --token}, else the content of {@code --token-file}, else
   * {@code SANDBOX_TOKEN} when set and not blank; null with {@code --no-token} or when none is given.
   *
   * @throws IllegalArgumentException for an empty token, or a token file that cannot be read or is
   *     empty
   */
  static String resolve(String token, String tokenFile, boolean noToken, Map<String, String> env) {
    if (noToken) {
      return null;
    }
    if (token != null) {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("the token must not be empty");
      }
      return token;
    }
    if (tokenFile != null) {
      return read(Path.of(tokenFile));
    }
    String fromEnv = env.get(ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
  }

  private static String read(Path file) {
    String content;
    try {
      content = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": permission denied");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the token file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
    }
    String stripped = content.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("the token file " + file + " is empty");
    }
    if (stripped.contains("\n") || stripped.contains("\r")) {
      throw new IllegalArgumentException("the token file " + file + " must hold the token on one line");
    }
    return stripped;
  }
}
