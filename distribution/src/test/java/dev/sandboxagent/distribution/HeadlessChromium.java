package dev.sandboxagent.distribution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless Chromium driven through ChromeDriver, with its own profile in {@code dir}; the
 * test is skipped, with a printed notice, where no Chromium is installed.
 */
final class HeadlessChromium implements AutoCloseable {

  final WebDriver driver;
  private final ChromeDriverService service;

  private HeadlessChromium(WebDriver driver, ChromeDriverService service) {
    this.driver = driver;
    this.service = service;
  }

  static HeadlessChromium start(Path dir) throws Exception {
    Path chromium = program("CHROMIUM", "/usr/bin/chromium");
    Path chromedriver = program("CHROMEDRIVER", "/usr/bin/chromedriver");
    if (chromium == null || chromedriver == null) {
      System.out.println("browser test skipped: no Chromium found (install Debian's chromium and chromium-driver, "
          + "or set CHROMIUM and CHROMEDRIVER)");
    }
    Assumptions.assumeTrue(chromium != null && chromedriver != null, "no Chromium or ChromeDriver");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .withLogFile(dir.resolve("chromedriver.log").toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")),
        "--window-size=1280,900");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    try {
      return new HeadlessChromium(new ChromeDriver(service, options), service);
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
  }

  private static Path program(String variable, String fallback) {
    String configured = System.getenv(variable);
    Path path = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
    return Files.isExecutable(path) ? path : null;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
