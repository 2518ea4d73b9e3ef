package dev.managedprocesses.autoconfigure.actuate;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.service.ManagedServices;

import org.springframework.beans.factory.BeanFactory;
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
 * Auto-configuration of the {@link ProcessesEndpoint}, when Actuator is on the classpath
 * and the endpoint is available (access not {@code none}, and exposed).
 */
@AutoConfiguration(after = ManagedProcessesAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ManagedProcessFactory.class)
@ConditionalOnAvailableEndpoint(ProcessesEndpoint.class)
@EnableConfigurationProperties(ProcessesEndpointProperties.class)
public final class ManagedProcessesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessesEndpoint processesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper,
			ObjectProvider<SanitizingFunction> sanitizingFunctions, ObjectProvider<ManagedServices> services,
			ProcessesEndpointProperties properties, BeanFactory beanFactory) {
		// the web layer's own JSON writer, to serialize each shared overview once
		return new ProcessesEndpoint(factory, reaper, sanitizingFunctions.orderedStream().toList(),
				properties.getShowValues(), services.getIfAvailable(), ProcessesJson.writer(beanFactory));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessesEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ProcessesEndpointWebExtension processesEndpointWebExtension(ProcessesEndpoint endpoint,
			ProcessesEndpointProperties properties) {
		return new ProcessesEndpointWebExtension(endpoint, properties.getShowValues(), properties.getRoles());
	}

}
