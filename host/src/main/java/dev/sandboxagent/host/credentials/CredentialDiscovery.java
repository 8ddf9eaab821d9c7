package dev.sandboxagent.host.credentials;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the credentials a user already has for the agents: environment variables, then the files
 * the agents' adapters {@linkplain AgentAdapter#discoverCredentials read}. Only the providers some
 * agent {@linkplain AgentAdapter#credentialUse works with} are looked up in the environment, under
 * {@code <PROVIDER>_API_KEY} and then the variables the agents add; a credential in the environment
 * wins over every file, and among files the lowest precedence, then the agents' listing order. An
 * adapter that fails is skipped, never fatal.
 */
public final class CredentialDiscovery {

  private static final System.Logger LOG = System.getLogger(CredentialDiscovery.class.getName());
  /**
   * The providers that {@code credentials extract} always names in its output, and whose variables
   * come first in the environment; every other provider is listed under {@code other}.
   */
  public static final List<String> NAMED_PROVIDERS = List.of("anthropic", "openai");

  /** {@code $HOME} (what the agents themselves use), else the JVM's idea of the user's home. */
  public static String homeDirectory(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank() ? home : System.getProperty("user.home");
  }

  /** One credential. */
  public record Credential(String apiKey, String source, String authType, String provider) {
    /** Validates. */
    public Credential {
      requireNonNull(apiKey, "apiKey is null");
      requireNonNull(source, "source is null");
      requireNonNull(authType, "authType is null");
      requireNonNull(provider, "provider is null");
    }
  }

  /**
   * What was found, by provider, and the variables each provider's credential is given under beside
   * {@code <PROVIDER>_API_KEY}.
   */
  public record Found(Map<String, Credential> credentials, Map<String, List<String>> variables) {
    /** Copies. */
    public Found {
      credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
      variables = Map.copyOf(variables);
    }

    /** The credential for {@code provider}, if found. */
    public Optional<Credential> find(String provider) {
      return Optional.ofNullable(credentials.get(provider));
    }

    /** The credentials of the providers other than the {@link #NAMED_PROVIDERS}, by provider (sorted). */
    public Map<String, Credential> other() {
      Map<String, Credential> other = new TreeMap<>(credentials);
      NAMED_PROVIDERS.forEach(other::remove);
      return Collections.unmodifiableMap(other);
    }

    /**
     * The variables agent processes get: for each {@linkplain #NAMED_PROVIDERS named provider}, then
     * each other provider by name, {@code <PROVIDER>_API_KEY} (upper-cased, {@code -} as {@code _})
     * and then the variables the agents add for it.
     */
    public Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      List<String> order = new ArrayList<>(NAMED_PROVIDERS);
      order.addAll(other().keySet());
      for (String provider : order) {
        find(provider).ifPresent(c -> names(provider, variables).forEach(name -> env.put(name, c.apiKey())));
      }
      return env;
    }
  }

  private final List<AgentAdapter> adapters;
  private final Path home;
  private final boolean includeOauth;
  private final Map<String, String> env;
  private final Clock clock;

  /**
   * A discovery over {@code adapters}, in listing order.
   *
   * @param includeOauth whether OAuth access tokens count (the command line's {@code --no-oauth} turns
   *     them off)
   */
  public CredentialDiscovery(List<AgentAdapter> adapters, Path home, boolean includeOauth, Map<String, String> env,
      Clock clock) {
    this.adapters = List.copyOf(adapters);
    this.home = requireNonNull(home, "home is null");
    this.includeOauth = includeOauth;
    this.env = Map.copyOf(env);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Runs the discovery. */
  public Found discover() {
    Set<String> providers = new LinkedHashSet<>();
    Map<String, List<String>> variables = new LinkedHashMap<>();
    for (AgentAdapter adapter : adapters) {
      CredentialUse use = use(adapter);
      providers.addAll(use.providers());
      use.variables().forEach((provider, names) -> {
        providers.add(provider);
        List<String> known = variables.computeIfAbsent(provider, p -> new ArrayList<>());
        names.stream().filter(n -> !known.contains(n)).forEach(known::add);
      });
    }
    Map<String, Credential> found = new LinkedHashMap<>();
    for (String provider : providers) {
      for (String name : names(provider, variables)) {
        String value = env.get(name);
        if (value != null) {
          found.put(provider, new Credential(value, "environment", "api_key", provider));
          break;
        }
      }
    }
    List<DiscoveredCredential> fromFiles = new ArrayList<>();
    CredentialContext context = new CredentialContext(home, env, clock.instant());
    for (AgentAdapter adapter : adapters) {
      fromFiles.addAll(discover(adapter, context));
    }
    // a stable sort: equal precedences keep the listing order and each adapter's own order
    fromFiles.sort(Comparator.comparingInt(DiscoveredCredential::precedence));
    for (DiscoveredCredential c : fromFiles) {
      if (c.authType() == DiscoveredCredential.AuthType.OAUTH && !includeOauth) {
        continue;
      }
      found.putIfAbsent(c.provider(),
          new Credential(c.secret(), c.source(), c.authType().name().toLowerCase(Locale.ROOT), c.provider()));
    }
    return new Found(found, variables);
  }

  /** {@code <PROVIDER>_API_KEY}, then the variables the agents add for the provider. */
  private static List<String> names(String provider, Map<String, List<String>> variables) {
    List<String> names = new ArrayList<>();
    names.add(provider.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY");
    variables.getOrDefault(provider, List.of()).stream().filter(n -> !names.contains(n)).forEach(names::add);
    return names;
  }

  /** The adapter's credential use; one that fails uses none. */
  public static CredentialUse use(AgentAdapter adapter) {
    try {
      CredentialUse use = adapter.credentialUse();
      return use != null ? use : CredentialUse.NONE;
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "agent {0} cannot say which credentials it uses: {1}", id(adapter), e.toString());
      return CredentialUse.NONE;
    }
  }

  private static List<DiscoveredCredential> discover(AgentAdapter adapter, CredentialContext context) {
    try {
      List<DiscoveredCredential> found = adapter.discoverCredentials(context);
      return found == null ? List.of() : List.copyOf(found);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "agent {0} failed to discover credentials: {1}", id(adapter), e.toString());
      return List.of();
    }
  }

  private static String id(AgentAdapter adapter) {
    try {
      return adapter.descriptor().id();
    } catch (RuntimeException | LinkageError e) {
      return adapter.getClass().getName();
    }
  }
}
