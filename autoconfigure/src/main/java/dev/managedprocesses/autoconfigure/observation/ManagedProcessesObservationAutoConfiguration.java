package dev.managedprocesses.autoconfigure.observation;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of observations of managed processes: an
 * {@link ObservationProcessInterceptor}, which the auto-configured
 * {@link ManagedProcessFactory} takes up, when an {@link ObservationRegistry} bean exists
 * (Spring Boot's observation auto-configuration makes one with the actuator). Without one
 * nothing is registered and processes start as fast as ever.
 */
@AutoConfiguration(before = ManagedProcessesAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@EnableConfigurationProperties(ManagedProcessesTracingProperties.class)
public final class ManagedProcessesObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationProcessInterceptor managedProcessesObservationInterceptor(ObservationRegistry observationRegistry,
			ObjectProvider<ProcessObservationConvention> convention, ManagedProcessesTracingProperties properties) {
		return new ObservationProcessInterceptor(observationRegistry, convention.getIfAvailable(),
				properties.isPropagate());
	}

}
