package dev.managedprocesses.autoconfigure.actuate;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link ManagedProcessesMetrics}, when Micrometer is on the
 * classpath; Spring Boot binds it to every meter registry.
 */
@AutoConfiguration(after = ManagedProcessesAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(ManagedProcessFactory.class)
public final class ManagedProcessesMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ManagedProcessesMetrics managedProcessesMetrics(ManagedProcessFactory factory, OrphanReaper reaper) {
		return new ManagedProcessesMetrics(factory, reaper);
	}

}
