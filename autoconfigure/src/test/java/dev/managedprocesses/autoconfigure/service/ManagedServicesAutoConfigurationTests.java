package dev.managedprocesses.autoconfigure.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.RestartPolicy;
import dev.managedprocesses.service.ServiceDefinition;
import dev.managedprocesses.service.ServiceOutput;
import dev.managedprocesses.service.ServiceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ManagedServicesAutoConfiguration}: conditions, binding, validation,
 * and the lifecycle (start in order, waiting for readiness, failing fast, reverse-order
 * stop) with real processes.
 */
class ManagedServicesAutoConfigurationTests {

	private final String marker = TestProcesses.marker();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ManagedProcessesAutoConfiguration.class, ManagedServicesAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false");

	@TempDir
	Path dir;

	@BeforeEach
	void linux() {
		assumeTrue(TestProcesses.linux(), "needs /proc and sh");
	}

	@AfterEach
	void cleanUp() {
		TestProcesses.killAll(this.marker);
	}

	private String sh(String property, String script) {
		// sh -c script marker: every process of the test carries the marker
		return property + "=sh,-c," + script + "," + this.marker;
	}

	@Test
	void withoutServicesThereIsNoSupervisor() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ManagedServices.class)
			.doesNotHaveBean(ManagedServicesLifecycle.class));
	}

	@Test
	void bindsPropertiesAndStartsInDependencyOrderWithTheContext() {
		Path go = this.dir.resolve("go");
		this.runner
			.withPropertyValues(sh("managed-processes.services.db.command", "echo db is up; sleep " + this.marker),
					"managed-processes.services.db.readiness.log-line=db is up",
					"managed-processes.services.db.output=capture", "managed-processes.services.db.restart-delay=250ms",
					"managed-processes.services.db.max-restart-delay=2s",
					"managed-processes.services.db.max-restarts=7", "managed-processes.services.db.restart-window=1m",
					"managed-processes.services.db.grace-period=3s", "managed-processes.services.db.stop-signal=INT",
					sh("managed-processes.services.app.command", "touch " + go + "; sleep " + this.marker),
					"managed-processes.services.app.depends-on=db", "managed-processes.services.app.restart=always",
					"managed-processes.services.app.environment.GREETING=hi",
					"managed-processes.services.off.command=false", "managed-processes.services.off.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ManagedServices.class);
				ManagedServices services = context.getBean(ManagedServices.class);
				assertThat(services.services()).extracting(ManagedService::name).containsExactly("db", "app");
				ManagedService db = services.find("db").orElseThrow();
				assertThat(db.state()).isEqualTo(ServiceState.READY);
				ServiceDefinition definition = db.definition();
				assertThat(definition.restartDelay()).isEqualTo(Duration.ofMillis(250));
				assertThat(definition.maxRestartDelay()).isEqualTo(Duration.ofSeconds(2));
				assertThat(definition.maxRestarts()).isEqualTo(7);
				assertThat(definition.restartWindow()).isEqualTo(Duration.ofMinutes(1));
				assertThat(definition.gracePeriod()).contains(Duration.ofSeconds(3));
				assertThat(definition.stopSignal()).isEqualTo("INT");
				assertThat(definition.output()).isEqualTo(ServiceOutput.CAPTURE);
				ServiceDefinition app = services.find("app").orElseThrow().definition();
				assertThat(app.restart()).isEqualTo(RestartPolicy.ALWAYS);
				assertThat(app.environment()).containsEntry("GREETING", "hi");
				assertThat(app.dependsOn()).containsExactly("db");
				assertThat(services.find("app").orElseThrow().startedAt().orElseThrow())
					.isAfterOrEqualTo(db.readySince().orElseThrow());
				await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(go));
				assertThat(TestProcesses.alive(this.marker)).hasSizeGreaterThanOrEqualTo(2);
			});
		assertThat(TestProcesses.alive(this.marker)).as("survivors after close").isEmpty();
	}

	@Test
	void programmaticServicesJoinConfiguredOnes() {
		ProgrammaticService.marker = this.marker;
		this.runner.withUserConfiguration(ProgrammaticService.class)
			.withPropertyValues(sh("managed-processes.services.configured.command", "sleep " + this.marker))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedServices services = context.getBean(ManagedServices.class);
				assertThat(services.services()).extracting(ManagedService::name)
					.containsExactlyInAnyOrder("configured", "coded");
				assertThat(services.find("coded").orElseThrow().state()).isEqualTo(ServiceState.READY);
			});
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void badConfigurationFailsTheContextNamingThePropertyAndStartsNothing() {
		String ok = sh("managed-processes.services.ok.command", "sleep " + this.marker);
		rejects("managed-processes.services.empty.command", ok, "managed-processes.services.empty.restart=always");
		rejects("managed-processes.services.ok.depends-on", ok, "managed-processes.services.ok.depends-on=ghost");
		rejects("managed-processes.services.a.depends-on", sh("managed-processes.services.a.command", "true"),
				"managed-processes.services.a.depends-on=b", sh("managed-processes.services.b.command", "true"),
				"managed-processes.services.b.depends-on=a");
		rejects("managed-processes.services.ok.readiness", ok,
				"managed-processes.services.ok.readiness.tcp=localhost:1",
				"managed-processes.services.ok.readiness.http=http://localhost:1/");
		rejects("managed-processes.services.ok.readiness.log-line", ok,
				"managed-processes.services.ok.readiness.log-line=(unclosed");
		rejects("managed-processes.services.ok.readiness.http", ok,
				"managed-processes.services.ok.readiness.http=localhost:8080/health");
		rejects("managed-processes.services.ok.liveness.tcp", ok,
				"managed-processes.services.ok.liveness.tcp=localhost");
		rejects("managed-processes.services.ok.restart-delay", ok, "managed-processes.services.ok.restart-delay=0s");
		rejects("managed-processes.services.ok.readiness.timeout", ok,
				"managed-processes.services.ok.readiness.timeout=-1s");
		rejects("managed-processes.services.ok.stop-signal", ok, "managed-processes.services.ok.stop-signal=STOP");
		assertThat(TestProcesses.alive(this.marker)).as("nothing started").isEmpty();
	}

	private void rejects(String property, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining(property.replaceFirst(".*\\.services\\.[^.]+\\.", ""));
			assertThat(context.getStartupFailure()).hasStackTraceContaining(property);
		});
	}

	@Test
	void refreshFailsFastWhenAServiceIsNotReadyInTime() {
		long start = System.nanoTime();
		this.runner
			.withPropertyValues(
					sh("managed-processes.services.slow.command", "echo loading model; sleep " + this.marker),
					"managed-processes.services.slow.readiness.exec=false",
					"managed-processes.services.slow.readiness.interval=200ms",
					"managed-processes.services.slow.readiness.timeout=1500ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Service 'slow' is FAILED")
					.hasStackTraceContaining("readiness.timeout")
					.hasStackTraceContaining("loading model");
			});
		assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
		await().atMost(Duration.ofSeconds(30)).until(() -> TestProcesses.alive(this.marker).isEmpty());
	}

	@Test
	void closeStopsInReverseOrderWithEachGraceAndLeavesNothing() throws Exception {
		Path dbStopped = this.dir.resolve("db-stopped");
		long[] closedAt = new long[1];
		this.runner
			.withPropertyValues(
					sh("managed-processes.services.db.command",
							"trap 'date +%s%N > " + dbStopped + "; exit 0' TERM; while true; do sleep 0.1; done"),
					sh("managed-processes.services.app.command", "trap '' TERM; while true; do sleep 0.1; done"),
					"managed-processes.services.app.depends-on=db",
					"managed-processes.services.app.grace-period=1500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(30)).until(() -> TestProcesses.alive(this.marker).size() >= 2);
				closedAt[0] = System.currentTimeMillis();
			});
		long dbStoppedMillis = Long.parseLong(Files.readString(dbStopped).trim()) / 1_000_000;
		assertThat(dbStoppedMillis - closedAt[0]).as("db stops after app's 1.5 s grace").isGreaterThanOrEqualTo(1400);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	static class ProgrammaticService {

		static volatile String marker;

		@Bean
		ServiceDefinition codedService() {
			return ServiceDefinition.builder("coded").command("sh", "-c", "sleep " + marker).build();
		}

	}

}
