package dev.managedprocesses.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged sample app as PID 1 of a new PID namespace
 * ({@code unshare --pid --fork --mount-proc}), as in a container without an init: orphans
 * are re-parented to the JVM, the reaper reaps them, and SIGTERM to the app leaves
 * nothing of its namespace alive. Needs root.
 */
class PidNamespaceIT {

	private Process unshare;

	@BeforeEach
	void needsRoot() throws Exception {
		assumeTrue(
				Files.readAllLines(Path.of("/proc/self/status"))
					.stream()
					.anyMatch((line) -> line.matches("Uid:\\s+0\\s.*")),
				"needs root: unshare --pid --fork --mount-proc");
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.unshare != null && this.unshare.isAlive()) {
			// killing the namespace's init (the JVM) makes the kernel kill everything in
			// the namespace
			this.unshare.children().forEach(ProcessHandle::destroyForcibly);
			this.unshare.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void reapsOrphansAsPidOneAndLeavesNothingAliveAfterSigterm() throws Exception {
		Http http = start();
		long jvm = jvmHostPid();
		String namespace = PidNamespaces.namespaceOf(jvm);
		OrphanScenario.makeOrphans(http);
		OrphanScenario.assertReaped(http);
		assertThat(PidNamespaces.zombies(namespace)).isZero();

		// a live tree at shutdown: it must not survive the app
		assertThat(http.post("/jobs/stubborn").statusCode()).isEqualTo(202);
		assertThat(http.post("/jobs/orphans?count=20&seconds=600").statusCode()).isEqualTo(202);
		await().atMost(10, TimeUnit.SECONDS).until(() -> PidNamespaces.states(namespace).size() >= 1 + 2 + 20);
		ProcessHandle.of(jvm).orElseThrow().destroy();
		assertThat(this.unshare.waitFor(60, TimeUnit.SECONDS)).as("app ended").isTrue();
		assertThat(this.unshare.exitValue()).isEqualTo(143);
		assertThat(PidNamespaces.states(namespace)).isEmpty();
	}

	@Test
	void negativeControlWithoutReaperOrphansStayZombies() throws Exception {
		Http http = start("--managed-processes.reaper.mode=never");
		long jvm = jvmHostPid();
		String namespace = PidNamespaces.namespaceOf(jvm);
		OrphanScenario.makeOrphans(http);
		OrphanScenario.assertZombiesStay(http);
		assertThat(PidNamespaces.zombies(namespace)).isEqualTo(OrphanScenario.ORPHANS);
	}

	/**
	 * A supervised service whose every run leaves an orphan and fails: the service is
	 * restarted again and again, each run's orphan is re-parented to the JVM (PID 1) and
	 * reaped, and no zombie accumulates across restarts. The orphan lives until its
	 * parent, the service's root, is gone (it polls for it), so it is an orphan however
	 * slowly the machine runs.
	 */
	@Test
	void reapsTheOrphansOfAServiceAcrossItsRestarts() throws Exception {
		String orphanScript = "p=$$; sh -c \"while kill -0 $p 2>/dev/null; do sleep 0.05; done; sleep 0.2\" & exit 3";
		Http http = start("--managed-processes.services.orphaner.command[0]=sh",
				"--managed-processes.services.orphaner.command[1]=-c",
				"--managed-processes.services.orphaner.command[2]=" + orphanScript,
				"--managed-processes.services.orphaner.restart=on-failure",
				"--managed-processes.services.orphaner.restart-delay=200ms",
				"--managed-processes.services.orphaner.max-restart-delay=200ms",
				"--managed-processes.services.orphaner.max-restarts=1000",
				"--managed-processes.services.orphaner.wait-for-ready=false");
		long jvm = jvmHostPid();
		String namespace = PidNamespaces.namespaceOf(jvm);
		await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			String service = http.get("/actuator/services/orphaner").body();
			assertThat(JsonPath.<Integer>read(service, "$.restarts")).isGreaterThanOrEqualTo(5);
			String processes = http.get("/actuator/processes").body();
			assertThat(JsonPath.<Integer>read(processes, "$.reaper.reaped")).isGreaterThanOrEqualTo(5);
		});
		// restarts go on and every run's orphan is reaped: zombies never pile up while
		// the reaped count grows
		int reapedBefore = JsonPath.read(http.get("/actuator/processes").body(), "$.reaper.reaped");
		for (int i = 0; i < 10; i++) {
			assertThat(PidNamespaces.zombies(namespace)).as("zombies in the namespace").isLessThanOrEqualTo(10);
			Thread.sleep(300);
		}
		await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(
					() -> assertThat(JsonPath.<Integer>read(http.get("/actuator/processes").body(), "$.reaper.reaped"))
						.isGreaterThanOrEqualTo(reapedBefore + 3));
		String service = http.get("/actuator/services/orphaner").body();
		assertThat(JsonPath.<String>read(service, "$.state")).isIn("STARTING", "READY", "BACKING_OFF");
	}

	private Http start(String... args) throws Exception {
		int port = Http.freePort();
		List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc",
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
				System.getProperty("sample.jar"), "--server.port=" + port, "--server.address=127.0.0.1"));
		command.addAll(List.of(args));
		this.unshare = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Path.of(System.getProperty("sample.jar")).resolveSibling("pid-namespace-app.log").toFile())
			.start();
		Http http = new Http(port);
		await().atMost(90, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(http::isServing);
		return http;
	}

	private long jvmHostPid() {
		return this.unshare.children().findFirst().orElseThrow().pid();
	}

}
