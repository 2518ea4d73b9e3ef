package dev.managedprocesses.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.ServiceState;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's services for real: the HTTP worker started with the app's own java is
 * READY through its HTTP probe when the context is up, the report job that depends on it
 * has COMPLETED with the worker's answer, the crashing service backs off and ends FAILED,
 * and the page's restart button (the endpoint's POST) gives the worker a new process.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class SampleServicesTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private ManagedServices services;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void workerIsReadyReportCompletedAndFlakyFails() throws Exception {
		ManagedService worker = this.services.find("worker").orElseThrow();
		assertThat(worker.state()).isEqualTo(ServiceState.READY);
		ManagedService report = this.services.find("report").orElseThrow();
		assertThat(report.state()).isEqualTo(ServiceState.COMPLETED);
		assertThat(report.outputTail()).anyMatch((line) -> line.contains("\"primes\":17984"));
		ManagedService flaky = this.services.find("flaky").orElseThrow();
		await().atMost(Duration.ofSeconds(90)).until(() -> flaky.state() == ServiceState.FAILED);
		assertThat(flaky.restarts()).isEqualTo(3);
		String body = get("/actuator/services");
		assertThat(JsonPath.<Object>read(body, "$.services[?(@.name == 'flaky')].state").toString()).contains("FAILED");
		assertThat(JsonPath.<Object>read(body, "$.services[?(@.name == 'flaky')].outputTail").toString())
			.contains("flaky crashed");
	}

	@Test
	void restartButtonGivesTheWorkerANewProcess() throws Exception {
		ManagedService worker = this.services.awaitReady("worker", Duration.ofSeconds(60));
		long before = worker.pid().orElseThrow();
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/services/worker"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"restart\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		this.services.awaitReady("worker", Duration.ofSeconds(60));
		assertThat(worker.pid().orElseThrow()).isNotEqualTo(before);
		assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
	}

	private String get(String path) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
