package dev.managedprocesses.autoconfigure.actuate;

import java.util.List;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.os.PortableOperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the endpoint, health and metrics auto-configurations, and sanitizing.
 */
class ManagedProcessesActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagedProcessesAutoConfiguration.class,
				ManagedProcessesEndpointAutoConfiguration.class, ManagedProcessesHealthAutoConfiguration.class,
				ManagedProcessesMetricsAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false");

	@Test
	void exposedEndpointHealthAndMetricsArePresent() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=processes").run((context) -> {
			assertThat(context).hasSingleBean(ProcessesEndpoint.class)
				.hasSingleBean(ProcessesEndpointWebExtension.class)
				.hasSingleBean(ProcessesHealthIndicator.class)
				.hasSingleBean(ManagedProcessesMetrics.class);
		});
	}

	@Test
	void nothingActuatorRelatedWithoutActuatorOnTheClasspath() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=processes")
			.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ManagedProcessFactory.class)
					.doesNotHaveBean(ProcessesEndpoint.class)
					.doesNotHaveBean(ProcessesHealthIndicator.class)
					.doesNotHaveBean(ManagedProcessesMetrics.class);
			});
	}

	@Test
	void endpointAbsentWhenAccessIsNone() {
		// upper case: the runner's plain environment lacks the lenient enum conversion of a running app
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=processes",
					"management.endpoint.processes.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesEndpoint.class));
	}

	@Test
	void endpointAbsentWhenNotExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ProcessesEndpoint.class));
	}

	@Test
	void healthIndicatorCanBeTurnedOff() {
		this.runner.withPropertyValues("management.health.processes.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

	@Test
	void showValuesControlsMaskingAndSanitizingFunctionsStillApply() {
		List<String> command = List.of("tool", "--password=hunter2", "--user=alice", "input.txt");
		CommandSanitizer sanitizer = new CommandSanitizer(List.of(SanitizingFunction.sanitizeValue().ifLikelyCredential()));
		assertThat(sanitizer.sanitize(command, false)).containsExactly("tool", "******", "******", "******");
		assertThat(sanitizer.sanitize(command, true)).containsExactly("tool", "******", "--user=alice", "input.txt");
		assertThat(new CommandSanitizer(List.of()).sanitize(command, true)).isEqualTo(command);
	}

	@Test
	void endpointWorksWithoutProcfsAndSaysZombiesAreUnknown() throws Exception {
		PortableOperatingSystem os = new PortableOperatingSystem();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder().operatingSystem(os).build();
				OrphanReaper reaper = OrphanReaper.builder(os).build()) {
			reaper.start();
			factory.command("sh", "-c", "exit 0").name("portable").run();
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.ALWAYS);
			ProcessesDescriptor descriptor = endpoint.processes();
			assertThat(descriptor.zombieDetection()).isFalse();
			assertThat(descriptor.zombies()).isEmpty();
			assertThat(descriptor.limitations()).singleElement().asString().contains("need Linux");
			assertThat(descriptor.reaper().active()).isFalse();
			assertThat(descriptor.reaper().reason()).contains("need Linux");
			assertThat(descriptor.recent()).extracting(ProcessesDescriptor.Finished::name).containsExactly("portable");
			assertThat(new ProcessesHealthIndicator(factory, reaper, 0).health(true).getDetails())
				.containsKey("zombieDetection");
		}
	}

	@Test
	void metricsBindToARegistry() {
		this.runner.run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(ManagedProcessesMetrics.class).bindTo(registry);
			context.getBean(ManagedProcessFactory.class).command("true").name("bound").run();
			// listeners (the metrics) hear of the process on the callback executor, after run() returned
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(10))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(registry.get("managed.processes.duration")
					.tags("name", "bound", "outcome", "EXITED")
					.timer()
					.count()).isEqualTo(1));
			assertThat(registry.get("managed.processes.started").counter().count()).isEqualTo(1);
		});
	}

}
