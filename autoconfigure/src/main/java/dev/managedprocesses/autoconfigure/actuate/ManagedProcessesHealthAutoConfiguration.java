package dev.managedprocesses.autoconfigure.actuate;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.autoconfigure.ManagedProcessesProperties;
import dev.managedprocesses.reaper.OrphanReaper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code processes} health indicator, when Spring Boot's health
 * support is on the classpath ({@code management.health.processes.enabled} turns it off).
 */
@AutoConfiguration(after = ManagedProcessesAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ManagedProcessFactory.class)
@ConditionalOnEnabledHealthIndicator("processes")
public final class ManagedProcessesHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "processesHealthIndicator")
	ProcessesHealthIndicator processesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper,
			ManagedProcessesProperties properties) {
		return new ProcessesHealthIndicator(factory, reaper, properties.getHealth().getZombieThreshold(),
				properties.getReaper().getMinimumAge());
	}

}
