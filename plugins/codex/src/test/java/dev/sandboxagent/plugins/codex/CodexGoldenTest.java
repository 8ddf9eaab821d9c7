package dev.sandboxagent.plugins.codex;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** The recorded {@code codex app-server} streams: checked-in translations and the invariants. */
class CodexGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(new CodexAdapter()).tests();
  }
}
