package dev.sandboxagent.distribution;

/**
 * The prompts the fake model servers answer with a call to the agent's shell tool, and the command
 * each one asks for (the fixtures' scripted replies, plus a command that runs until stopped).
 */
final class ScriptedPrompts {

  static final String ECHO = "Run the shell command echo hi and tell me what it printed.";
  static final String TOUCH = "Create the empty file created-by-agent.txt with touch.";
  /**
   * The process of {@link #SLEEP_COMMAND}: it runs far longer than any test waits, so a terminate
   * always finds it running.
   */
  static final String SLEEP_PROCESS = "sleep 271";
  /** After an {@code echo}, since Claude Code refuses to run a standalone {@code sleep}. */
  static final String SLEEP_COMMAND = "echo started && " + SLEEP_PROCESS;
  static final String SLEEP = "Run the shell command sleep 271 and tell me what it printed.";
  /** Answered with one call of a question tool asking two questions: a color, then sizes (several). */
  static final String TWO_QUESTIONS = "Ask me which color and which sizes I want.";

  private ScriptedPrompts() {}

  /** The shell command {@code prompt} asks for, or null for a prompt answered with text only. */
  static String command(String prompt) {
    if (prompt.contains("Run the shell command echo hi")) {
      return "echo hi";
    }
    if (prompt.contains("Create the empty file created-by-agent.txt with touch")) {
      return "touch created-by-agent.txt";
    }
    if (prompt.contains("Run the shell command sleep 271")) {
      return SLEEP_COMMAND;
    }
    return null;
  }
}
