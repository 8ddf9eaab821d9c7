package dev.sandboxagent.host.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The token → tenant table. Tokens are kept only as SHA-256 digests (the tenants file holds
 * {@code sha256:<hex>}, never a token); a presented token is hashed and compared with every entry
 * in constant time, so neither timing nor logs reveal which tenant, or how much of a token, matched.
 */
public final class Tenants {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> FIELDS = Set.of("tokens", "agents", "maxSessions", "env", "admin");

  private record Entry(byte[] digest, Tenant tenant) {}

  private final List<Entry> entries;
  private final List<Tenant> tenants;

  private Tenants(List<Entry> entries, List<Tenant> tenants) {
    this.entries = List.copyOf(entries);
    this.tenants = List.copyOf(tenants);
  }

  /** No tenants: the single-token configuration. */
  public static Tenants none() {
    return new Tenants(List.of(), List.of());
  }

  /**
   * The configuration's table: the tenants of {@code file} (when given), plus {@code adminToken}
   * (when given) as the daemon's own {@link Tenant#DEFAULT} tenant.
   */
  public static Tenants of(Tenants fromFile, String adminToken) {
    List<Entry> entries = new ArrayList<>(fromFile.entries);
    if (adminToken != null) {
      entries.add(new Entry(digest(adminToken), Tenant.DEFAULT));
    }
    return new Tenants(entries, fromFile.tenants);
  }

  /** The tenants configured, in file order. */
  public List<Tenant> tenants() {
    return tenants;
  }

  /** Whether no token at all is configured (authentication off). */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The tenant owning {@code token}; every entry is compared, whatever matched first. */
  public Optional<Tenant> authenticate(String token) {
    byte[] presented = digest(token);
    Tenant found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), presented) && found == null) {
        found = entry.tenant();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The stored form of a token: {@code sha256:<lowercase hex>}. */
  public static String hash(String token) {
    return "sha256:" + HexFormat.of().formatHex(digest(token));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a tenants file:
   *
   * <pre>{"tenants": {"acme": {"tokens": ["sha256:…"], "agents": ["claude", "mock"],
   *   "maxSessions": 4, "env": {"ANTHROPIC_API_KEY": "…"}, "admin": false}}}</pre>
   *
   * Unknown fields are refused so that a typo never silently widens or drops a rule.
   *
   * @throws IllegalArgumentException naming the file and the first problem found
   */
  public static Tenants load(Path file, ObjectMapper mapper) {
    JsonNode root;
    try {
      root = mapper.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tenants file " + file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read tenants file " + file + ": " + e.getMessage());
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tenants file " + file + ": " + e.getMessage());
    }
  }

  static Tenants parse(JsonNode root) {
    if (root == null || !root.isObject() || !root.path("tenants").isObject()) {
      throw new IllegalArgumentException("expected an object {\"tenants\": {\"<id>\": {...}}}");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = root.get("tenants").properties().iterator();
    if (!fields.hasNext()) {
      throw new IllegalArgumentException("no tenants defined");
    }
    List<Entry> entries = new ArrayList<>();
    List<Tenant> tenants = new ArrayList<>();
    Map<String, String> owners = new LinkedHashMap<>();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String id = field.getKey();
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("invalid tenant id '" + id + "' (letters, digits, '.', '_', '-'; 1 to 64)");
      }
      JsonNode t = field.getValue();
      if (!t.isObject()) {
        throw new IllegalArgumentException("tenant " + id + ": expected an object");
      }
      t.fieldNames().forEachRemaining(name -> {
        if (!FIELDS.contains(name)) {
          throw new IllegalArgumentException("tenant " + id + ": unknown field '" + name + "'");
        }
      });
      Tenant tenant = new Tenant(id, agents(id, t.get("agents")), maxSessions(id, t.get("maxSessions")),
          environment(id, t.get("env")), admin(id, t.get("admin")));
      JsonNode tokens = t.get("tokens");
      if (tokens == null || !tokens.isArray() || tokens.isEmpty()) {
        throw new IllegalArgumentException("tenant " + id + ": 'tokens' must be a non-empty array of sha256 hashes");
      }
      for (JsonNode token : tokens) {
        String hash = token.isTextual() ? token.asText() : "";
        if (!HASH.matcher(hash).matches()) {
          throw new IllegalArgumentException("tenant " + id
              + ": every token must be stored as sha256:<64 lowercase hex digits> (see the hash-token command)");
        }
        String previous = owners.putIfAbsent(hash, id);
        if (previous != null) {
          throw new IllegalArgumentException("tenant " + id + ": a token is also listed for tenant " + previous);
        }
        entries.add(new Entry(HexFormat.of().parseHex(hash.substring("sha256:".length())), tenant));
      }
      tenants.add(tenant);
    }
    return new Tenants(entries, tenants);
  }

  private static Set<String> agents(String id, JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException("tenant " + id + ": 'agents' must be a non-empty array (\"*\" for all)");
    }
    Set<String> agents = new LinkedHashSet<>();
    for (JsonNode agent : node) {
      if (!agent.isTextual() || agent.asText().isBlank()) {
        throw new IllegalArgumentException("tenant " + id + ": 'agents' must hold agent ids");
      }
      agents.add(agent.asText());
    }
    return agents.contains("*") ? null : agents;
  }

  private static int maxSessions(String id, JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1) {
      throw new IllegalArgumentException("tenant " + id + ": 'maxSessions' must be a positive integer");
    }
    return node.asInt();
  }

  private static Map<String, String> environment(String id, JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("tenant " + id + ": 'env' must be an object of strings");
    }
    Map<String, String> env = new LinkedHashMap<>();
    node.properties().forEach(e -> {
      if (!ENV_NAME.matcher(e.getKey()).matches() || !e.getValue().isTextual()) {
        throw new IllegalArgumentException("tenant " + id + ": 'env' entry '" + e.getKey()
            + "' must be a variable name with a string value");
      }
      env.put(e.getKey(), e.getValue().asText());
    });
    return env;
  }

  private static boolean admin(String id, JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw new IllegalArgumentException("tenant " + id + ": 'admin' must be true or false");
    }
    return node.asBoolean();
  }
}
