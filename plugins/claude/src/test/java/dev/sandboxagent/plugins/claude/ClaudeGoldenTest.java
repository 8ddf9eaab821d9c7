package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every recorded Claude Code stream: its checked-in translation and the harness invariants. */
class ClaudeGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(new ClaudeAdapter()).tests();
  }
}
