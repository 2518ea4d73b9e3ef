package dev.managedprocesses.autoconfigure.service;

import dev.managedprocesses.service.ManagedServices;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code services} health contributor, one component per service.
 */
@AutoConfiguration(after = ManagedServicesAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ManagedServices.class)
@ConditionalOnEnabledHealthIndicator("services")
public final class ServicesHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "servicesHealthContributor")
	CompositeHealthContributor servicesHealthContributor(ManagedServices services) {
		return ServicesHealthContributor.of(services);
	}

}
