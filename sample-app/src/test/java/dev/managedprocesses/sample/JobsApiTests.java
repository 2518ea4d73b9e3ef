package dev.managedprocesses.sample;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.ManagedProcessFactory;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jobs API over real HTTP, with real {@code sh} and {@code sleep}: each job ends the
 * way it says it does, and bad input is refused with a message naming the parameter,
 * starting nothing.
 */
// the sample's services are off here: these tests count the factory's processes
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
		"sample.services.enabled=false", "managed-processes.services.flaky.enabled=false" })
class JobsApiTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private ManagedProcessFactory processes;

	@Test
	void badInputIsRefusedNamingTheParameterAndStartsNothing() throws Exception {
		Http http = new Http(this.port);
		int historyBefore = this.processes.history().size();
		HttpResponse<String> count = http.post("/jobs/orphans?count=0");
		assertThat(count.statusCode()).isEqualTo(400);
		assertThat(JsonPath.<String>read(count.body(), "$.error")).contains("count").contains("was 0");
		HttpResponse<String> seconds = http.post("/jobs/orphans?count=2&seconds=-1");
		assertThat(seconds.statusCode()).isEqualTo(400);
		assertThat(JsonPath.<String>read(seconds.body(), "$.error")).contains("seconds").contains("was -1.0");
		assertThat(http.delete("/jobs/999999999").statusCode()).isEqualTo(404);
		assertThat(this.processes.processes()).isEmpty();
		assertThat(this.processes.history()).hasSize(historyBefore);
	}

	@Test
	void jobsEndAsTheySay() throws Exception {
		Http http = new Http(this.port);
		long thumbnail = pid(http.post("/jobs/thumbnail"));
		long stubborn = pid(http.post("/jobs/stubborn"));
		long timeout = pid(http.post("/jobs/timeout"));
		// the stubborn job's shell ignores SIGTERM; wait until its trap is set, then stop
		// its tree
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> this.processes.find(stubborn).orElseThrow().descendants().size() == 1);
		long stubbornChild = this.processes.find(stubborn).orElseThrow().descendants().get(0).pid();
		assertThat(http.delete("/jobs/" + stubborn).statusCode()).isEqualTo(202);

		await().atMost(30, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String body = http.get("/jobs").body();
			assertThat(finished(body, thumbnail)).containsEntry("outcome", "EXITED")
				.containsEntry("exitCode", 0)
				.containsEntry("stdout", "200000 199999 199998 ");
			assertThat(finished(body, stubborn)).containsEntry("outcome", "STOPPED").containsEntry("killed", true);
			assertThat(finished(body, timeout)).containsEntry("outcome", "TIMED_OUT");
		});
		assertThat(ProcessHandle.of(stubbornChild).filter(ProcessHandle::isAlive)).as("stubborn job's child").isEmpty();
		assertThat(this.processes.processes()).isEmpty();
	}

	private static long pid(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(202);
		return JsonPath.<Number>read(response.body(), "$.pid").longValue();
	}

	private static Map<String, Object> finished(String body, long pid) {
		List<Map<String, Object>> matches = JsonPath.read(body, "$.recent[?(@.pid == " + pid + ")]");
		assertThat(matches).as("finished job " + pid).hasSize(1);
		return matches.get(0);
	}

}
