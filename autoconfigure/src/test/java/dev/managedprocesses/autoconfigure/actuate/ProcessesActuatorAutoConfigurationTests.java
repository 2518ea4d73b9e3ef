package dev.managedprocesses.autoconfigure.actuate;

import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.autoconfigure.metrics.ManagedProcessesMetrics;
import dev.managedprocesses.autoconfigure.metrics.ManagedProcessesMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the actuator auto-configurations: endpoint, health indicator and meters.
 */
class ProcessesActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, ManagedProcessesAutoConfiguration.class,
				ProcessesEndpointAutoConfiguration.class, ProcessesHealthAutoConfiguration.class,
				ManagedProcessesMetricsAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false", "managed-processes.reaper.mode=never",
				"management.endpoints.web.exposure.include=processes");

	@Test
	void everythingIsPresentWithActuatorAndMicrometer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ProcessesEndpoint.class)
			.hasSingleBean(ProcessesHealthIndicator.class)
			.hasSingleBean(ManagedProcessesMetrics.class));
	}

	@Test
	void nothingActuatorRelatedWithoutActuatorOnTheClasspath() {
		this.runner
			.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ProcessesEndpoint.class)
				.doesNotHaveBean(ProcessesHealthIndicator.class)
				.doesNotHaveBean(ManagedProcessesMetrics.class)
				.hasSingleBean(dev.managedprocesses.ManagedProcessFactory.class));
	}

	@Test
	void endpointIsAbsentWhenAccessIsNone() {
		this.runner.withPropertyValues("management.endpoint.processes.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesEndpoint.class));
	}

	@Test
	void endpointIsAbsentWhenNotExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesEndpoint.class));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.processes.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessesHealthIndicator.class));
	}

}
