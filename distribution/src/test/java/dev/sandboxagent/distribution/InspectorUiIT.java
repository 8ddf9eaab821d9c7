package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inspector in a real headless Chromium against the shipped daemon and its mock agent: token,
 * a session, a tool turn with its permission approved, a question answered, raw JSON, the filter,
 * a network drop in the middle of the live stream, screenshots; any console error fails it. Then the
 * request log and its curl commands (run by a shell against the daemon), turn mode, a second
 * daemon reached across origins, and sessions restored by a daemon restarted on the same data.
 */
class InspectorUiIT {

  private static final String TOKEN = "inspector-secret-token";
  private static final String TOOL_PROMPT =
      "Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.";
  private static final String QUESTION_PROMPT = "Use the AskUserQuestion tool to ask exactly one yes/no question, "
      + "then wait for a reply. Do not answer yourself.";

  @TempDir Path tmp;

  @Test
  void drivesAMockSessionInARealBrowser() throws Exception {
    try (Launcher daemon = Launcher.start(tmp, TOKEN); TcpProxy proxy = new TcpProxy(daemon.base);
        HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      run(chromium.driver, proxy);
    }
  }

  private void run(WebDriver driver, TcpProxy proxy) throws Exception {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    driver.get(proxy.base() + "/ui/");

    // The token, entered once.
    WebElement tokenInput = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("token-input")));
    tokenInput.sendKeys(TOKEN);
    driver.findElement(testId("token-submit")).click();
    wait.until(ExpectedConditions.textToBe(testId("connection"), "connected (token)"));
    WebElement mock = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("agent-mock")));
    assertThat(mock.getText()).contains("mock").contains("installed").contains("build");

    // A mock session.
    WebElement id = driver.findElement(testId("create-id"));
    id.clear();
    id.sendKeys("ui-demo");
    new Select(driver.findElement(testId("create-agent"))).selectByValue("mock");
    driver.findElement(testId("create-submit")).click();
    wait.until(ExpectedConditions.textToBe(testId("session-title"), "ui-demo"));
    wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-started")));
    assertThat(driver.findElement(testId("sessions")).getText()).contains("ui-demo");

    // The tool prompt: a permission request, approved inline, then the tool call and its result.
    send(driver, TOOL_PROMPT, false);
    WebElement permission = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("permission")));
    assertThat(permission.getText()).contains("command_execution").contains("\"command\": \"ls\"");
    permission.findElement(testId("permission-once")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("[data-testid=permission] [data-testid=outcome]"), "approved"));
    assertThat(permission.findElement(testId("permission-once")).isEnabled()).isFalse();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("tool-output"), "mock search results"));
    assertThat(driver.findElement(testId("tool-arguments")).getText()).contains("\"query\": \"example\"");
    // Read once the list has settled: later events of the turn re-render it.
    wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElements(testId("file-ref")).stream()
        .map(WebElement::getText).toList().containsAll(List.of("write mock_1/output.txt", "patch mock_1/patch.txt")));

    // The network drops in the middle of the live stream: the page reconnects and resumes. The cut
    // stream is the only thing the console may report here.
    assertThat(severe(driver)).as("browser console errors before the drop").isEmpty();
    proxy.dropAll();
    wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(testId("stream-state"), "live")));
    wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
    assertThat(severe(driver)).allSatisfy(e -> assertThat(e.getMessage()).contains("/events/sse"));

    // A shorter window, so that the timeline scrolls; it follows the live events to the end.
    driver.manage().window().setSize(new Dimension(1280, 560));

    // The final message, sent from the keyboard.
    send(driver, "Reply with exactly the single word OK.", true);
    wait.until(d -> d.findElements(By.cssSelector("[data-testid=item].role-assistant.completed [data-testid=text]"))
        .stream().anyMatch(e -> e.getText().equals("OK")));

    // A question, answered with one of its options.
    send(driver, QUESTION_PROMPT, false);
    WebElement question = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("question")));
    assertThat(question.getText()).contains("Proceed?");
    question.findElements(testId("answer")).stream().filter(b -> b.getText().equals("Yes")).findFirst().orElseThrow()
        .click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("[data-testid=question] [data-testid=outcome]"), "answered: Yes"));
    // A request of two questions, one a multiple choice: every answer reaches the agent.
    send(driver, "multi-question", false);
    WebElement both = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("[data-testid=question][data-question-id$=_multi_question]")));
    assertThat(both.findElements(testId("question-field"))).extracting(WebElement::getText)
        .satisfiesExactly(
            color -> assertThat(color).contains("Color").contains("Which color?").contains("Red — Warm"),
            sizes -> assertThat(sizes).contains("Sizes").contains("Which sizes?").contains("(choose any)"));
    for (String choice : List.of("Blue", "S", "L")) {
      both.findElements(testId("answer-option")).stream().filter(o -> choice.equals(o.getAttribute("value")))
          .findFirst().orElseThrow().click();
    }
    ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});", both);
    Files.write(Path.of("target", "inspector-ui-questions.png"), both.getScreenshotAs(OutputType.BYTES));
    both.findElement(testId("answer-submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("[data-testid=question][data-question-id$=_multi_question] [data-testid=outcome]"),
        "answered: Blue; S, L"));
    wait.until(d -> d.findElements(By.cssSelector("[data-testid=item].role-assistant.completed [data-testid=text]"))
        .stream().anyMatch(e -> e.getText().equals("Answers: Color: Blue; Sizes: S, L")));
    // A turn's usage, and the session's total in the list.
    send(driver, "usage", false);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("usage"),
        "1,200 in · 80 out · 300 cached · $0.0123 · 4.2 s"));
    driver.findElement(By.id("sessions-refresh")).click();
    wait.until(d -> d.findElement(By.cssSelector(".side")).getText().contains("mock · 1,200 in · 80 out"));
    // Entries grow after they are added (deltas, outcomes): the timeline still ends at the newest.
    assertThat(scrollHeight(driver)).as("the timeline overflows").isGreaterThan(clientHeight(driver) + 100);
    wait.until(d -> distanceFromBottom(d) < 40);

    // Scrolled up by the reader, it stays where the reader is while events arrive; back down, it follows.
    ((JavascriptExecutor) driver).executeScript("const t = document.getElementById('timeline'); t.scrollTop = 0;"
        + " t.dispatchEvent(new Event('scroll'));");
    int before = replies(driver);
    send(driver, "Reply with exactly the single word OK.", false);
    wait.until(d -> replies(d) > before);
    assertThat(((Number) ((JavascriptExecutor) driver).executeScript(
        "return document.getElementById('timeline').scrollTop;")).intValue()).isZero();
    ((JavascriptExecutor) driver).executeScript("const t = document.getElementById('timeline');"
        + " t.scrollTop = t.scrollHeight; t.dispatchEvent(new Event('scroll'));");
    int more = replies(driver);
    send(driver, "Reply with exactly the single word OK.", false);
    wait.until(d -> replies(d) > more && distanceFromBottom(d) < 40);
    driver.manage().window().setSize(new Dimension(1280, 900));

    // Raw JSON, one click away.
    question.findElement(testId("raw-toggle")).click();
    WebElement raw = question.findElement(testId("raw-json"));
    wait.until(ExpectedConditions.visibilityOf(raw));
    assertThat(raw.getText()).contains("\"type\": \"question.requested\"").contains("\"question_id\"")
        .contains("\"type\": \"question.resolved\"");

    // Every event exactly once, in order, despite the drop.
    @SuppressWarnings("unchecked")
    List<Long> sequences = (List<Long>) ((JavascriptExecutor) driver).executeScript(
        "return Array.from(document.querySelectorAll('#timeline > li')).flatMap(e => e.events.map(x => x.sequence))"
            + ".sort((a, b) => a - b);");
    assertThat(sequences).isNotEmpty().doesNotHaveDuplicates();
    assertThat(sequences.get(sequences.size() - 1)).isEqualTo((long) sequences.size());

    // The filter.
    new Select(driver.findElement(testId("filter"))).selectByValue("question.requested");
    assertThat(visible(driver, "#timeline > li")).hasSize(2);
    new Select(driver.findElement(testId("filter"))).selectByValue("");
    assertThat(visible(driver, "#timeline > li")).hasSize(count(driver));

    assertThat(driver.getCurrentUrl()).doesNotContain(TOKEN);
    Path shots = Path.of("target");
    Files.write(shots.resolve("inspector-ui.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

    // A narrow window: the two columns stack.
    driver.manage().window().setSize(new Dimension(420, 900));
    wait.until(d -> d.findElement(By.cssSelector(".main")).getRect().getX()
        == d.findElement(By.cssSelector(".side")).getRect().getX());
    Files.write(shots.resolve("inspector-ui-narrow.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

    assertThat(severe(driver)).as("browser console errors").isEmpty();

    // Terminated while a permission is pending: nothing more can be sent, terminated or answered.
    driver.manage().window().setSize(new Dimension(1280, 900));
    send(driver, TOOL_PROMPT, false);
    wait.until(d -> d.findElements(testId("permission")).stream()
        .anyMatch(p -> p.findElements(testId("outcome")).isEmpty()));
    driver.findElement(testId("terminate")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-ended")));
    wait.until(d -> !d.findElement(testId("send")).isEnabled());
    assertThat(driver.findElement(testId("message")).isEnabled()).isFalse();
    assertThat(driver.findElement(testId("terminate")).isEnabled()).isFalse();
    assertThat(driver.findElements(By.cssSelector("[data-testid=permission] .actions button")))
        .isNotEmpty().noneMatch(WebElement::isEnabled);

    // A wrong token is refused with a clear message (its 401 is the only console entry it causes).
    driver.manage().window().setSize(new Dimension(1280, 900));
    driver.findElement(By.id("forget-token")).click();
    WebElement again = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("token-input")));
    again.sendKeys("not-the-token");
    driver.findElement(testId("token-submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("token-error"), "401"));
    assertThat(severe(driver)).allSatisfy(e -> assertThat(e.getMessage()).contains("/v1/agents").contains("401"));
  }

  @Test
  void logsEveryRequestAndCopiesItAsACurlCommandThatAShellRuns() throws Exception {
    try (Launcher daemon = Launcher.start(tmp, TOKEN); HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      WebDriver driver = chromium.driver;
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
      open(driver, daemon.base, TOKEN);
      createSession(driver, "logged");
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
      // Quotes, a dollar, backquotes and a newline: the shell must pass them on untouched.
      String message = "It's \"quoted\", $HOME and `date`\nsecond line";
      send(driver, message, false);

      driver.findElement(By.cssSelector("#requests-panel summary")).click();
      WebElement posted = wait.until(d -> request(d, "POST", "/v1/sessions/logged/messages"));
      wait.until(d -> posted.findElement(testId("request-status")).getText().equals("204"));
      assertThat(posted.findElement(testId("request-duration")).getText()).matches("\\d+ ms");
      assertThat(request(driver, "GET", "/v1/agents").findElement(testId("request-status")).getText()).isEqualTo("200");
      assertThat(request(driver, "POST", "/v1/sessions/logged").findElement(testId("request-status")).getText())
          .isEqualTo("200");
      assertThat(request(driver, "GET", "/v1/sessions/logged/events/sse?offset=0")).isNotNull();
      assertThat(Integer.parseInt(driver.findElement(testId("requests-count")).getText()))
          .isEqualTo(driver.findElements(testId("request")).size());

      String curl = copyAsCurl(driver, posted);
      assertThat(curl).startsWith("curl ").contains("\"Authorization: Bearer $SANDBOX_AGENT_TOKEN\"")
          .contains("'Content-Type: application/json'").doesNotContain(TOKEN);
      Files.write(Path.of("target", "inspector-ui-requests.png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

      // The copied command, run by a shell with the token in the environment, sends the same message again.
      assertThat(shell(curl + " -o /dev/null -w '%{http_code}'")).isEqualTo("204");
      wait.until(d -> userMessages(daemon, "logged").size() == 2);
      assertThat(userMessages(daemon, "logged")).containsExactly(message, message);
      // A GET's command answers what the page was answered.
      String list = shell(copyAsCurl(driver, request(driver, "GET", "/v1/sessions")));
      assertThat(Launcher.JSON.readTree(list).get("sessions").get(0).get("sessionId").asText()).isEqualTo("logged");
      // The session's creation, with its JSON body.
      assertThat(copyAsCurl(driver, request(driver, "POST", "/v1/sessions/logged")))
          .contains("-X POST").contains("--data-raw '{\"agent\":\"mock\"");
      assertThat(severe(driver)).as("browser console errors").isEmpty();
    }
  }

  @Test
  void turnModeSendsOnTheTurnStreamAndShowsItsEventsAsTheyArrive() throws Exception {
    try (Launcher daemon = Launcher.start(tmp, TOKEN); HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      WebDriver driver = chromium.driver;
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
      open(driver, daemon.base, TOKEN);
      driver.findElement(testId("turn-mode")).click();
      createSession(driver, "turns");
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "turn mode"));
      wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-started")));

      send(driver, "Reply with exactly the single word OK.", false);
      wait.until(d -> replies(d) == 1);
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "turn mode"));
      driver.findElement(By.cssSelector("#requests-panel summary")).click();
      WebElement turn = request(driver, "POST", "/v1/sessions/turns/messages/stream");
      assertThat(turn).as("the turn stream was used").isNotNull();
      assertThat(turn.findElement(testId("request-status")).getText()).isEqualTo("200");
      assertThat(copyAsCurl(driver, turn)).startsWith("curl -sS -N -X POST ")
          .contains("--data-raw '{\"message\":\"Reply with exactly the single word OK.\"}'");
      assertThat(request(driver, "POST", "/v1/sessions/turns/messages")).as("no fire-and-forget send").isNull();
      assertThat(paths(driver)).as("the session's stream is not followed").noneMatch(p -> p.contains("/events/sse"));
      // The user's message and the reply, each once.
      assertThat(driver.findElements(By.cssSelector("[data-testid=item].role-user [data-testid=text]")))
          .extracting(WebElement::getText).containsExactly("Reply with exactly the single word OK.");

      // A turn that waits for a permission: its stream ends there, and the rest follows the reply.
      send(driver, TOOL_PROMPT, false);
      WebElement permission = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("permission")));
      permission.findElement(testId("permission-once")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(testId("tool-output"), "mock search results"));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(
          By.cssSelector("[data-testid=permission] [data-testid=outcome]"), "approved"));
      assertThat(driver.findElements(By.cssSelector("#requests [data-path='/v1/sessions/turns/messages/stream']")))
          .hasSize(2);
      assertSequencesOnceEach(driver);
      Files.write(Path.of("target", "inspector-ui-turns.png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

      // Off again: the session's stream is followed from where the page is.
      driver.findElement(testId("turn-mode")).click();
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
      send(driver, "Reply with exactly the single word OK.", false);
      wait.until(d -> replies(d) == 2);
      assertThat(request(driver, "POST", "/v1/sessions/turns/messages")).isNotNull();
      assertSequencesOnceEach(driver);
      assertThat(severe(driver)).as("browser console errors").isEmpty();
    }
  }

  @Test
  void attachesImagesAndFilesToAMessage() throws Exception {
    TestAttachments files = TestAttachments.write(tmp.resolve("chosen"));
    try (Launcher daemon = Launcher.start(tmp, TOKEN); HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      WebDriver driver = chromium.driver;
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
      open(driver, daemon.base, TOKEN);
      createSession(driver, "attached");
      WebElement input = driver.findElement(testId("attach-input"));
      input.sendKeys(tmp.resolve("chosen").resolve(TestAttachments.IMAGE).toAbsolutePath() + "\n"
          + tmp.resolve("chosen").resolve(TestAttachments.FILE).toAbsolutePath());
      wait.until(d -> d.findElements(testId("attachment")).size() == 2);
      // One removed and chosen again: the list shows what goes with the next message.
      driver.findElements(testId("attachment")).get(1).findElement(By.tagName("button")).click();
      wait.until(d -> d.findElements(testId("attachment")).size() == 1);
      input.sendKeys(tmp.resolve("chosen").resolve(TestAttachments.FILE).toAbsolutePath().toString());
      wait.until(d -> d.findElements(testId("attachment")).size() == 2);
      assertThat(driver.findElements(testId("attachment"))).extracting(WebElement::getText)
          .containsExactly("image\npixel.png\n×", "file\nnotes.txt\n×");

      send(driver, "echo seen", false);
      wait.until(d -> d.findElements(testId("attachment")).isEmpty());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#timeline"), "Received 2 attachments"));
      String described = daemon.events("attached").toString();
      assertThat(described).contains("{\"type\":\"image\",\"path\":\"pixel.png\",\"mime\":\"image/png\"}")
          .contains("- image pixel.png (image/png, " + files.png.length + " bytes")
          .contains("- file notes.txt (text/plain, ");
      assertThat(driver.findElement(By.cssSelector("#timeline")).getText()).contains("image pixel.png (image/png)")
          .contains("read notes.txt");
      assertThat(severe(driver)).as("browser console errors").isEmpty();
      Files.write(Path.of("target", "inspector-ui-attachments.png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
  }

  @Test
  void connectsToAnotherDaemonByItsUrlAndRemembersIt() throws Exception {
    Path one = Files.createDirectories(tmp.resolve("one"));
    Path two = Files.createDirectories(tmp.resolve("two"));
    try (Launcher home = Launcher.start(one, TOKEN); HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      // The other daemon lets this page's origin in with the headers the inspector sends.
      List<String> cors = List.of("--cors-allow-origin", home.base, "--cors-allow-header", "authorization",
          "--cors-allow-header", "content-type", "--cors-allow-header", "last-event-id",
          "--cors-allow-header", "prefer");
      try (Launcher other = Launcher.start(two, "other-token", cors, Map.of())) {
        assertThat(other.post("/v1/sessions/elsewhere", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
        assertThat(other.post("/v1/sessions/elsewhere/messages", "{\"message\":\"Reply with exactly the single word OK.\"}")
            .statusCode()).isEqualTo(204);
        WebDriver driver = chromium.driver;
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        open(driver, home.base, TOKEN);
        createSession(driver, "at-home");
        assertThat(driver.findElement(testId("endpoint")).getText()).isEqualTo("this daemon");

        driver.findElement(testId("change-endpoint")).click();
        WebElement base = wait.until(ExpectedConditions.visibilityOfElementLocated(testId("base-input")));
        assertThat(base.getAttribute("value")).isEqualTo(home.base + "/");
        base.clear();
        base.sendKeys(other.base);
        driver.findElement(testId("token-input")).sendKeys("other-token");
        Files.write(Path.of("target", "inspector-ui-connect.png"),
            ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        driver.findElement(testId("token-submit")).click();

        // Everything is the other daemon's now: its sessions, its live timeline, the log's URLs.
        wait.until(ExpectedConditions.textToBe(testId("endpoint"), other.base + "/"));
        wait.until(ExpectedConditions.textToBe(testId("connection"), "connected (token)"));
        WebElement listed = wait.until(ExpectedConditions.elementToBeClickable(testId("session-elsewhere")));
        assertThat(driver.findElement(testId("sessions")).getText()).doesNotContain("at-home");
        assertThat(driver.findElement(testId("timeline")).findElements(By.tagName("li"))).isEmpty();
        listed.click();
        wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
        wait.until(d -> replies(d) == 1);
        send(driver, "Reply with exactly the single word OK.", false);
        wait.until(d -> replies(d) == 2);
        driver.findElement(By.cssSelector("#requests-panel summary")).click();
        assertThat(copyAsCurl(driver, request(driver, "POST", "/v1/sessions/elsewhere/messages")))
            .contains("'" + other.base + "/v1/sessions/elsewhere/messages'");

        // A reload keeps the chosen daemon and its token.
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(testId("connection"), "connected (token)"));
        assertThat(driver.findElement(By.id("token-panel")).isDisplayed()).isFalse();
        assertThat(driver.findElement(testId("endpoint")).getText()).isEqualTo(other.base + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-elsewhere")));

        // Back to the daemon that served the page.
        driver.findElement(testId("change-endpoint")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("base-default"))).click();
        driver.findElement(testId("token-input")).sendKeys(TOKEN);
        driver.findElement(testId("token-submit")).click();
        wait.until(ExpectedConditions.textToBe(testId("endpoint"), "this daemon"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-at-home")));
        assertThat(driver.findElements(testId("session-elsewhere"))).isEmpty();
        assertThat(severe(driver)).as("browser console errors").isEmpty();
      }
    }
  }

  @Test
  void showsTheSessionsOfADaemonRestartedOnTheSameDataAndMarksTheResumedOnes() throws Exception {
    Launcher daemon = Launcher.start(tmp, TOKEN);
    try (HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      WebDriver driver = chromium.driver;
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
      open(driver, daemon.base, TOKEN);
      createSession(driver, "finished");
      wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-started")));
      driver.findElement(testId("terminate")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-ended")));
      createSession(driver, "kept");
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));
      send(driver, "Reply with exactly the single word OK.", false);
      wait.until(d -> replies(d) == 1);
      assertThat(driver.findElement(testId("sessions")).getText()).doesNotContain("restored");

      // The daemon restarts on the same data directory and port while the page follows "kept".
      daemon = daemon.restart();
      driver.findElement(By.id("sessions-refresh")).click();
      wait.ignoring(StaleElementReferenceException.class)
          .until(d -> d.findElement(testId("session-kept")).getText().contains("restored"));
      assertThat(driver.findElement(testId("session-finished")).getText()).contains("ended").contains("restored");
      assertThat(driver.findElement(testId("session-kept")).getText()).doesNotContain("ended").doesNotContain("resumed");
      wait.until(ExpectedConditions.textToBe(testId("stream-state"), "live"));

      // The running session's next message reopens its agent: the timeline and the list say so.
      send(driver, "Reply with exactly the single word OK.", false);
      WebElement resumed = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".entry.resumed")));
      assertThat(resumed.getText()).contains("resumed after a daemon restart").contains("the daemon restarted");
      wait.until(d -> replies(d) == 2);
      driver.findElement(By.id("sessions-refresh")).click();
      wait.ignoring(StaleElementReferenceException.class)
          .until(d -> d.findElement(testId("session-kept")).getText().contains("resumed"));
      assertThat(driver.findElement(testId("session-finished")).getText()).doesNotContain("resumed");
      assertSequencesOnceEach(driver);

      // Loaded afresh, a restored session shows its stored log.
      driver.navigate().refresh();
      wait.until(ExpectedConditions.elementToBeClickable(testId("session-kept"))).click();
      wait.until(d -> replies(d) == 2);
      assertThat(driver.findElement(testId("session-meta")).getText()).contains("restored").contains("resumed");
      assertThat(driver.findElements(By.cssSelector(".entry.resumed"))).hasSize(1);
      Files.write(Path.of("target", "inspector-ui-restored.png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      // The ended one: its stored events up to its end, and nothing more to send.
      driver.findElement(testId("session-finished")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(testId("session-ended")));
      assertThat(driver.findElement(testId("session-started")).isDisplayed()).isTrue();
      wait.until(d -> !d.findElement(testId("send")).isEnabled());
      assertThat(driver.findElement(testId("terminate")).isEnabled()).isFalse();
      // Only the restart's cut stream and its refused reconnections reach the console.
      assertThat(severe(driver)).allSatisfy(e -> assertThat(e.getMessage()).contains("/events/sse"));
    } finally {
      daemon.close();
    }
  }

  /** Opens the inspector served by {@code base} and connects with the token. */
  private static void open(WebDriver driver, String base, String token) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    driver.get(base + "/ui/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(testId("token-input"))).sendKeys(token);
    driver.findElement(testId("token-submit")).click();
    wait.until(ExpectedConditions.textToBe(testId("connection"), "connected (token)"));
  }

  /** Creates a mock session from the form and waits until it is selected. */
  private static void createSession(WebDriver driver, String id) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    wait.until(ExpectedConditions.visibilityOfElementLocated(testId("agent-mock")));
    WebElement field = driver.findElement(testId("create-id"));
    field.clear();
    field.sendKeys(id);
    new Select(driver.findElement(testId("create-agent"))).selectByValue("mock");
    driver.findElement(testId("create-submit")).click();
    wait.until(ExpectedConditions.textToBe(testId("session-title"), id));
  }

  /** The newest logged request of this method and path (with its query), or null. */
  private static WebElement request(WebDriver driver, String method, String path) {
    return driver.findElements(testId("request")).stream()
        .filter(r -> method.equals(r.getAttribute("data-method")) && path.equals(r.getAttribute("data-path")))
        .findFirst().orElse(null);
  }

  private static List<String> paths(WebDriver driver) {
    return driver.findElements(testId("request")).stream().map(r -> r.getAttribute("data-path")).toList();
  }

  /** Clicks the row's "copy as curl" and returns the command it shows. */
  private static String copyAsCurl(WebDriver driver, WebElement row) {
    row.findElement(testId("copy-curl")).click();
    WebElement curl = new WebDriverWait(driver, Duration.ofSeconds(5))
        .until(ExpectedConditions.visibilityOf(row.findElement(testId("curl"))));
    return curl.getText();
  }

  /** Runs a command line in bash with the token in SANDBOX_AGENT_TOKEN; returns its standard output. */
  private String shell(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectError(tmp.resolve("shell.err").toFile());
    pb.environment().put("SANDBOX_AGENT_TOKEN", TOKEN);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, Files.readString(tmp.resolve("shell.err"))).isZero();
    return out;
  }

  /** The texts of the user messages the daemon recorded in the session. */
  private static List<String> userMessages(Launcher daemon, String session) {
    List<String> texts = new java.util.ArrayList<>();
    for (JsonNode e : daemon.events(session)) {
      JsonNode item = e.path("data").path("item");
      if (e.get("type").asText().equals("item.completed") && item.path("role").asText().equals("user")) {
        texts.add(item.path("content").path(0).path("text").asText());
      }
    }
    return texts;
  }

  /** Every event of the timeline exactly once, from 1 on without a gap. */
  private static void assertSequencesOnceEach(WebDriver driver) {
    @SuppressWarnings("unchecked")
    List<Long> sequences = (List<Long>) ((JavascriptExecutor) driver).executeScript(
        "return Array.from(document.querySelectorAll('#timeline > li')).flatMap(e => e.events.map(x => x.sequence))"
            + ".sort((a, b) => a - b);");
    assertThat(sequences).isNotEmpty().doesNotHaveDuplicates();
    assertThat(sequences.get(sequences.size() - 1)).isEqualTo((long) sequences.size());
  }

  /** How many replies "OK" the timeline shows, complete. */
  private static int replies(WebDriver driver) {
    return (int) driver.findElements(By.cssSelector("[data-testid=item].role-assistant.completed [data-testid=text]"))
        .stream().filter(e -> e.getText().equals("OK")).count();
  }

  private static long distanceFromBottom(WebDriver driver) {
    return ((Number) ((JavascriptExecutor) driver).executeScript("const t = document.getElementById('timeline');"
        + " return t.scrollHeight - t.scrollTop - t.clientHeight;")).longValue();
  }

  private static long scrollHeight(WebDriver driver) {
    return ((Number) ((JavascriptExecutor) driver).executeScript(
        "return document.getElementById('timeline').scrollHeight;")).longValue();
  }

  private static long clientHeight(WebDriver driver) {
    return ((Number) ((JavascriptExecutor) driver).executeScript(
        "return document.getElementById('timeline').clientHeight;")).longValue();
  }

  private static By testId(String id) {
    return By.cssSelector("[data-testid='" + id + "']");
  }

  private static void send(WebDriver driver, String text, boolean keyboard) {
    WebElement message = driver.findElement(testId("message"));
    message.sendKeys(text);
    if (keyboard) {
      message.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    } else {
      driver.findElement(testId("send")).click();
    }
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> message.getAttribute("value").isEmpty());
  }

  private static List<WebElement> visible(WebDriver driver, String css) {
    return driver.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).toList();
  }

  private static int count(WebDriver driver) {
    return driver.findElements(By.cssSelector("#timeline > li")).size();
  }

  private static List<LogEntry> severe(WebDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
  }
}
