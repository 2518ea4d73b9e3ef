package dev.managedprocesses.autoconfigure.contracts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 8: secrets stay out of logs and out of {@code /actuator/processes}. A
 * start failure that reaches Spring (an application's controller lets the
 * {@code ProcessStartException} escape, and Spring logs it at ERROR) logs neither
 * {@code --password=hunter2} nor a URL password, in lines of bounded length, even with
 * 100,000 arguments; a descendant that rewrote its argv[0]
 * ({@code exec -a "mysql --password=x"}) is sanitized like any argument with the default
 * {@code show-values=never}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "managed-processes.subreaper=false", "management.endpoints.web.exposure.include=processes",
				"management.endpoint.processes.access=unrestricted" })
@ExtendWith(OutputCaptureExtension.class)
class SecretsContractTests {

	/**
	 * Generous for a log line that names an executable and a cause (today's line is about
	 * 2 MB).
	 */
	private static final int LINE_LIMIT = 16 * 1024;

	private final String marker = TestProcesses.marker();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ManagedProcessFactory factory;

	@BeforeEach
	void linuxOnly() {
		assumeTrue(TestProcesses.linux(), "the descendant is read from /proc");
	}

	@AfterEach
	void cleanUp() {
		this.factory.processes().forEach((process) -> process.kill().join());
		TestProcesses.killAll(this.marker);
	}

	/**
	 * Issue 10 item 8: a failed start that Spring logs at ERROR carries no secret and no
	 * 2 MB line.
	 */
	@Test
	void failedStartIsLoggedWithoutSecretsInBoundedLines(CapturedOutput output) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/start-with-secrets?marker=" + this.marker))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(500);
		await().atMost(10, TimeUnit.SECONDS).until(() -> output.getAll().contains("tool-" + this.marker));
		String logged = output.getAll();
		int longest = logged.lines().mapToInt(String::length).max().orElse(0);
		// booleans, not the log itself: today's log is megabytes long
		assertThat(logged.contains("hunter2"))
			.as("the log contains --password=hunter2 (longest line %d chars)", longest)
			.isFalse();
		assertThat(logged.contains("s3cretpw")).as("the log contains the URL password").isFalse();
		assertThat(longest).as("longest log line").isLessThan(LINE_LIMIT);
	}

	/**
	 * Issue 10 item 8: argv[0] of a descendant rewritten with
	 * {@code exec -a "mysql --password=x"} is sanitized in {@code /actuator/processes}
	 * and {@code /actuator/processes/{pid}} with {@code show-values=never}.
	 */
	@Test
	void rewrittenArgvZeroOfADescendantIsSanitized() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
				"exec -a needs bash");
		ManagedProcess managed = this.factory
			.command("sh", "-c", "bash -c \"exec -a 'mysql --password=x' sleep $0\" & wait", this.marker)
			.start();
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> managed.descendants().stream().anyMatch((d) -> d.command().get(0).startsWith("mysql")));

		String list = get("/actuator/processes");
		String detail = get("/actuator/processes/" + managed.pid());
		assertThat(list).contains("\"pid\":" + managed.pid()).doesNotContain("password=x");
		assertThat(detail).contains("\"pid\":" + managed.pid()).doesNotContain("password=x");
	}

	private String get(String path) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(StartController.class)
	static class TestApplication {

	}

	/** An application's controller that lets a start failure escape to Spring. */
	@RestController
	static class StartController {

		private final ManagedProcessFactory factory;

		StartController(ManagedProcessFactory factory) {
			this.factory = factory;
		}

		@PostMapping("/start-with-secrets")
		String start(@RequestParam String marker) {
			List<String> command = new ArrayList<>();
			command.add("/nonexistent/tool-" + marker);
			command.add("--password=hunter2");
			command.add("postgres://admin:s3cretpw@db.example.com:5432/app");
			for (int i = 0; i < 100_000; i++) {
				command.add("--flag-" + i + "=value-" + i);
			}
			return this.factory.command(command).start().toString();
		}

	}

}
