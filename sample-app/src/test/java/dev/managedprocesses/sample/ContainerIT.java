package dev.managedprocesses.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged sample app in a container, started with {@code java -jar} as PID 1 and no
 * init in front of it, as many real images run. Uses the image
 * {@code managed-processes-base:local} (busybox and the host's JDK, built by
 * {@code .ci/e2e-setup.sh}: no registry is reachable) and host networking.
 */
class ContainerIT {

	private static final DockerImageName BASE_IMAGE = DockerImageName.parse("managed-processes-base:local");

	private GenericContainer<?> container;

	@BeforeEach
	void needsDocker() {
		assumeFalse(Boolean.getBoolean("e2e.container.skip"), "container suite skipped with -De2e.container.skip=true");
		assumeTrue(dockerAvailable(), "needs a reachable Docker engine (DOCKER_HOST); .ci/e2e-setup.sh starts one");
		assumeTrue(imageExists(), "needs the image " + BASE_IMAGE + "; .ci/e2e-setup.sh builds it");
	}

	@AfterEach
	void stop() {
		if (this.container != null) {
			this.container.stop();
		}
	}

	@Test
	void reapsOrphansAsPidOneInAContainerAndStopsCleanlyOnSigterm() throws Exception {
		Http http = start();
		assertThat(psInContainer()).contains("1 java");
		OrphanScenario.makeOrphans(http);
		OrphanScenario.assertReaped(http);
		assertThat(zombiesInContainer()).isZero();

		assertThat(http.post("/jobs/stubborn").statusCode()).isEqualTo(202);
		String id = this.container.getContainerId();
		this.container.getDockerClient().killContainerCmd(id).withSignal("TERM").exec();
		await().atMost(60, TimeUnit.SECONDS).until(() -> !state(id).getRunning());
		// the JVM handled SIGTERM and shut down (exit 143), stopping its trees on the way
		assertThat(state(id).getExitCodeLong()).isEqualTo(143L);
		assertThat(this.container.getLogs()).contains("Stopping 1 managed process trees");
	}

	@Test
	void negativeControlWithoutReaperOrphansStayZombiesInTheContainer() throws Exception {
		Http http = start("--managed-processes.reaper.mode=never");
		OrphanScenario.makeOrphans(http);
		OrphanScenario.assertZombiesStay(http);
		assertThat(zombiesInContainer()).isEqualTo(OrphanScenario.ORPHANS);
	}

	private Http start(String... args) throws Exception {
		int port = Http.freePort();
		List<String> command = new java.util.ArrayList<>(
				List.of("java", "-Xmx256m", "-jar", "/app.jar", "--server.port=" + port, "--server.address=127.0.0.1"));
		command.addAll(List.of(args));
		this.container = new GenericContainer<>(BASE_IMAGE).withImagePullPolicy((image) -> false) // built
																									// locally:
																									// no
																									// registry
																									// is
																									// reachable
			.withNetworkMode("host")
			.withCopyFileToContainer(MountableFile.forHostPath(Path.of(System.getProperty("sample.jar"))), "/app.jar")
			.withCommand(command.toArray(String[]::new))
			.waitingFor(
					Wait.forLogMessage(".*Started SampleApplication.*", 1).withStartupTimeout(Duration.ofSeconds(120)));
		this.container.start();
		Http http = new Http(port);
		await().atMost(30, TimeUnit.SECONDS).until(http::isServing);
		return http;
	}

	private String psInContainer() throws Exception {
		ExecResult ps = this.container.execInContainer("ps", "-o", "pid,comm");
		return ps.getStdout().replaceAll("[ \\t]+", " ").trim();
	}

	private long zombiesInContainer() throws Exception {
		ExecResult states = this.container.execInContainer("sh", "-c",
				"cat /proc/[0-9]*/stat 2>/dev/null | sed 's/.*) //' | cut -c1");
		return states.getStdout().lines().filter("Z"::equals).count();
	}

	private InspectContainerResponse.ContainerState state(String id) {
		return this.container.getDockerClient().inspectContainerCmd(id).exec().getState();
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	private static boolean imageExists() {
		try {
			DockerClientFactory.instance().client().inspectImageCmd(BASE_IMAGE.asCanonicalNameString()).exec();
			return true;
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
