package dev.managedprocesses.sample;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page at {@code /} in headless Chromium: a job started from the page appears in the
 * live table and then among the recent results. Uses Debian's chromium and chromedriver,
 * given explicitly so that Selenium Manager never tries the network.
 */
class PageBrowserIT {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	private Process app;

	private WebDriver driver;

	private Path profile;

	@BeforeEach
	void needsChromium() {
		assumeFalse(Boolean.getBoolean("e2e.browser.skip"), "browser suite skipped with -De2e.browser.skip=true");
		assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
				"needs Debian's chromium and chromium-driver (.ci/e2e-setup.sh installs them)");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.driver != null) {
			this.driver.quit();
		}
		if (this.profile != null) {
			org.springframework.util.FileSystemUtils.deleteRecursively(this.profile);
		}
		if (this.app != null) {
			this.app.destroy();
			if (!this.app.waitFor(30, TimeUnit.SECONDS)) {
				this.app.destroyForcibly();
			}
		}
	}

	@Test
	void startedJobAppearsThenFinishes() throws Exception {
		int port = Http.freePort();
		this.app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-jar", System.getProperty("sample.jar"), "--server.port=" + port, "--server.address=127.0.0.1")
			.redirectErrorStream(true)
			.redirectOutput(Path.of(System.getProperty("sample.jar")).resolveSibling("browser-app.log").toFile())
			.start();
		Http http = new Http(port);
		org.awaitility.Awaitility.await().atMost(90, TimeUnit.SECONDS).until(http::isServing);

		this.profile = Files.createTempDirectory("chromium-profile");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
				"--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
		this.driver.get("http://127.0.0.1:" + port + "/");
		// the page re-renders its tables every second: a row found a moment ago may be
		// gone, so look again
		WebDriverWait wait = new WebDriverWait(this.driver, Duration.ofSeconds(20));
		wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
		wait.until((d) -> d.findElement(By.id("facts")).getText().contains("reaper"));

		this.driver.findElement(By.cssSelector("button[data-job='thumbnail']")).click();
		String running = wait.until((d) -> d.findElements(By.cssSelector("#live tr"))
			.stream()
			.filter((row) -> row.getText().contains("thumbnail") && row.getText().contains("RUNNING"))
			.map((row) -> row.getAttribute("data-pid"))
			.findFirst()
			.orElse(null));
		assertThat(running).isNotBlank();
		String finished = wait.until((d) -> d.findElements(By.cssSelector("#recent tr[data-pid='" + running + "']"))
			.stream()
			.map((row) -> row.getText())
			.filter((text) -> text.contains("EXITED"))
			.findFirst()
			.orElse(null));
		assertThat(finished).contains("thumbnail").contains("EXITED");
		screenshotIfAsked();
	}

	/**
	 * {@code -De2e.screenshot=docs/sample-page.png} saves what the page looks like, for
	 * the README.
	 */
	private void screenshotIfAsked() throws Exception {
		String target = System.getProperty("e2e.screenshot");
		if (target != null && !target.isBlank()) {
			this.driver.findElement(By.cssSelector("button[data-job='stubborn']")).click();
			this.driver.findElement(By.cssSelector("button[data-job='orphans?count=20']")).click();
			// long enough for the orphans to exit and be reaped (minimum age 1 s)
			Thread.sleep(3500);
			byte[] png = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES);
			Files.write(Path.of(target), png);
		}
	}

}
