package dev.managedprocesses.autoconfigure.actuate;

import java.util.List;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the endpoint, health and metrics auto-configurations: auto-configured,
 * not when not exposed, can be disabled, backs off to a user bean. What the endpoint
 * answers is in {@link ProcessesEndpointTests}.
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
		// upper case: the runner's plain environment lacks the lenient enum conversion of
		// a running app
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
	void webExtensionAbsentWhenExposedOnlyOverJmx() {
		this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=processes")
			.run((context) -> assertThat(context).hasSingleBean(ProcessesEndpoint.class)
				.doesNotHaveBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void endpointBacksOffToAUserBean() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=processes")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ProcessesEndpoint.class)
				.hasBean("userEndpoint")
				.hasSingleBean(ProcessesEndpointWebExtension.class));
	}

	@Test
	void healthIndicatorBacksOffToAUserBean() {
		this.runner
			.withBean("processesHealthIndicator", HealthIndicator.class,
					() -> () -> org.springframework.boot.health.contributor.Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

	@Test
	void metricsBindToARegistry() {
		this.runner.run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(ManagedProcessesMetrics.class).bindTo(registry);
			context.getBean(ManagedProcessFactory.class).command("true").name("bound").run();
			// listeners (the metrics) hear of the process on the callback executor, after
			// run() returned
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

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		ProcessesEndpoint userEndpoint(ManagedProcessFactory factory, OrphanReaper reaper) {
			return new ProcessesEndpoint(factory, reaper, List.of(), Show.NEVER);
		}

	}

}
