package dev.managedprocesses.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.managedprocesses.service.ServiceTestSupport.await;
import static dev.managedprocesses.service.ServiceTestSupport.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Dependency order on start, parallel start of independent services, reverse order on
 * stop with each service's own grace period and stop signal, and no survivor.
 */
class ServiceOrderTests {

	@TempDir
	Path dir;

	@BeforeEach
	void linux() {
		assumeThat(TestProcesses.linux()).as("needs /proc and sh").isTrue();
	}

	@Test
	void aServiceStartsOnlyOnceItsDependenciesAreReady() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path go = this.dir.resolve("go");
			Path appStarted = this.dir.resolve("app-started");
			ManagedServices services = support.supervise(
					ServiceDefinition.builder("app")
						.command(support.sh("touch " + appStarted + "; sleep " + support.marker))
						.dependsOn("db", "migrations")
						.build(),
					ServiceDefinition.builder("migrations")
						.command(support.sh("sleep 0.5; exit 0"))
						.restart(RestartPolicy.NEVER)
						.dependsOn("db")
						.build(),
					ServiceDefinition.builder("db")
						.command(support.sh("sleep " + support.marker))
						.readiness(Probe.exec("test", "-f", go.toString()))
						.readinessInterval(Duration.ofMillis(100))
						.build());
			assertThat(services.services()).extracting(ManagedService::name).containsExactly("db", "migrations", "app");
			services.startAll();
			ManagedService db = services.find("db").orElseThrow();
			ManagedService app = services.find("app").orElseThrow();
			await().until(() -> db.readiness().orElseThrow().lastFailure().isPresent());
			Thread.sleep(300);
			assertThat(app.state()).isEqualTo(ServiceState.STARTING);
			assertThat(app.pid()).isEmpty();
			assertThat(app.reason().orElseThrow()).contains("waiting for db");
			assertThat(appStarted).doesNotExist();
			Files.createFile(go);
			services.awaitReady("app", Duration.ofSeconds(30));
			ManagedService migrations = services.find("migrations").orElseThrow();
			assertThat(migrations.state()).isEqualTo(ServiceState.COMPLETED);
			assertThat(app.startedAt().orElseThrow()).isAfterOrEqualTo(db.readySince().orElseThrow())
				.isAfterOrEqualTo(migrations.lastExit().orElseThrow().endedAt());
			await().until(() -> Files.exists(appStarted));
		}
	}

	@Test
	void independentServicesStartInParallel() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path left = this.dir.resolve("left");
			Path right = this.dir.resolve("right");
			// each becomes ready only once the other has started: a sequential start
			// would never get there
			ManagedServices services = support.supervise(
					ServiceDefinition.builder("left")
						.command(support.sh("touch " + left + "; sleep " + support.marker))
						.readiness(Probe.exec("test", "-f", right.toString()))
						.readinessInterval(Duration.ofMillis(100))
						.readinessTimeout(Duration.ofSeconds(20))
						.build(),
					ServiceDefinition.builder("right")
						.command(support.sh("touch " + right + "; sleep " + support.marker))
						.readiness(Probe.exec("test", "-f", left.toString()))
						.readinessInterval(Duration.ofMillis(100))
						.readinessTimeout(Duration.ofSeconds(20))
						.build());
			services.startAll();
			services.awaitReady(List.of("left", "right"), Duration.ofSeconds(30));
		}
	}

	@Test
	void stopAllGoesInReverseOrderWithEachGraceAndLeavesNothing() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path dbStopped = this.dir.resolve("db-stopped");
			Path appStopped = this.dir.resolve("app-stopped");
			// app ignores SIGTERM (so do its children): it goes only with SIGKILL after
			// its 1.5 s grace; db,
			// which app depends on, is asked to stop only after that, and records when
			ManagedServices services = support.supervise(
					ServiceDefinition.builder("db")
						.command(support.sh("trap 'date +%s%N > " + dbStopped + "; exit 0' TERM; "
								+ "while true; do sleep 0.1; done"))
						.gracePeriod(Duration.ofSeconds(5))
						.build(),
					ServiceDefinition.builder("app")
						.command(support.sh("trap '' TERM; sh -c 'while true; do sleep 0.1; done' " + support.marker
								+ " & while true; do sleep 0.1; done"))
						.dependsOn("db")
						.gracePeriod(Duration.ofMillis(1500))
						.build(),
					ServiceDefinition.builder("signalled")
						// USR1, not INT: a shell cannot trap a signal ignored on entry,
						// and a
						// non-interactive parent shell starts background jobs with INT
						// ignored
						.command(support.sh("trap 'echo got USR1; touch " + appStopped + "; exit 0' USR1; "
								+ "while true; do sleep 0.1; done"))
						.stopSignal("USR1")
						.output(ServiceOutput.CAPTURE)
						.build());
			services.startAll();
			services.awaitReady(List.of("db", "app", "signalled"), Duration.ofSeconds(30));
			await().until(() -> support.alive().size() >= 4);
			long before = System.nanoTime();
			Instant wallBefore = Instant.now();
			services.stopAll().get(60, TimeUnit.SECONDS);
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
			assertThat(tookMillis).as("app's grace period").isGreaterThanOrEqualTo(1400);
			long dbStoppedAt = longs(dbStopped).get(0);
			long sinceStop = (dbStoppedAt / 1_000_000) - wallBefore.toEpochMilli();
			assertThat(sinceStop).as("db asked to stop after app's grace").isGreaterThanOrEqualTo(1400);
			assertThat(support.alive()).isEmpty();
			ManagedService signalled = services.find("signalled").orElseThrow();
			assertThat(appStopped).exists();
			assertThat(signalled.lastExit().orElseThrow().exitCode()).isZero();
			assertThat(services.services()).allMatch((service) -> service.state() == ServiceState.STOPPED);
			assertThat(services.find("app").orElseThrow().lastExit().orElseThrow().killed()).isTrue();
		}
	}

	@Test
	void aFailedDependencyFailsItsWaitingDependents() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support.supervise(
					ServiceDefinition.builder("broken")
						.command(support.sh("exit 1"))
						.restart(RestartPolicy.NEVER)
						.build(),
					ServiceDefinition.builder("user")
						.command(support.sh("sleep " + support.marker))
						.dependsOn("broken")
						.build());
			services.startAll();
			await().until(() -> services.find("user").orElseThrow().state() == ServiceState.FAILED);
			assertThat(services.find("user").orElseThrow().reason().orElseThrow()).contains("dependency 'broken'");
			assertThat(support.alive()).isEmpty();
		}
	}

}
