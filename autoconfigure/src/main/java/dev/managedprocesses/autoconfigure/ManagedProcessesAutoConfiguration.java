package dev.managedprocesses.autoconfigure;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for managed processes: the operating system layer, the {@link ManagedProcessFactory}, the
 * {@link OrphanReaper} and the {@link ManagedProcessesLifecycle} that starts the reaper and stops every
 * process tree when the application context closes.
 */
@AutoConfiguration
@EnableConfigurationProperties(ManagedProcessesProperties.class)
public final class ManagedProcessesAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OperatingSystem managedProcessesOperatingSystem() {
		return OperatingSystem.current();
	}

	// No destroy method: the lifecycle shuts the factory down at the right phase and closes it.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	ManagedProcessFactory managedProcessFactory(OperatingSystem os, ManagedProcessesProperties properties) {
		return ManagedProcessFactory.builder()
			.operatingSystem(os)
			.defaultTimeout(properties.getDefaultTimeout())
			.gracePeriod(properties.getGracePeriod())
			.captureLimit((int) properties.getCaptureLimit().toBytes())
			.historySize(properties.getHistorySize())
			.maxConcurrent(properties.getMaxConcurrent())
			.startWait(properties.getStartWait())
			.build();
	}

	// No destroy method: the lifecycle closes the reaper last, after every killed tree's orphans are gone.
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	OrphanReaper orphanReaper(OperatingSystem os, ManagedProcessFactory factory,
			ManagedProcessesProperties properties) {
		ManagedProcessesProperties.Reaper reaper = properties.getReaper();
		return OrphanReaper.builder(os)
			.mode(reaper.getMode())
			.subreaper(properties.isSubreaper())
			.sweepInterval(reaper.getSweepInterval())
			.minimumAge(reaper.getMinimumAge())
			.historySize(reaper.getHistorySize())
			.owned(factory::isManaged)
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	ManagedProcessesLifecycle managedProcessesLifecycle(ManagedProcessFactory factory, OrphanReaper reaper) {
		return new ManagedProcessesLifecycle(factory, reaper);
	}

}
