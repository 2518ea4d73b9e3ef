package dev.managedprocesses.autoconfigure;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessInterceptor;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for managed processes: the {@link ManagedProcessFactory}, the
 * {@link OrphanReaper}, and the lifecycle that stops every process tree on shutdown.
 */
@AutoConfiguration
@EnableConfigurationProperties(ManagedProcessesProperties.class)
public final class ManagedProcessesAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OperatingSystem managedProcessesOperatingSystem() {
		return OperatingSystem.current();
	}

	// normally stopped by the lifecycle once the web server has drained requests; close()
	// when the bean is
	// destroyed (after every lifecycle stop) is then a no-op, and covers a context whose
	// refresh failed
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ManagedProcessFactory managedProcessFactory(OperatingSystem operatingSystem, ManagedProcessesProperties properties,
			ObjectProvider<ProcessInterceptor> interceptors) {
		ManagedProcessFactory.Builder builder = ManagedProcessFactory.builder();
		// observations and trace propagation (see the observation package), in @Order
		interceptors.orderedStream().forEach(builder::interceptor);
		return builder.operatingSystem(operatingSystem)
			.defaultTimeout(properties.getDefaultTimeout())
			.gracePeriod(properties.getGracePeriod())
			.captureLimit((int) properties.getCaptureLimit().toBytes())
			.historySize(properties.getHistorySize())
			.maxConcurrent(properties.getMaxConcurrent())
			.startWait(properties.getStartWait())
			.build();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	OrphanReaper orphanReaper(OperatingSystem operatingSystem, ManagedProcessFactory factory,
			ManagedProcessesProperties properties) {
		ManagedProcessesProperties.Reaper reaper = properties.getReaper();
		return OrphanReaper.builder(operatingSystem)
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
