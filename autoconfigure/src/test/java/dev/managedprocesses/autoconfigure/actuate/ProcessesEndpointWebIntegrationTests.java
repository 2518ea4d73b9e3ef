package dev.managedprocesses.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessState;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /actuator/processes} and {@code /actuator/health} over real HTTP, with a managed
 * process, an unmanaged child started with plain {@link ProcessBuilder}, and a real
 * zombie child of this JVM (an orphan re-parented to it as child subreaper, with the
 * reaper off).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "managed-processes.subreaper=true", "managed-processes.reaper.mode=never",
				"managed-processes.reaper.sweep-interval=100ms",
				"management.endpoints.web.exposure.include=processes,health",
				"management.endpoint.processes.access=unrestricted", "management.endpoint.health.show-details=always" })
class ProcessesEndpointWebIntegrationTests {

	private static final OperatingSystem os = OperatingSystem.current();

	private final String marker = TestProcesses.marker();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ManagedProcessFactory factory;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private ProcessesEndpoint endpoint;

	@Autowired
	private EndpointJsonMapper endpointJsonMapper;

	private Process unmanaged;

	@BeforeAll
	static void needsLinux() {
		assumeTrue(os.canReap(), "zombies and the subreaper need Linux with /proc and JNA");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.unmanaged != null) {
			this.unmanaged.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.factory.processes().forEach((process) -> process.kill().join());
		reapZombies();
		TestProcesses.killAll(this.marker);
	}

	@AfterAll
	static void subreaperOff() {
		os.setChildSubreaper(false);
	}

	@Test
	void listsManagedUnmanagedAndZombieChildren() throws Exception {
		ManagedProcess managed = this.factory
			.command("sh", "-c", "sleep " + this.marker + " & wait", "--password=hunter2")
			.name("managed-one")
			.start();
		this.unmanaged = new ProcessBuilder("sleep", this.marker).start();
		long zombie = makeZombie();
		await().atMost(5, TimeUnit.SECONDS).until(() -> managed.descendants().size() == 1);

		String body = get("/actuator/processes").body();
		assertThat(JsonPath.<Integer>read(body, "$.pid")).isEqualTo((int) os.currentPid());
		assertThat(JsonPath.<Boolean>read(body, "$.subreaper")).isTrue();
		assertThat(JsonPath.<Boolean>read(body, "$.zombieDetection")).isTrue();
		assertThat(JsonPath.<String>read(body, "$.reaper.mode")).isEqualTo("never");
		List<String> managedNames = JsonPath.read(body, "$.live[?(@.pid == " + managed.pid() + ")].name");
		assertThat(managedNames).containsExactly("managed-one");
		List<Boolean> managedFlags = JsonPath.read(body, "$.live[?(@.pid == " + managed.pid() + ")].managed");
		assertThat(managedFlags).containsExactly(true);
		List<List<Object>> descendants = JsonPath.read(body, "$.live[?(@.pid == " + managed.pid() + ")].descendants");
		assertThat(descendants.get(0)).hasSize(1);
		List<Boolean> unmanagedFlags = JsonPath.read(body, "$.live[?(@.pid == " + this.unmanaged.pid() + ")].managed");
		assertThat(unmanagedFlags).containsExactly(false);
		List<Integer> zombies = JsonPath.read(body, "$.zombies[*].pid");
		assertThat(zombies).contains((int) zombie);
		List<Integer> liveAndZombie = JsonPath.read(body, "$.live[?(@.pid == " + zombie + ")].pid");
		assertThat(liveAndZombie).isEmpty();

		// default show-values=never: arguments after the executable are masked
		assertThat(body).doesNotContain("hunter2").doesNotContain(this.marker).contains("******");
		List<List<String>> command = JsonPath.read(body, "$.live[?(@.pid == " + managed.pid() + ")].command");
		assertThat(command.get(0)).containsExactly("sh", "******", "******", "******");
	}

