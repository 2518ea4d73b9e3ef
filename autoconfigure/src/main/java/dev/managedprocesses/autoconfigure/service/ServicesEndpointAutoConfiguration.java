package dev.managedprocesses.autoconfigure.service;

import dev.managedprocesses.autoconfigure.actuate.ProcessesEndpointProperties;
import dev.managedprocesses.service.ManagedServices;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code services} actuator endpoint. Commands are shown under the processes
 * endpoint's {@code management.endpoint.processes.show-values} and {@code roles}, so both
 * endpoints agree.
 */
@AutoConfiguration(after = ManagedServicesAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ManagedServices.class)
@ConditionalOnAvailableEndpoint(ServicesEndpoint.class)
@EnableConfigurationProperties(ProcessesEndpointProperties.class)
public final class ServicesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServicesEndpoint servicesEndpoint(ManagedServices services, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			ProcessesEndpointProperties properties) {
		return new ServicesEndpoint(services, sanitizingFunctions.orderedStream().toList(), properties.getShowValues(),
				properties.getRoles());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ServicesEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ServicesEndpointWebExtension servicesEndpointWebExtension(ServicesEndpoint endpoint) {
		return new ServicesEndpointWebExtension(endpoint);
	}

}
