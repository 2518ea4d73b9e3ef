package dev.managedprocesses.service;

import java.time.Duration;

import dev.managedprocesses.ManagedProcessFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad definitions are rejected with the setting named, before anything starts.
 */
class ServiceDefinitionTests {

	@Test
	void commandIsRequired() {
		assertThatThrownBy(() -> ServiceDefinition.builder("x").build()).isInstanceOf(ServiceDefinitionException.class)
			.hasMessageContaining("'x': command is required")
			.extracting((ex) -> ((ServiceDefinitionException) ex).setting())
			.isEqualTo("command");
	}

	@Test
	void badProbesDurationsAndSignalsAreNamed() {
		assertSetting(ServiceDefinition.builder("x")
			.command("sleep", "1")
			.readiness(Probe.exec("true"))
			.readiness(Probe.tcp("localhost:1")), "readiness");
		assertSetting(ServiceDefinition.builder("x")
			.command("sleep", "1")
			.readiness("readiness.log-line", () -> Probe.logLine("(unclosed")), "readiness.log-line");
		assertSetting(ServiceDefinition.builder("x")
			.command("sleep", "1")
			.readiness("readiness.http", () -> Probe.http("localhost:8080/health")), "readiness.http");
		assertSetting(ServiceDefinition.builder("x")
			.command("sleep", "1")
			.liveness("liveness.tcp", () -> Probe.tcp("localhost")), "liveness.tcp");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").liveness(Probe.logLine("up")), "liveness");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").restartDelay(Duration.ZERO),
				"restart-delay");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").readinessTimeout(Duration.ofSeconds(-1)),
				"readiness.timeout");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").maxRestarts(-1), "max-restarts");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").stopSignal("STOP"), "stop-signal");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").livenessFailureThreshold(0),
				"liveness.failure-threshold");
		assertSetting(ServiceDefinition.builder("x").command("sleep", "1").dependsOn("x"), "depends-on");
		assertThat(ServiceDefinition.builder("x").command("sleep", "1").stopSignal("sigint").build().stopSignal())
			.isEqualTo("INT");
	}

	@Test
	void unknownDependenciesAndCyclesAreRejected() {
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			assertThatThrownBy(() -> ManagedServices.builder(factory)
				.service(ServiceDefinition.builder("a").command("true").dependsOn("ghost").build())
				.build()).isInstanceOf(ServiceDefinitionException.class)
				.hasMessageContaining("'a': depends-on names an unknown service 'ghost'");
			assertThatThrownBy(() -> ManagedServices.builder(factory)
				.service(ServiceDefinition.builder("a").command("true").dependsOn("b").build())
				.service(ServiceDefinition.builder("b").command("true").dependsOn("c").build())
				.service(ServiceDefinition.builder("c").command("true").dependsOn("a").build())
				.build()).isInstanceOf(ServiceDefinitionException.class)
				.hasMessageContaining("depends-on forms a cycle: a -> b -> c -> a");
			assertThat(factory.processes()).isEmpty();
		}
	}

	private static void assertSetting(ServiceDefinition.Builder builder, String setting) {
		assertThatThrownBy(builder::build).isInstanceOf(ServiceDefinitionException.class)
			.satisfies((ex) -> assertThat(((ServiceDefinitionException) ex).setting()).isEqualTo(setting));
	}

}
