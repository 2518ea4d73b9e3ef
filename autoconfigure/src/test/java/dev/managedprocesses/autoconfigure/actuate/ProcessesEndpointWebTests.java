package dev.managedprocesses.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.autoconfigure.TestApplication;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code processes} endpoint, health indicator and meters over real HTTP, with a managed process, an
 * unmanaged child and a real zombie child of this JVM.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=processes,health",
				"management.endpoint.processes.access=unrestricted", "management.endpoint.health.show-details=always",
				"managed-processes.subreaper=false", "managed-processes.reaper.mode=never",
				"managed-processes.reaper.minimum-age=0s", "managed-processes.health.zombie-threshold=0",
				"managed-processes.grace-period=1s" })
class ProcessesEndpointWebTests {

	private final String marker = "marker-" + UUID.randomUUID();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ManagedProcessFactory factory;

	@Autowired
	private OperatingSystem os;

	@Autowired
	private MeterRegistry meters;

	private Process unmanaged;

	private ManagedProcess managed;

	private long zombie = -1;

	private boolean subreaperSet;

	@BeforeEach
	void requireLinux() {
		assumeThat(this.os.canSeeZombies()).as("needs /proc to see zombies").isTrue();
	}

	@AfterEach
	void cleanUp() {
		if (this.managed != null) {
			this.managed.kill().join();
		}
		if (this.unmanaged != null) {
			this.unmanaged.destroyForcibly();
			this.unmanaged.onExit().join();
		}
		if (this.zombie > 0) {
			this.os.reap(this.zombie);
		}
		if (this.subreaperSet) {
			this.os.setChildSubreaper(false);
		}
	}

	@Test
	void overviewShowsManagedUnmanagedAndZombieChildrenWithMaskedArguments() throws Exception {
		this.managed = this.factory.command("sh", "-c", "sleep 300; :", this.marker, "--password=hunter2").start();
		this.unmanaged = new ProcessBuilder("sh", "-c", "sleep 300; :", this.marker).start();
		this.zombie = startZombie();
		String body = get("/actuator/processes", 200);
		assertThat(body).doesNotContain("hunter2").contains("******");
		assertThat(JsonPath.<Number>read(body, "$.pid").longValue()).isEqualTo(ProcessHandle.current().pid());
		assertThat(JsonPath.<List<Boolean>>read(body, "$.live[?(@.pid == " + this.managed.pid() + ")].managed"))
			.containsExactly(true);
		assertThat(JsonPath.<List<Boolean>>read(body, "$.live[?(@.pid == " + this.unmanaged.pid() + ")].managed"))
			.containsExactly(false);
		assertThat(JsonPath.<List<Object>>read(body, "$.live[?(@.pid == " + this.zombie + ")]")).isEmpty();
		assertThat(JsonPath.<List<Object>>read(body, "$.zombies[?(@.pid == " + this.zombie + ")]")).hasSize(1);
		assertThat(JsonPath.<Boolean>read(body, "$.zombieDetection.available")).isTrue();
		assertThat(JsonPath.<String>read(body, "$.reaper.mode")).isEqualTo("never");
		String detail = get("/actuator/processes/" + this.managed.pid(), 200);
		assertThat(detail).doesNotContain("hunter2");
		assertThat(JsonPath.<String>read(detail, "$.state")).isEqualTo("RUNNING");
		assertThat(JsonPath.<List<String>>read(detail, "$.command")).containsExactly("sh", "******", "******",
				"******", "******");
		get("/actuator/processes/" + this.unmanaged.pid(), 404);
	}

