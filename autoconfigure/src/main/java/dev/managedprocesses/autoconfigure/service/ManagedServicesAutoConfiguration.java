package dev.managedprocesses.autoconfigure.service;

import java.util.ArrayList;
import java.util.List;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.ServiceDefinition;
import dev.managedprocesses.service.ServiceDefinitionException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Supervised services: {@link ManagedServices} from {@code managed-processes.services.*}
 * and every {@link ServiceDefinition} bean, started and stopped with the context. Only
 * present when at least one service is declared.
 */
@AutoConfiguration(after = ManagedProcessesAutoConfiguration.class)
@ConditionalOnBean(ManagedProcessFactory.class)
@Conditional(OnServicesCondition.class)
@EnableConfigurationProperties(ManagedServicesProperties.class)
public final class ManagedServicesAutoConfiguration {

	// closed when the bean is destroyed: covers a context whose refresh failed before the
	// lifecycle stopped
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ManagedServices managedServices(ManagedProcessFactory factory, ManagedServicesProperties properties,
			ObjectProvider<ServiceDefinition> programmatic) {
		List<ServiceDefinition> definitions = new ArrayList<>(ServiceDefinitions.from(properties));
		programmatic.orderedStream().forEach(definitions::add);
		try {
			return ManagedServices.builder(factory).services(definitions).build();
		}
		catch (ServiceDefinitionException ex) {
			if (properties.getServices().containsKey(ex.service())) {
				throw ServiceDefinitions.invalid(ex);
			}
			throw ex;
		}
	}

	@Bean
	@ConditionalOnMissingBean
	ManagedServicesLifecycle managedServicesLifecycle(ManagedServices services) {
		return new ManagedServicesLifecycle(services);
	}

}
