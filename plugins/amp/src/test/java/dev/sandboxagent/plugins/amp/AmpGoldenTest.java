package dev.sandboxagent.plugins.amp;

import dev.sandboxagent.testkit.GoldenFiles;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Hand-written Amp streams (see src/test/resources/native/README.md): goldens and invariants. */
class AmpGoldenTest {

  @TestFactory
  Stream<DynamicNode> goldenFiles() {
    return GoldenFiles.forAdapter(new AmpAdapter()).tests();
  }
}