	@Test
	void deleteStopsAManagedTreeAndNeverTouchesAnUnmanagedProcess() throws Exception {
		this.managed = this.factory.command("sh", "-c", "sleep 300; :", this.marker).start();
		this.unmanaged = new ProcessBuilder("sh", "-c", "sleep 300; :", this.marker).start();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.managed.descendants().isEmpty());
		List<ProcessInfo> tree = this.managed.descendants();
		assertThat(delete("/actuator/processes/" + this.unmanaged.pid())).isEqualTo(404);
		assertThat(this.unmanaged.isAlive()).isTrue();
		assertThat(delete("/actuator/processes/" + this.managed.pid())).isEqualTo(200);
		assertThat(this.managed.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS).outcome())
			.isEqualTo(ProcessOutcome.STOPPED);
		assertThat(tree).allSatisfy((member) -> assertThat(this.os.process(member.pid())
			.filter((info) -> info.startTime() == member.startTime() && info.isAlive())).isEmpty());
		assertThat(this.unmanaged.isAlive()).isTrue();
		String body = get("/actuator/processes", 200);
		assertThat(JsonPath.<List<String>>read(body, "$.recent[?(@.pid == " + this.managed.pid() + ")].type"))
			.containsExactly("managed");
		String finished = get("/actuator/processes/" + this.managed.pid(), 200);
		assertThat(JsonPath.<String>read(finished, "$.outcome")).isEqualTo("STOPPED");
		assertThat(delete("/actuator/processes/" + this.managed.pid())).isEqualTo(404);
		assertThat(delete("/actuator/processes/" + ProcessHandle.current().pid())).isEqualTo(404);
	}

	@Test
	void healthIsDownWithZombiesAboveTheThresholdAndUpAfterReaping() throws Exception {
		this.zombie = startZombie();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			String health = get("/actuator/health/processes", 503);
			assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("DOWN");
			assertThat(JsonPath.<Integer>read(health, "$.details.zombies")).isGreaterThanOrEqualTo(1);
		});
		assertThat(this.os.reap(this.zombie)).isPresent();
		this.zombie = -1;
		String health = get("/actuator/health/processes", 200);
		assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
	}

	@Test
	void metersCountStartedProcessesAndTimeFinishedOnes() throws Exception {
		double started = this.meters.get("managed.processes.started").counter().count();
		this.managed = this.factory.command("sh", "-c", "sleep 300; :", this.marker).start();
		assertThat(this.meters.get("managed.processes.started").counter().count()).isEqualTo(started + 1);
		assertThat(this.meters.get("managed.processes.live").gauge().value()).isGreaterThanOrEqualTo(1);
		this.factory.command("sh", "-c", "exit 3", this.marker).name("exits-three").run();
		assertThat(this.meters.get("managed.processes.duration")
			.tag("name", "exits-three")
			.tag("outcome", "exited")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.meters.get("managed.processes.start.failures").counter()).isNotNull();
		assertThat(this.meters.get("managed.processes.reaped").counter()).isNotNull();
		this.zombie = startZombie();
		assertThat(this.meters.get("managed.processes.zombies").gauge().value()).isGreaterThanOrEqualTo(1);
		double failures = this.meters.get("managed.processes.start.failures").counter().count();
		// an executable whose interpreter does not exist: passes validation, then execve fails
		java.nio.file.Path script = java.nio.file.Files.createTempFile("bad-interpreter", ".sh");
		try {
			java.nio.file.Files.writeString(script, "#!/nonexistent/" + this.marker + "\n");
			script.toFile().setExecutable(true);
			org.assertj.core.api.Assertions.assertThatRuntimeException()
				.isThrownBy(() -> this.factory.command(script.toString()).start());
		}
		finally {
			java.nio.file.Files.delete(script);
		}
		assertThat(this.meters.get("managed.processes.start.failures").counter().count()).isEqualTo(failures + 1);
	}

	/**
	 * A real zombie child of this JVM: with the JVM a child subreaper, the orphaned {@code sleep} is re-parented
	 * to it and, as nobody waits for it (reaper mode never), stays a zombie once it exits.
	 */
	private long startZombie() throws IOException, InterruptedException {
		assertThat(this.os.setChildSubreaper(true)).isTrue();
		this.subreaperSet = true;
		Process shell = new ProcessBuilder("sh", "-c", "sleep 0.1 & echo $!", this.marker).start();
		long pid = Long.parseLong(new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
		shell.waitFor();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.os.process(pid).map(ProcessInfo::isZombie).orElse(false));
		assertThat(this.os.process(pid).get().parentPid()).isEqualTo(ProcessHandle.current().pid());
		return pid;
	}

	private String get(String path, int status) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
		return response.body();
	}

	private int delete(String path) throws IOException, InterruptedException {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).DELETE().build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

}