	@Test
	void answersTheActuatorMappersDocumentSharedByCallersAndListsAStartedProcessAtOnce() throws Exception {
		ManagedProcess managed = this.factory.command("sleep", this.marker).name("fresh").start();
		// no wait: a started managed process is in the very next answer
		HttpResponse<String> response = get("/actuator/processes");
		String body = response.body();
		assertThat(JsonPath.<List<String>>read(body, "$.live[?(@.pid == " + managed.pid() + ")].name"))
			.containsExactly("fresh");
		assertThat(this.endpoint.describeForWeb(false)).as("serialized ahead").isInstanceOf(byte[].class);
		// written as they are: the actuator's media type, and a length instead of chunks
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		assertThat(response.headers().firstValueAsLong("Content-Length"))
			.hasValue(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
		// callers of one overview get the same bytes, exactly what the actuator's mapper
		// writes for the descriptor (retried: a background refresh may come between)
		await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
			String first = get("/actuator/processes").body();
			String second = get("/actuator/processes").body();
			String expected = this.endpointJsonMapper.get().writeValueAsString(this.endpoint.describe(false));
			assertThat(second).isEqualTo(first).isEqualTo(expected);
		});
	}

	@Test
	void liveEntriesAndDescendantsCarryResourcesAndManagedEntriesTheirTreeSums() throws Exception {
		ManagedProcess managed = this.factory.command("sh", "-c", "sleep " + this.marker + " & wait").start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> managed.descendants().size() == 1);
		String body = await().atMost(10, TimeUnit.SECONDS)
			.until(() -> get("/actuator/processes").body(),
					(json) -> JsonPath
						.<List<Object>>read(json, "$.live[?(@.pid == " + managed.pid() + ")].descendants[*]")
						.size() == 1);
		String entry = "$.live[?(@.pid == " + managed.pid() + ")]";
		List<String> keys = List.of("cpuMillis", "cpuPercent", "rssBytes", "threads", "openFiles");
		List<java.util.Map<String, Object>> resources = JsonPath.read(body, entry + ".resources");
		List<java.util.Map<String, Object>> tree = JsonPath.read(body, entry + ".treeResources");
		List<java.util.Map<String, Object>> descendant = JsonPath.read(body, entry + ".descendants[0].resources");
		assertThat(resources.get(0)).containsOnlyKeys(keys);
		assertThat(tree.get(0)).containsOnlyKeys(keys);
		assertThat(descendant.get(0)).containsOnlyKeys(keys);
		assertThat(((Number) resources.get(0).get("rssBytes")).longValue()).isPositive();
		assertThat(((Number) resources.get(0).get("threads")).intValue()).isEqualTo(1);
		// the tree is sh and its sleep: the sums are theirs
		for (String key : List.of("cpuMillis", "rssBytes", "threads", "openFiles")) {
			assertThat(((Number) tree.get(0).get(key)).longValue()).as(key)
				.isEqualTo(((Number) resources.get(0).get(key)).longValue()
						+ ((Number) descendant.get(0).get(key)).longValue());
		}
		List<Object> service = JsonPath.read(body, entry + ".service");
		assertThat(service).containsExactly((Object) null);
		String detail = get("/actuator/processes/" + managed.pid()).body();
		assertThat(JsonPath.<java.util.Map<String, Object>>read(detail, "$.resources")).containsOnlyKeys(keys);
		assertThat(JsonPath.<java.util.Map<String, Object>>read(detail, "$.treeResources")).containsOnlyKeys(keys);
	}

	@Test
	void showsOneManagedProcessAndAnswers404ForOthers() throws Exception {
		ManagedProcess managed = this.factory.command("sleep", this.marker).name("detailed").start();
		this.unmanaged = new ProcessBuilder("sleep", this.marker).start();
		HttpResponse<String> detail = get("/actuator/processes/" + managed.pid());
		assertThat(detail.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(detail.body(), "$.name")).isEqualTo("detailed");
		assertThat(JsonPath.<String>read(detail.body(), "$.state")).isEqualTo("RUNNING");
		assertThat(get("/actuator/processes/" + this.unmanaged.pid()).statusCode()).isEqualTo(404);
		assertThat(get("/actuator/processes/999999999").statusCode()).isEqualTo(404);
		managed.kill().join();
		// finished: still described, from the history
		HttpResponse<String> finished = get("/actuator/processes/" + managed.pid());
		assertThat(finished.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(finished.body(), "$.result.outcome")).isEqualTo("STOPPED");
		assertThat(JsonPath.<Integer>read(finished.body(), "$.result.exitCode")).isEqualTo(137);
	}

	@Test
	void deleteStopsAManagedTreeAndNeverTouchesOthers() throws Exception {
		ManagedProcess managed = this.factory
			.command("sh", "-c", "sleep " + this.marker + " & sleep " + this.marker + " & wait")
			.start();
		this.unmanaged = new ProcessBuilder("sleep", this.marker).start();
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 4);

		HttpResponse<String> stopped = delete("/actuator/processes/" + managed.pid());
		assertThat(stopped.statusCode()).isEqualTo(202);
		assertThat(managed.onExit().get(10, TimeUnit.SECONDS).outcome().name()).isEqualTo("STOPPED");
		assertThat(managed.state()).isEqualTo(ProcessState.STOPPED);
		assertThat(TestProcesses.alive(this.marker)).containsExactly(this.unmanaged.pid());

		assertThat(delete("/actuator/processes/" + this.unmanaged.pid()).statusCode()).isEqualTo(404);
		assertThat(this.unmanaged.isAlive()).isTrue();
	}

	@Test
	void healthIsDownWhileZombiesStayAboveThresholdAndUpAfterReaping() throws Exception {
		assertThat(JsonPath.<String>read(get("/actuator/health").body(), "$.components.processes.status"))
			.isEqualTo("UP");
		makeZombie();
		await().atMost(10, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String health = get("/actuator/health").body();
			assertThat(JsonPath.<String>read(health, "$.components.processes.status")).isEqualTo("DOWN");
			assertThat(JsonPath.<Integer>read(health, "$.components.processes.details.zombies"))
				.isGreaterThanOrEqualTo(1);
		});
		reapZombies();
		String health = get("/actuator/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.processes.status")).isEqualTo("UP");
		assertThat(JsonPath.<Integer>read(health, "$.components.processes.details.zombies")).isZero();
	}

	@Test
	void metersCountProcesses() throws Exception {
		double startedBefore = this.meterRegistry.get("managed.processes.started").counter().count();
		this.factory.command("sh", "-c", "exit 3").name("metered").run();
		// listeners (and so the meters) hear of it on the callback executor, after run()
		// returned
		await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
			assertThat(this.meterRegistry.get("managed.processes.started").counter().count())
				.isEqualTo(startedBefore + 1);
			assertThat(this.meterRegistry.find("managed.processes.duration")
				.tag("name", "metered")
				.tag("outcome", "EXITED")
				.timer()).isNotNull();
		});
		assertThat(this.meterRegistry.get("managed.processes.duration")
			.tag("name", "metered")
			.tag("outcome", "EXITED")
			.timer()
			.count()).isEqualTo(1);
		ManagedProcess sleeper = this.factory.command("sleep", this.marker).start();
		assertThat(this.meterRegistry.get("managed.processes.live").gauge().value()).isEqualTo(1);
		// resource gauges by name only: the sleeper's tree has resident memory and a CPU
		// time gauge
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> this.meterRegistry.find("managed.processes.memory.rss").tag("name", "sleep").gauge() != null);
		assertThat(this.meterRegistry.get("managed.processes.memory.rss").tag("name", "sleep").gauge().value())
			.isPositive();
		assertThat(
				this.meterRegistry.get("managed.processes.cpu.time").tag("name", "sleep").timeGauge().getId().getTags())
			.extracting(io.micrometer.core.instrument.Tag::getKey)
			.containsExactly("name");
		makeZombie();
		assertThat(this.meterRegistry.get("managed.processes.zombies").gauge().value()).isGreaterThanOrEqualTo(1);
		sleeper.kill().join();
		assertThat(this.meterRegistry.get("managed.processes.live").gauge().value()).isZero();
		// the reaper is off here (mode never): it reaped nothing, and the counter says so
		assertThat(this.meterRegistry.get("managed.processes.reaped").functionCounter().count()).isZero();
		double failuresBefore = this.meterRegistry.get("managed.processes.start.failures").counter().count();
		// executable, so it passes the factory's checks, but execve fails on its missing
		// interpreter
		java.nio.file.Path script = java.nio.file.Files.createTempFile("missing-interpreter", ".sh");
		try {
			java.nio.file.Files.writeString(script, "#!/nonexistent/interpreter-" + this.marker + "\n");
			assertThat(script.toFile().setExecutable(true)).isTrue();
			org.assertj.core.api.Assertions.assertThatRuntimeException()
				.isThrownBy(() -> this.factory.command(script.toString()).start());
		}
		finally {
			java.nio.file.Files.delete(script);
		}
		assertThat(this.meterRegistry.get("managed.processes.start.failures").counter().count())
			.isEqualTo(failuresBefore + 1);
		assertThat(this.meterRegistry.get("managed.processes.live").gauge().value()).isZero();
	}

	/**
	 * A real zombie child of this JVM: an orphan re-parented to it (subreaper) that
	 * exits, unreaped.
	 */
	private long makeZombie() throws Exception {
		Process shell = new ProcessBuilder("sh", "-c", "sleep 0.2 & echo $!").start();
		long orphan = Long.parseLong(new String(shell.getInputStream().readAllBytes()).trim());
		shell.waitFor();
		await().atMost(5, TimeUnit.SECONDS).until(() -> os.process(orphan).map(ProcessInfo::isZombie).orElse(false));
		return orphan;
	}

	/**
	 * Cleanup: every java.lang.Process of these tests has been waited for, so zombies
	 * left are orphans.
	 */
	private static void reapZombies() {
		for (ProcessInfo child : ProcessTable.read(os).children(os.currentPid())) {
			if (child.isZombie()) {
				os.reap(child.pid());
			}
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> delete(String path) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
