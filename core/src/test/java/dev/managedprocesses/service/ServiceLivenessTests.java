package dev.managedprocesses.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.managedprocesses.service.ServiceTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A liveness probe failing failure-threshold times in a row stops the whole tree
 * (grandchildren included) and starts a new one.
 */
class ServiceLivenessTests {

	@TempDir
	Path dir;

	@BeforeEach
	void linux() {
		assumeThat(TestProcesses.linux()).as("needs /proc and sh").isTrue();
	}

	@Test
	void failingLivenessRestartsTheWholeTree() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path unhealthy = this.dir.resolve("unhealthy");
			// sh -> sh -> sleep: the sleep is a grandchild of the service's process
			String tree = "sh -c 'sleep " + support.marker + " & wait' & wait";
			ManagedServices services = support.supervise(ServiceDefinition.builder("tree")
				.command(support.sh(tree))
				.liveness(Probe.exec("sh", "-c", "test ! -f " + unhealthy))
				.livenessInterval(Duration.ofMillis(200))
				.livenessFailureThreshold(2)
				.gracePeriod(Duration.ofSeconds(1))
				.build());
			services.startAll();
			ManagedService service = services.awaitReady("tree", Duration.ofSeconds(30));
			await().until(() -> support.alive().size() >= 3);
			List<Long> oldTree = support.alive();
			long oldPid = service.pid().orElseThrow();
			assertThat(oldTree).contains(oldPid);
			await().until(() -> service.liveness().orElseThrow().lastSuccess().isPresent());
			Files.createFile(unhealthy);
			await().until(() -> service.restarts() == 1);
			Files.delete(unhealthy);
			services.awaitReady("tree", Duration.ofSeconds(30));
			assertThat(service.pid().orElseThrow()).isNotEqualTo(oldPid);
			assertThat(support.alive()).doesNotContainAnyElementsOf(oldTree);
			assertThat(service.liveness().orElseThrow().lastFailureMessage().orElseThrow()).contains("exit code 1");
			await().until(() -> support.alive().size() >= 3);
			assertThat(service.state()).isEqualTo(ServiceState.READY);
		}
	}

}
