package dev.managedprocesses.sample;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The end-to-end scenario shared by the PID-namespace and container suites: over HTTP,
 * make the app (PID 1) leave orphans behind, and watch what becomes of them through
 * {@code /actuator/processes}.
 */
final class OrphanScenario {

	static final int ORPHANS = 200;

	static final int ORPHAN_SECONDS = 5;

	private OrphanScenario() {
	}

	/**
	 * Starts the orphans and waits until the endpoint lists them as live unmanaged
	 * children of PID 1. The job's helpers start their sleep only once all of them exist,
	 * so the window to see them all is the full {@value #ORPHAN_SECONDS} seconds however
	 * slowly the machine forks.
	 */
	static void makeOrphans(Http http) throws Exception {
		HttpResponse<String> started = http.post("/jobs/orphans?count=" + ORPHANS + "&seconds=" + ORPHAN_SECONDS);
		assertThat(started.statusCode()).isEqualTo(202);
		await().atMost(20, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String body = http.get("/actuator/processes").body();
			assertThat(JsonPath.<Boolean>read(body, "$.pid1")).isTrue();
			List<Object> adopted = JsonPath.read(body, "$.live[?(@.managed == false && @.command[0] == 'sleep')]");
			assertThat(adopted).hasSize(ORPHANS);
		});
	}

	/**
	 * With the reaper on: zombies reach 0 and the endpoint counts every orphan as reaped.
	 */
	static void assertReaped(Http http) {
		await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String body = http.get("/actuator/processes").body();
			assertThat(JsonPath.<Integer>read(body, "$.reaper.reaped")).isGreaterThanOrEqualTo(ORPHANS);
			assertThat(JsonPath.<List<Object>>read(body, "$.zombies")).isEmpty();
			assertThat(JsonPath.<List<Object>>read(body, "$.live[?(@.managed == false)]")).isEmpty();
			List<Object> orphans = JsonPath.read(body, "$.recent[?(@.type == 'orphan')]");
			assertThat(orphans).isNotEmpty();
		});
	}

	/**
	 * With the reaper off: every orphan stays a zombie of PID 1, and the endpoint shows
	 * them.
	 */
	static void assertZombiesStay(Http http) throws Exception {
		await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String body = http.get("/actuator/processes").body();
			assertThat(JsonPath.<List<Object>>read(body, "$.zombies")).hasSize(ORPHANS);
		});
		String body = http.get("/actuator/processes").body();
		assertThat(JsonPath.<Integer>read(body, "$.reaper.reaped")).isZero();
		assertThat(JsonPath.<Boolean>read(body, "$.reaper.active")).isFalse();
		String health = http.get("/actuator/health").body();
		assertThat(JsonPath.<String>read(health, "$.components.processes.status")).isEqualTo("DOWN");
	}

}
