package dev.managedprocesses.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.managedprocesses.service.ServiceTestSupport.await;
import static dev.managedprocesses.service.ServiceTestSupport.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Restart policies with real crashing processes: exponential back-off, its reset after a
 * stable run, and max-restarts within the window ending in FAILED.
 */
class ServiceRestartTests {

	@TempDir
	Path dir;

	@BeforeEach
	void linux() {
		assumeThat(TestProcesses.linux()).as("needs /proc and sh").isTrue();
	}

	@Test
	void backOffDoublesUpToTheMaximum() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path starts = this.dir.resolve("starts");
			Path ends = this.dir.resolve("ends");
			ServiceDefinition crashing = ServiceDefinition.builder("crashing")
				.command(support.sh("date +%s%N >> " + starts + "; date +%s%N >> " + ends + "; exit 3"))
				.restartDelay(Duration.ofMillis(300))
				.maxRestartDelay(Duration.ofMillis(1200))
				.maxRestarts(5)
				.build();
			ManagedServices services = support.supervise(crashing);
			services.startAll();
			ManagedService service = services.find("crashing").orElseThrow();
			await().until(() -> longs(starts).size() >= 5);
			List<Long> startTimes = longs(starts);
			List<Long> endTimes = longs(ends);
			long[] expected = { 300, 600, 1200, 1200 };
			for (int i = 0; i < expected.length; i++) {
				long gapMillis = TimeUnit.NANOSECONDS.toMillis(startTimes.get(i + 1) - endTimes.get(i));
				assertThat(gapMillis).as("back-off before restart %d", i + 1)
					.isGreaterThanOrEqualTo(expected[i] - 20)
					.isLessThan(expected[i] + 60_000);
			}
			await().until(() -> service.state() == ServiceState.FAILED);
			assertThat(service.restarts()).isEqualTo(5);
			assertThat(service.lastExit().orElseThrow().exitCode()).isEqualTo(3);
			assertThat(service.reason().orElseThrow()).contains("max-restarts 5");
			assertThat(longs(starts)).hasSize(6);
		}
	}

	@Test
	void aStableRunStartsTheBackOffOver() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path starts = this.dir.resolve("starts");
			Path ends = this.dir.resolve("ends");
			Path runs = this.dir.resolve("runs");
			// runs 1 to 3 crash at once (back-off 300, 600, 1200 ms); run 4 lasts 2.6 s,
			// longer than
			// max-restart-delay, so the back-off after it is 300 ms again instead of 2400
			// ms
			String script = "date +%s%N >> " + starts + "; echo x >> " + runs + "; n=$(wc -l < " + runs + "); "
					+ "if [ \"$n\" -eq 4 ]; then sleep 2.6; fi; date +%s%N >> " + ends + "; exit 1";
			ServiceDefinition flaky = ServiceDefinition.builder("flaky")
				.command(support.sh(script))
				.restartDelay(Duration.ofMillis(300))
				.maxRestartDelay(Duration.ofMillis(2400))
				.maxRestarts(10)
				.build();
			ManagedServices services = support.supervise(flaky);
			services.startAll();
			await().until(() -> longs(starts).size() >= 5);
			List<Long> startTimes = longs(starts);
			List<Long> endTimes = longs(ends);
			long beforeStable = TimeUnit.NANOSECONDS.toMillis(startTimes.get(3) - endTimes.get(2));
			long afterStable = TimeUnit.NANOSECONDS.toMillis(startTimes.get(4) - endTimes.get(3));
			assertThat(beforeStable).as("third back-off").isGreaterThanOrEqualTo(1180);
			assertThat(afterStable).as("back-off after a stable run").isGreaterThanOrEqualTo(280).isLessThan(2000);
			services.stop("flaky").get(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void maxRestartsWithinTheWindowEndsInFailed() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ServiceDefinition crashing = ServiceDefinition.builder("crashing")
				.command(support.sh("echo boom-$$; exit 7"))
				.restartDelay(Duration.ofMillis(50))
				.maxRestarts(2)
				.output(ServiceOutput.CAPTURE)
				.build();
			ManagedServices services = support.supervise(crashing);
			services.startAll();
			ManagedService service = services.find("crashing").orElseThrow();
			await().until(() -> service.state() == ServiceState.FAILED);
			assertThatThrownBy(() -> services.awaitReady("crashing", Duration.ofSeconds(30)))
				.isInstanceOf(ServiceFailedException.class)
				.hasMessageContaining("'crashing' is FAILED")
				.hasMessageContaining("exited with code 7")
				.hasMessageContaining("boom-");
			assertThat(service.state()).isEqualTo(ServiceState.FAILED);
			assertThat(service.restarts()).isEqualTo(2);
			assertThat(service.outputTail()).hasSize(3).allMatch((line) -> line.startsWith("boom-"));
			assertThat(service.pid()).isEmpty();
		}
	}

	@Test
	void policiesDecideOnExitCodeZero() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path runs = this.dir.resolve("runs");
			ManagedServices services = support.supervise(
					ServiceDefinition.builder("once").command(support.sh("exit 0")).build(),
					ServiceDefinition.builder("never")
						.command(support.sh("exit 2"))
						.restart(RestartPolicy.NEVER)
						.build(),
					ServiceDefinition.builder("always")
						.command(support.sh("echo x >> " + runs + "; exit 0"))
						.restart(RestartPolicy.ALWAYS)
						.restartDelay(Duration.ofMillis(50))
						.maxRestarts(2)
						.build());
			services.startAll();
			await().until(() -> services.find("once").orElseThrow().state() == ServiceState.COMPLETED);
			await().until(() -> services.find("never").orElseThrow().state() == ServiceState.FAILED);
			await().until(() -> services.find("always").orElseThrow().state() == ServiceState.FAILED);
			assertThat(services.find("once").orElseThrow().restarts()).isZero();
			assertThat(services.find("never").orElseThrow().restarts()).isZero();
			assertThat(java.nio.file.Files.readAllLines(runs)).hasSize(3);
		}
	}

	@Test
	void operatorStopAndStartAndRestart() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support
				.supervise(ServiceDefinition.builder("worker").command(support.sh("sleep " + support.marker)).build());
			services.startAll();
			ManagedService worker = services.awaitReady("worker", Duration.ofSeconds(30));
			long first = worker.pid().orElseThrow();
			assertThat(services.serviceOf(first)).contains("worker");
			services.restart("worker").get(30, TimeUnit.SECONDS);
			services.awaitReady("worker", Duration.ofSeconds(30));
			long second = worker.pid().orElseThrow();
			assertThat(second).isNotEqualTo(first);
			assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
			assertThat(worker.restarts()).isEqualTo(1);
			services.stop("worker").get(30, TimeUnit.SECONDS);
			assertThat(worker.state()).isEqualTo(ServiceState.STOPPED);
			assertThat(worker.pid()).isEmpty();
			await().until(() -> support.alive().isEmpty());
			services.start("worker").get(30, TimeUnit.SECONDS);
			services.awaitReady("worker", Duration.ofSeconds(30));
			assertThat(support.alive()).isNotEmpty();
			assertThatThrownBy(() -> services.stop("nope")).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'nope'");
		}
	}

	@Test
	void aRestartBeginsWithThePreviousTreeGone() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path runs = this.dir.resolve("runs");
			// each run leaves a double-forked daemon (re-parented away at once) and
			// crashes
			ServiceDefinition leaky = ServiceDefinition.builder("leaky")
				.command(support.sh("echo x >> " + runs + "; (sleep $0 &); exit 1"))
				.restartDelay(Duration.ofMillis(200))
				.maxRestarts(3)
				.build();
			ManagedServices services = support.supervise(leaky);
			services.startAll();
			ManagedService service = services.find("leaky").orElseThrow();
			await().until(() -> service.state() == ServiceState.FAILED);
			assertThat(java.nio.file.Files.readAllLines(runs)).hasSize(4);
			// the daemons of the first three runs were stopped before each restart; only
			// the last run's is left
			await().until(() -> support.alive().size() == 1);
			assertThat(support.alive()).hasSize(1);
		}
	}

}
