package dev.sandboxagent.host.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tenants file: its rules, its refusals, and token lookup. */
class TenantsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Tenants load(String json) throws Exception {
    Path file = tmp.resolve("tenants.json");
    Files.writeString(file, json.replace('\'', '"'));
    return Tenants.load(file, JSON);
  }

  @Test
  void hashIsSha256Hex() {
    // echo -n abc | sha256sum
    assertThat(Tenants.hash("abc")).isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void readsTenantsAndFindsThemByToken() throws Exception {
    Tenants tenants = load("{'tenants': {"
        + "'acme': {'tokens': ['" + Tenants.hash("a1") + "', '" + Tenants.hash("a2") + "'], 'agents': ['claude', 'mock'],"
        + " 'maxSessions': 3, 'env': {'ANTHROPIC_API_KEY': 'k-acme'}},"
        + "'ops': {'tokens': ['" + Tenants.hash("o") + "'], 'agents': ['*'], 'admin': true}}}");
    assertThat(tenants.tenants()).extracting(Tenant::id).containsExactly("acme", "ops");
    Tenant acme = tenants.authenticate("a2").orElseThrow();
    assertThat(acme.id()).isEqualTo("acme");
    assertThat(tenants.authenticate("a1")).contains(acme);
    assertThat(acme.agents()).isEqualTo(Set.of("claude", "mock"));
    assertThat(acme.allows("mock")).isTrue();
    assertThat(acme.allows("codex")).isFalse();
    assertThat(acme.maxSessions()).isEqualTo(3);
    assertThat(acme.environment()).isEqualTo(Map.of("ANTHROPIC_API_KEY", "k-acme"));
    assertThat(acme.admin()).isFalse();
    assertThat(acme.toString()).doesNotContain("k-acme");
    Tenant ops = tenants.authenticate("o").orElseThrow();
    assertThat(ops.allows("anything")).isTrue();
    assertThat(ops.admin()).isTrue();
    assertThat(ops.maxSessions()).isZero();
    assertThat(tenants.authenticate("a3")).isEmpty();
    assertThat(tenants.authenticate(Tenants.hash("a1"))).as("the stored hash is not a token").isEmpty();
  }

  @Test
  void adminTokenIsTheDefaultTenant() throws Exception {
    Tenants file = load("{'tenants': {'acme': {'tokens': ['" + Tenants.hash("a") + "'], 'agents': ['mock']}}}");
    Tenants all = Tenants.of(file, "root");
    assertThat(all.authenticate("root")).contains(Tenant.DEFAULT);
    assertThat(all.authenticate("a")).get().extracting(Tenant::id).isEqualTo("acme");
    assertThat(Tenants.of(Tenants.none(), null).isEmpty()).isTrue();
    assertThat(Tenants.of(Tenants.none(), "t").authenticate("t")).contains(Tenant.DEFAULT);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]|expected an object",
      "{'tenants': {}}|no tenants defined",
      "{'tenants': {'bad id': {'tokens': ['H'], 'agents': ['m']}}}|invalid tenant id 'bad id'",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'maxSesions': 2}}}|unknown field 'maxSesions'",
      "{'tenants': {'a': {'tokens': [], 'agents': ['m']}}}|'tokens' must be a non-empty array",
      "{'tenants': {'a': {'tokens': ['plain-token'], 'agents': ['m']}}}|sha256:<64 lowercase hex digits>",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': []}}}|'agents' must be a non-empty array",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'maxSessions': 0}}}|'maxSessions' must be a positive",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'maxSessions': 1.5}}}|'maxSessions' must be a positive",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'env': {'A-B': 'x'}}}}|'env' entry 'A-B'",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'env': {'A': 1}}}}|'env' entry 'A'",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m'], 'admin': 'yes'}}}|'admin' must be true or false",
      "{'tenants': {'a': {'tokens': ['H'], 'agents': ['m']}, 'b': {'tokens': ['H'], 'agents': ['m']}}}"
          + "|tenant b: a token is also listed for tenant a",
  })
  void refusesMistakesWithTheirReason(String json, String reason) {
    String withHash = json.replace("'H'", "'" + Tenants.hash("t") + "'");
    assertThatThrownBy(() -> load(withHash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenants.json")
        .hasMessageContaining(reason);
  }

  @Test
  void refusesUnreadableFiles() {
    assertThatThrownBy(() -> Tenants.load(tmp.resolve("missing.json"), JSON))
        .hasMessageContaining("cannot read tenants file");
    assertThatThrownBy(() -> load("{'tenants': "))
        .hasMessageContaining("is not valid JSON");
  }
}
