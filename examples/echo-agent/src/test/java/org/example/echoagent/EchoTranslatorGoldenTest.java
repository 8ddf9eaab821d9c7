package org.example.echoagent;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The recorded output of the real program (src/test/resources/native) against checked-in
 * translations (src/test/resources/golden), with the test kit's invariants; regenerate them after a
 * deliberate change with {@code -Dgolden.update=true}.
 */
class EchoTranslatorGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(new EchoAgentAdapter()).tests();
  }
}
