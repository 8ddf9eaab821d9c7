package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The inspector in a real headless Chromium against the shipped daemon and its mock agent: token,
 * a session, a tool turn with its permission approved, a question answered, raw JSON, the filter,
 * a network drop in the middle of the live stream, screenshots; any console error fails it.
 */
class InspectorUiIT {

  private static final String TOKEN = "inspector-secret-token";
  private static final String TOOL_PROMPT =
      "Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.";
  private static final String QUESTION_PROMPT = "Use the AskUserQuestion tool to ask exactly one yes/no question, "
      + "then wait for a reply. Do not answer yourself.";

  @TempDir Path tmp;

  private static Path program(String variable, String fallback) {
    String configured = System.getenv(variable);
    Path path = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
    return Files.isExecutable(path) ? path : null;
  }

  @Test
  void drivesAMockSessionInARealBrowser() throws Exception {
    Path chromium = program("CHROMIUM", "/usr/bin/chromium");
    Path chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver");
    if (chromium == null || chromedriver == null) {
      System.out.println("browser test skipped: no Chromium found (install Debian's chromium and chromium-driver, "
          + "or set CHROMIUM and CHROMEDRIVER)");
    }
    Assumptions.assumeTrue(chromium != null && chromedriver != null, "no Chromium or ChromeDriver");

    try (Launcher daemon = Launcher.start(tmp, TOKEN); TcpProxy proxy = new TcpProxy(daemon.base)) {
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(chromedriver.toFile())
          .usingAnyFreePort()
          .withLogFile(tmp.resolve("chromedriver.log").toFile())
          .build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")),
          "--window-size=1280,900");
      options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
      WebDriver driver = new ChromeDriver(service, options);
      try {
        run(driver, proxy);
      } finally {
        driver.quit();
        service.stop();
      }
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
