package dev.sandboxagent.plugins.acp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ACP agent as described by its entry file: how to install it, how to start it in ACP mode and
 * what the daemon says about it. Immutable; {@link #parse} validates a file's JSON with messages
 * that name the offending member.
 *
 * @param id the agent id
 * @param displayName the display name
 * @param npmPackage the npm package the program comes from, or null for a program on {@code PATH}
 * @param npmVersion the version (or dist-tag) of a Node.js package installed when none is asked
 *     for, or null for the latest
 * @param binary the program's file name, looked up in the install directory and on {@code PATH};
 *     for a Node.js package also its name in the package's {@code bin}
 * @param platformPackages for a package whose program is native: the npm package holding it per
 *     platform ({@link Platform#id()}, e.g. {@code linux-x64-musl}); empty for a Node.js package,
 *     which the daemon installs with its dependencies
 * @param binaryPath the program's path inside a platform package
 * @param args the arguments that start ACP mode
 * @param env extra environment of the agent's process
 * @param capabilities what the agent can do beyond the ACP baseline
 * @param modes the agent modes, each with the ACP mode it selects (or null for the agent's default)
 * @param permissionModes the accepted permission modes, each with the ACP mode it selects, or null
 * @param credentials the providers whose credentials the agent works with
 * @param listingOrder where the agent comes in listings
 * @param idleTimeout how long a turn may stay silent
 */
record AcpAgentEntry(
    String id,
    String displayName,
    String npmPackage,
    String npmVersion,
    String binary,
    Map<String, String> platformPackages,
    String binaryPath,
    List<String> args,
    Map<String, String> env,
    Set<Capability> capabilities,
    Map<String, Mode> modes,
    Map<PermissionMode, String> permissionModes,
    CredentialUse credentials,
    int listingOrder,
    Duration idleTimeout) {

  /** What every ACP agent can do. */
  static final Set<Capability> BASELINE = Set.copyOf(EnumSet.of(Capability.TEXT_MESSAGES, Capability.STREAMING_DELTAS,
      Capability.ITEM_STARTED, Capability.TOOL_CALLS, Capability.TOOL_RESULTS, Capability.PERMISSIONS,
      Capability.REASONING, Capability.STATUS, Capability.ERROR_EVENTS, Capability.FILE_CHANGES,
      Capability.SESSION_LIFECYCLE, Capability.FILE_ATTACHMENTS));

  /**
   * An agent mode of the entry.
   *
   * @param name the display name
   * @param description one line of description
   * @param acpMode the ACP mode id set with {@code session/set_mode}, or null
   */
  record Mode(String name, String description, String acpMode) {
    Mode {
      requireNonNull(name, "name is null");
      requireNonNull(description, "description is null");
    }
  }

  AcpAgentEntry {
    requireNonNull(id, "id is null");
    requireNonNull(displayName, "displayName is null");
    requireNonNull(binary, "binary is null");
    platformPackages = Collections.unmodifiableMap(new LinkedHashMap<>(platformPackages));
    args = List.copyOf(args);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    capabilities = Set.copyOf(capabilities);
    modes = Collections.unmodifiableMap(new LinkedHashMap<>(modes));
    permissionModes = Collections.unmodifiableMap(new LinkedHashMap<>(permissionModes));
    requireNonNull(credentials, "credentials is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
  }

  /** The descriptor the daemon lists. */
  AgentDescriptor descriptor() {
    AgentDescriptor.Builder builder = AgentDescriptor.builder(id)
        .displayName(displayName)
        .capabilities(BASELINE)
        .capabilities(capabilities)
        .permissionModes(permissionModes.keySet().toArray(PermissionMode[]::new))
        .binaryName(binary)
        .resumable(true)
        .listingOrder(listingOrder)
        .idleTimeout(idleTimeout);
    modes.forEach((modeId, mode) -> builder.mode(modeId, mode.name(), mode.description()));
    return builder.build();
  }

  /**
   * Where the daemon installs the program from on {@code platform}: a Node.js package, a native
   * program's platform package, or nowhere (a program on {@code PATH}, or no build for the platform).
   */
  List<InstallSource> installSources(Platform platform) {
    if (npmPackage != null && platformPackages.isEmpty()) {
      return List.of(new InstallSource.NodePackage(npmPackage, npmVersion, binary));
    }
    String pkg = platformPackages.get(platform.id());
    if (pkg == null && platform.musl()) {
      pkg = platformPackages.get(new Platform(platform.os(), platform.arch(), false).id());
    }
    if (npmPackage == null || pkg == null) {
      return List.of();
    }
    return List.of(new InstallSource.Npm(npmPackage, pkg, binaryPath));
  }

  /** How a user gets the program when it is missing. */
  String installHint() {
    if (npmPackage == null) {
      return "put `" + binary + "` on PATH";
    }
    return platformPackages.isEmpty()
        ? "install it with `sandbox-agent install-agent " + id + "` (it needs npm) or put `" + binary + "` on PATH"
        : npmPackage + " has no build for this platform; put `" + binary + "` on PATH";
  }

  /**
   * The ACP mode a session asks for: its permission mode's, else its agent mode's; null for none.
   */
  String acpMode(String agentMode, PermissionMode permissionMode) {
    String byPermission = permissionModes.get(permissionMode);
    if (byPermission != null) {
      return byPermission;
    }
    Mode mode = modes.get(agentMode);
    return mode == null ? null : mode.acpMode();
  }

  /**
   * Reads an entry file's JSON.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static AcpAgentEntry parse(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("an entry is a JSON object");
    }
    String id = text(json, "id", true);
    String displayName = json.has("displayName") ? text(json, "displayName", true) : id;
    JsonNode install = json.path("install");
    if (!install.isObject()) {
      throw new IllegalArgumentException("install must be an object: {\"npm\": package, \"version\": version, "
          + "\"bin\": program} or {\"path\": program}");
    }
    String npm = install.has("npm") ? text(install, "npm", true) : null;
    String binary = npm != null ? text(install, "bin", true) : text(install, "path", true);
    String npmVersion = install.has("version") ? text(install, "version", true) : null;
    if (npmVersion != null && npm == null) {
      throw new IllegalArgumentException("install.version needs install.npm");
    }
    if (binary.contains("/")) {
      throw new IllegalArgumentException("install.bin/install.path is a program name, not a path: " + binary);
    }
    Map<String, String> platformPackages = strings(install, "platformPackages");
    String binaryPath = install.has("binaryPath") ? text(install, "binaryPath", true) : binary;
    if (!platformPackages.isEmpty() && npm == null) {
      throw new IllegalArgumentException("install.platformPackages needs install.npm");
    }
    List<String> args = new ArrayList<>();
    JsonNode argsNode = json.path("args");
    if (!argsNode.isMissingNode()) {
      if (!argsNode.isArray()) {
        throw new IllegalArgumentException("args must be an array of strings");
      }
      argsNode.forEach(a -> {
        if (!a.isTextual()) {
          throw new IllegalArgumentException("args must be an array of strings");
        }
        args.add(a.textValue());
      });
    }
    Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    for (JsonNode c : json.path("capabilities")) {
      capabilities.add(capability(c.asText()));
    }
    Map<String, Mode> modes = new LinkedHashMap<>();
    JsonNode modesNode = json.path("modes");
    for (JsonNode m : modesNode) {
      String modeId = text(m, "id", true);
      modes.put(modeId, new Mode(m.has("name") ? text(m, "name", true) : modeId,
          m.has("description") ? text(m, "description", false) : "",
          m.hasNonNull("acpMode") ? text(m, "acpMode", true) : null));
    }
    if (!modes.containsKey("build")) {
      // the default agent mode of every session
      Map<String, Mode> withBuild = new LinkedHashMap<>();
      withBuild.put("build", new Mode("Build", "The agent's default mode", null));
      withBuild.putAll(modes);
      modes = withBuild;
    }
    Map<PermissionMode, String> permissionModes = new LinkedHashMap<>();
    JsonNode permissions = json.path("permissionModes");
    if (permissions.isMissingNode()) {
      permissionModes.put(PermissionMode.DEFAULT, null);
    } else if (!permissions.isObject()) {
      throw new IllegalArgumentException("permissionModes must map default/plan/bypass to an ACP mode id or null");
    } else {
      permissions.fields().forEachRemaining(f -> permissionModes.put(PermissionMode.parse(f.getKey())
              .orElseThrow(() -> new IllegalArgumentException("unknown permission mode " + f.getKey()
                  + " (default, plan or bypass)")),
          f.getValue().isNull() ? null : f.getValue().asText()));
      if (permissionModes.isEmpty()) {
        throw new IllegalArgumentException("permissionModes is empty");
      }
    }
    CredentialUse credentials = CredentialUse.NONE;
    JsonNode creds = json.path("credentials");
    if (creds.isObject()) {
      List<String> providers = new ArrayList<>();
      creds.path("providers").forEach(p -> providers.add(p.asText()));
      Map<String, List<String>> variables = new LinkedHashMap<>();
      creds.path("variables").fields().forEachRemaining(f -> {
        List<String> names = new ArrayList<>();
        f.getValue().forEach(n -> names.add(n.asText()));
        variables.put(f.getKey(), names);
      });
      credentials = new CredentialUse(displayName, providers, creds.path("anyProvider").asBoolean(false), variables);
    }
    int listingOrder = json.path("listingOrder").asInt(AgentDescriptor.DEFAULT_LISTING_ORDER);
    long idle = json.path("idleTimeoutSeconds").asLong(AgentDescriptor.DEFAULT_IDLE_TIMEOUT.toSeconds());
    if (idle <= 0) {
      throw new IllegalArgumentException("idleTimeoutSeconds must be positive");
    }
    if (npmVersion != null && !platformPackages.isEmpty()) {
      throw new IllegalArgumentException("install.version is for a Node.js package, not one with platformPackages");
    }
    AcpAgentEntry entry = new AcpAgentEntry(id, displayName, npm, npmVersion, binary, platformPackages, binaryPath, args,
        strings(json, "env"), capabilities, modes, permissionModes, credentials, listingOrder, Duration.ofSeconds(idle));
    entry.descriptor(); // validates the id and the rest as the daemon will
    return entry;
  }

  private static Capability capability(String wireName) {
    for (Capability c : Capability.values()) {
      if (c.wireName().equals(wireName)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown capability " + wireName);
  }

  private static String text(JsonNode json, String field, boolean nonBlank) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual() || (nonBlank && value.textValue().isBlank())) {
      throw new IllegalArgumentException(field + " must be a" + (nonBlank ? " non-blank" : "") + " string");
    }
    return value.textValue();
  }

  private static Map<String, String> strings(JsonNode json, String field) {
    Map<String, String> map = new LinkedHashMap<>();
    JsonNode node = json.path(field);
    if (node.isMissingNode()) {
      return map;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " must be an object of strings");
    }
    node.fields().forEachRemaining(f -> {
      if (!f.getValue().isTextual()) {
        throw new IllegalArgumentException(field + "." + f.getKey() + " must be a string");
      }
      map.put(f.getKey(), f.getValue().textValue());
    });
    return map;
  }
}
