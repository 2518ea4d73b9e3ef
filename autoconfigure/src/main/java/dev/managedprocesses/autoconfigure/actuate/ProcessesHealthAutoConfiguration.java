package dev.managedprocesses.autoconfigure.actuate;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.autoconfigure.ManagedProcessesProperties;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link ProcessesHealthIndicator} ({@code processes}).
 */
@AutoConfiguration(after = ManagedProcessesAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnEnabledHealthIndicator("processes")
public final class ProcessesHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "processesHealthIndicator")
	@ConditionalOnBean({ ManagedProcessFactory.class, OrphanReaper.class, OperatingSystem.class })
	ProcessesHealthIndicator processesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper,
			OperatingSystem os, ManagedProcessesProperties properties) {
		ManagedProcessesProperties.Reaper settings = properties.getReaper();
		return new ProcessesHealthIndicator(factory, reaper, os, properties.getHealth().getZombieThreshold(),
				settings.getMinimumAge().plus(settings.getSweepInterval()));
	}

}
