package dev.managedprocesses.autoconfigure.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.ServiceState;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /actuator/services}, the {@code services} health contributor and the metrics
 * over real HTTP, with a real service, a one-shot job depending on it and a crashing
 * service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "managed-processes.subreaper=false",
		"managed-processes.services.worker.readiness.log-line=worker up",
		"managed-processes.services.worker.output=capture", "managed-processes.services.job.command=sh,-c,exit 0",
		"managed-processes.services.job.restart=never", "managed-processes.services.job.depends-on=worker",
		"managed-processes.services.crashing.command=sh,-c,echo crashing; exit 3",
		"managed-processes.services.crashing.restart-delay=100ms", "managed-processes.services.crashing.max-restarts=1",
		"managed-processes.services.crashing.wait-for-ready=false",
		"management.endpoints.web.exposure.include=services,health,processes",
		"management.endpoint.services.access=unrestricted", "management.endpoint.health.show-details=always" })
class ServicesEndpointWebIntegrationTests {

	static final String MARKER = TestProcesses.marker();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ManagedServices services;

	@Autowired
	private MeterRegistry meterRegistry;

	@DynamicPropertySource
	static void worker(DynamicPropertyRegistry registry) {
		registry.add("managed-processes.services.worker.command",
				() -> "sh,-c,echo worker up; sleep " + MARKER + ",--password=hunter2");
	}

	@BeforeAll
	static void linux() {
		assumeTrue(TestProcesses.linux(), "needs /proc and sh");
	}

	@AfterAll
	static void cleanUp() {
		TestProcesses.killAll(MARKER);
	}

	@Test
	void listsEveryServiceWithStateProbesAndSanitizedCommand() throws Exception {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.services.find("crashing").orElseThrow().state() == ServiceState.FAILED);
		String body = get("/actuator/services").body();
		List<String> names = JsonPath.read(body, "$.services[*].name");
		assertThat(names).containsExactlyInAnyOrder("worker", "job", "crashing");
		int w = names.indexOf("worker");
		int j = names.indexOf("job");
		int c = names.indexOf("crashing");
		assertThat(w).as("dependency order").isLessThan(j);
		ManagedService worker = this.services.find("worker").orElseThrow();
		Map<String, Object> entry = JsonPath.read(body, "$.services[" + w + "]");
		assertThat(entry).containsKeys("name", "state", "pid", "restarts", "startedAt", "readySince", "lastExit",
				"dependsOn", "command", "readiness", "liveness", "outputTail");
		assertThat(entry.get("state")).isEqualTo("READY");
		assertThat(((Number) entry.get("pid")).longValue()).isEqualTo(worker.pid().orElseThrow());
		assertThat(JsonPath.<List<String>>read(body, "$.services[" + w + "].command")).containsExactly("sh", "******",
				"******", "******");
		assertThat(body).doesNotContain("hunter2");
		assertThat(JsonPath.<String>read(body, "$.services[" + w + "].readiness.probe"))
			.isEqualTo("log-line worker up");
		assertThat(JsonPath.<String>read(body, "$.services[" + w + "].readiness.lastSuccess")).isNotNull();
		assertThat(JsonPath.<List<String>>read(body, "$.services[" + w + "].outputTail")).contains("worker up");
		assertThat(JsonPath.<String>read(body, "$.services[" + j + "].state")).isEqualTo("COMPLETED");
		assertThat(JsonPath.<List<String>>read(body, "$.services[" + j + "].dependsOn")).containsExactly("worker");
		assertThat(JsonPath.<Integer>read(body, "$.services[" + j + "].lastExit.exitCode")).isZero();
		assertThat(JsonPath.<String>read(body, "$.services[" + j + "].lastExit.outcome")).isEqualTo("EXITED");
		assertThat(JsonPath.<String>read(body, "$.services[" + c + "].state")).isEqualTo("FAILED");
		assertThat(JsonPath.<Integer>read(body, "$.services[" + c + "].restarts")).isEqualTo(1);
		assertThat(JsonPath.<Integer>read(body, "$.services[" + c + "].lastExit.exitCode")).isEqualTo(3);

		HttpResponse<String> one = get("/actuator/services/worker");
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(one.body(), "$.name")).isEqualTo("worker");
		assertThat(get("/actuator/services/ghost").statusCode()).isEqualTo(404);
	}

	@Test
	void processesEndpointNamesTheServiceOfAServiceProcess() throws Exception {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.services.find("worker").orElseThrow().state() == ServiceState.READY);
		long pid = this.services.find("worker").orElseThrow().pid().orElseThrow();
		String body = get("/actuator/processes").body();
		assertThat(JsonPath.<List<Object>>read(body, "$.live[?(@.pid == " + pid + ")].service"))
			.containsExactly("worker");
		assertThat(JsonPath.<List<Object>>read(body, "$.live[?(@.pid != " + pid + ")].service"))
			.doesNotContain("worker");
		assertThat(JsonPath.<String>read(get("/actuator/processes/" + pid).body(), "$.service")).isEqualTo("worker");
	}

	@Test
	void healthHasOneComponentPerServiceAndMetricsArePublished() throws Exception {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.services.find("crashing").orElseThrow().state() == ServiceState.FAILED);
		String health = get("/actuator/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.services.components.worker.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.services.components.job.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health, "$.components.services.components.crashing.status")).isEqualTo("DOWN");
		assertThat(JsonPath.<String>read(health, "$.components.services.status")).isEqualTo("DOWN");
		assertThat(this.meterRegistry.get("managed.services.restarts")
			.tag("service", "crashing")
			.functionCounter()
			.count()).isEqualTo(1);
		assertThat(this.meterRegistry.get("managed.services.state")
			.tag("service", "worker")
			.tag("state", "READY")
			.gauge()
			.value()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.meterRegistry.find("managed.services.probe").tag("service", "worker").timer() != null);
	}

	@Test
	void operatorRestartsAService() throws Exception {
		ManagedService worker = this.services.awaitReady("worker", Duration.ofSeconds(30));
		long before = worker.pid().orElseThrow();
		int restarts = worker.restarts();
		HttpResponse<String> response = post("/actuator/services/worker", "{\"action\":\"restart\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(response.body(), "$.action")).isEqualTo("restart");
		this.services.awaitReady("worker", Duration.ofSeconds(30));
		assertThat(worker.pid().orElseThrow()).isNotEqualTo(before);
		assertThat(worker.restarts()).isEqualTo(restarts + 1);
		assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(post("/actuator/services/worker", "{\"action\":\"explode\"}").statusCode()).isEqualTo(400);
		assertThat(post("/actuator/services/ghost", "{\"action\":\"stop\"}").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
