package dev.managedprocesses.autoconfigure.service;

import dev.managedprocesses.service.ManagedServices;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics of the supervised services.
 */
@AutoConfiguration(after = ManagedServicesAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(ManagedServices.class)
public final class ServicesMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServicesMetrics servicesMetrics(ManagedServices services) {
		return new ServicesMetrics(services);
	}

}
